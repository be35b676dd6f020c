"""The searcher of computed Boolean fields (boolean_search.py): which
records `overdue = True`, `!= True`, `in [...]` … find."""
import unittest

from ..boolean_search import boolean_domain

TRUE = [('state', '=', 'open'), ('deadline', '<', 1)]
FALSE = ['OR', ('state', '!=', 'open'), ('deadline', '>=', 1)]


class BooleanSearchTestCase(unittest.TestCase):
    "Boolean searcher"

    def domain(self, operator, value):
        return boolean_domain(('overdue', operator, value), TRUE, FALSE)

    def test_true_and_false(self):
        "= and != select the records of one value or the other"
        self.assertEqual(self.domain('=', True), TRUE)
        self.assertEqual(self.domain('!=', False), TRUE)
        self.assertEqual(self.domain('=', False), FALSE)
        self.assertEqual(self.domain('=', None), FALSE)
        self.assertEqual(self.domain('!=', True), FALSE)

    def test_in(self):
        "in and not in, with a list or a single value"
        self.assertEqual(self.domain('in', [True]), TRUE)
        self.assertEqual(self.domain('in', True), TRUE)
        self.assertEqual(self.domain('not in', [True]), FALSE)
        self.assertEqual(self.domain('in', [True, False]), [])
        self.assertEqual(self.domain('not in', [True, False]),
            [('id', '=', None)])
        self.assertEqual(self.domain('in', []), [('id', '=', None)])
        self.assertEqual(self.domain('not in', []), [])

    def test_other_operators(self):
        "Any other operator does not filter"
        self.assertEqual(self.domain('like', 'x'), [])
