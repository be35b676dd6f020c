"""What a customer search's domain tells the read rule (search_flags.py):
only clauses the domain ANDs at its top count, and each fact holds for
every customer the domain admits."""
import unittest

from ..search_flags import (
    required_values, requires_customer, requires_no_owner, requires_owner)


class SearchFlagsTestCase(unittest.TestCase):
    "Which searches tell the read rule what"

    def check(self, function, true, false):
        for domain in true:
            with self.subTest(function=function.__name__, domain=domain):
                self.assertTrue(function(domain))
        for domain in false:
            with self.subTest(function=function.__name__, domain=domain):
                self.assertFalse(function(domain))

    def test_requires_customer(self):
        self.check(requires_customer, [
                [('crm_customer_type', '!=', None)],
                [[('crm_customer_type', '!=', None)],
                    [('name', 'ilike', '%明珠%')]],
                ['AND', ('crm_customer_type', '=', 'enterprise')],
                [('crm_customer_type', 'in', ['enterprise', 'individual'])],
                ], [
                [],
                [('name', 'ilike', '%明珠%')],
                ['OR', ('crm_customer_type', '!=', None), ('id', '=', 1)],
                [('crm_customer_type', '=', None)],
                [('crm_customer_type', 'in', ['enterprise', None])],
                [('crm_contacts.crm_customer_type', '!=', None)],
                ])

    def test_requires_owner(self):
        self.check(requires_owner, [
                [('crm_owner', '!=', None)],
                [('crm_owner', '=', 5)],
                [('crm_owner', 'in', [5, 6])],
                ['OR', [('crm_owner', '=', 5), ('name', '=', "x")]],
                ], [
                [('crm_owner', '=', None)],
                [('crm_owner', 'in', [5, None])],
                ['OR', ('crm_owner', '=', 5), ('id', '=', 1)],
                [('crm_owner', 'not in', [5])],
                [('crm_owner.name', '!=', None)],
                ['NOT', ('crm_owner', '=', None)],
                ])
        self.check(requires_no_owner, [
                [('crm_owner', '=', None)],
                [('crm_owner', 'in', [None])],
                ], [
                [('crm_owner', '!=', None)],
                [('crm_owner', 'in', [None, 5])],
                ['OR', ('crm_owner', '=', None), ('id', '=', 1)],
                ])

    def test_required_values(self):
        for domain, values in [
                ([], None),
                ([('crm_library', '=', 'public')], {'public'}),
                ([('crm_library', 'in', ['public', 'claimed']),
                        ('crm_library', 'in', ['claimed', 'private'])],
                    {'claimed'}),
                ([('crm_library', 'in', ['public', 'claimed']),
                        ['AND', ('crm_library', '=', 'public')]],
                    {'public'}),
                (['OR', ('crm_library', '=', 'public'),
                        ('crm_library', '=', 'claimed')], None),
                ([('crm_library', '!=', 'public')], None),
                ([('crm_library', 'in', 'public')], None),
                ([('crm_library', 'not in', ['public'])], None),
                ([('crm_library.code', '=', 'public')], None),
                # Malformed (a client's): no fact, no crash
                ([('crm_library', '=', ['public'])], None),
                ([('crm_library', 'in', [['public']])], None),
                ([('crm_library', '=', {'a': 1}),
                        ('crm_library', '=', 'public')], {'public'}),
                ]:
            with self.subTest(domain=domain):
                self.assertEqual(required_values(domain, 'crm_library'),
                    values)
