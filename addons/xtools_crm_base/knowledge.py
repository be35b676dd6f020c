"""The knowledge base (知识库, SPEC B10): articles on the industry, selling
skills and the company's products, sorted in categories, read by every
CRM user and written by the people with the publishing permission.

The search box finds an article by a substring of its title, keywords or
text (Chinese has no spaces between words: substrings, not words)."""
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, tree)
from trytond.transaction import Transaction


class Category(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    "Knowledge category"
    __name__ = 'crm.knowledge.category'
    __string__ = "Knowledge Category"

    name = fields.Char("Name", required=True)
    parent = fields.Many2One(
        'crm.knowledge.category', "Parent", ondelete='RESTRICT')
    children = fields.One2Many(
        'crm.knowledge.category', 'parent', "Children", readonly=True)
    sequence = fields.Integer("Sequence")
    articles = fields.One2Many(
        'crm.knowledge.article', 'category', "Articles", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('sequence', 'ASC NULLS LAST'), ('name', 'ASC'), ('id', 'ASC')]


class Article(ModelSQL, ModelView):
    "Knowledge article (知识库)"
    __name__ = 'crm.knowledge.article'
    __string__ = "Knowledge Article"
    _rec_name = 'title'

    title = fields.Char("Title", required=True)
    category = fields.Many2One(
        'crm.knowledge.category', "Category", required=True,
        ondelete='RESTRICT')
    keywords = fields.Char(
        "Keywords", help="Words to find the article by, separated by "
        "spaces.")
    content = fields.Text("Content", required=True)
    # PostgreSQL's full-text search (Tryton's default for Text) splits
    # words on spaces: Chinese has none, so "气压棒" would never match
    content.search_full_text = False
    author = fields.Many2One(
        'res.user', "Author", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.category, Index.Equality())))
        cls._order = [('write_date', 'DESC NULLS LAST'), ('id', 'DESC')]

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and Transaction().user:
            values['author'] = Transaction().user
        return values

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('title', operator, operand, *extra),
            ('keywords', operator, operand, *extra),
            ('content', operator, operand, *extra),
            ]
