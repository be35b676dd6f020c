"""The QA knowledge base (QA库, SPEC V3): the questions customers ask and
the answers the service desk gives, by category.

Every service user reads it; only the QA editors (QA编辑权限, a group)
write it. Searching it looks in the questions, keywords and answers: with
PostgreSQL's full text search (words in any order, ranked question first)
or a plain search of every word where the database has none (SQLite).
Chinese is written without spaces, which PostgreSQL does not cut into
words: each word of the query is also looked for as a substring, so that
"升降" finds "座椅无法升降"."""
from sql import Literal
from sql.conditionals import Coalesce
from sql.operators import ILike

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, sequence_ordered, tree,
    fields)
from trytond.tools import strip_wildcard, unescape_wildcard
from trytond.transaction import Transaction


class Category(
        DeactivableMixin, tree(separator=' / '), sequence_ordered(),
        ModelSQL, ModelView):
    "QA Category"
    __name__ = 'crm.qa.category'
    __string__ = "QA Category"

    name = fields.Char("Name", required=True)
    parent = fields.Many2One(
        'crm.qa.category', "Parent", ondelete='RESTRICT')
    children = fields.One2Many('crm.qa.category', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.append(('name', 'ASC'))


class QA(DeactivableMixin, ModelSQL, ModelView):
    "QA: a question and its answer"
    __name__ = 'crm.qa'
    __string__ = "QA"
    _rec_name = 'question'

    category = fields.Many2One(
        'crm.qa.category', "Category", ondelete='RESTRICT')
    question = fields.Char("Question", required=True)
    answer = fields.Text("Answer", required=True)
    keywords = fields.Char(
        "Keywords",
        help="Other words customers use for it, separated by spaces.")
    text = fields.Function(
        fields.Char(
            "Text", help="Search the questions, keywords and answers."),
        'get_text', searcher='search_text')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.category, Index.Equality())))
        cls._order = [
            ('category', 'ASC NULLS LAST'), ('question', 'ASC'), ('id', 'ASC')]

    def get_text(self, name):
        return ' '.join(filter(None, [
                    self.question, self.keywords, self.answer]))

    @classmethod
    def search_rec_name(cls, name, clause):
        # The search box of the QA list searches the whole entry
        return [('text',) + tuple(clause[1:])]

    @classmethod
    def search_text(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'ilike', 'like', 'not ilike', 'not like'}:
            return []
        query = ' '.join(
            unescape_wildcard(strip_wildcard(value or '')).split())
        if not query:
            return []
        t = cls.__table__()
        where = cls._text_where(t, query)
        operator = 'not in' if operator.startswith('not') else 'in'
        return [('id', operator, t.select(t.id, where=where))]

    @classmethod
    def _text_where(cls, table, query):
        """Rows with every word of query in the question, keywords or
        answer — or matching the full text query where the database has
        full text search"""
        transaction = Transaction()
        database = transaction.database
        columns = [table.question, Coalesce(table.keywords, ''), table.answer]
        every_word = Literal(True)
        for word in query.split():
            pattern = '%' + _escape_like(word) + '%'
            any_column = Literal(False)
            for column in columns:
                any_column |= ILike(column, pattern, escape='\\')
            every_word &= any_column
        if not database.has_search_full_text():
            return every_word
        language = transaction.language
        document = database.format_full_text(*columns, language=language)
        full_text = database.search_full_text(
            document, database.format_full_text_query(
                query, language=language))
        return full_text | every_word


def _escape_like(text):
    return (text.replace('\\', '\\\\')
        .replace('%', '\\%').replace('_', '\\_'))
