"""Documents (文档, SPEC M3): files kept as Tryton attachments
(ir.attachment) on a document record that says who reads them.

- private (私有): the owner only;
- shared (共享): the owner, the named users and the members of the named
  departments (and of their sub-departments);
- public (公开): every user of the company.

The attachments take their access from the document (Tryton's
ResourceAccessMixin checks the resource's rules): whoever reads the
document reads its files; only the owner changes them (adding or removing
a file is a write on the document). The rules are in document.xml."""
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin, context_company

SCOPES = [
    ('private', "Private"),
    ('shared', "Shared"),
    ('public', "Public"),
    ]


class Document(ButtonAccessMixin, ModelSQL, ModelView):
    "Document (文档)"
    __name__ = 'crm.office.document'
    __string__ = "Document"

    company = fields.Many2One('company.company', "Company", required=True)
    name = fields.Char("Title", required=True)
    owner = fields.Many2One(
        'res.user', "Owner", required=True, readonly=True,
        ondelete='RESTRICT')
    scope = fields.Selection(
        SCOPES, "Scope", required=True, sort=False,
        help="Private: only the owner. Shared: the named users and "
        "departments. Public: every user of the company.")
    shared_users = fields.Many2Many(
        'crm.office.document-res.user', 'document', 'user', "Shared With",
        states={'invisible': Eval('scope') != 'shared'})
    shared_departments = fields.Many2Many(
        'crm.office.document-crm.department', 'document', 'department',
        "Shared With Departments",
        states={'invisible': Eval('scope') != 'shared'})
    description = fields.Text("Description")
    files = fields.One2Many('ir.attachment', 'resource', "Files")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.owner, Index.Equality())))
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return context_company()

    @classmethod
    def default_owner(cls):
        return Transaction().user or None

    @classmethod
    def default_scope(cls):
        return 'private'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        user = Transaction().user
        if mode == 'create':
            if user or not values.get('owner'):
                values['owner'] = user
            if user or not values.get('company'):
                values['company'] = context_company()
        elif mode == 'write' and user:
            # A document stays its owner's
            values.pop('owner', None)
        return values


class DocumentUser(ModelSQL):
    "Document shared with a user"
    __name__ = 'crm.office.document-res.user'
    __string__ = "Document User"

    document = fields.Many2One(
        'crm.office.document', "Document", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')


class DocumentDepartment(ModelSQL):
    "Document shared with a department"
    __name__ = 'crm.office.document-crm.department'
    __string__ = "Document Department"

    document = fields.Many2One(
        'crm.office.document', "Document", required=True,
        ondelete='CASCADE')
    department = fields.Many2One(
        'crm.department', "Department", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
