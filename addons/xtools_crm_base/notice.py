"""Internal notices (内部公告, SPEC B10): published by the people with the
publishing permission to the whole company or to chosen departments
(发布范围; a department includes its sub-departments), with read receipts.

Who reads a notice is in its record rules (notice.xml): its author, the
bosses and CRM administrators, and once published the people in its
scope. Publishing rings the bell of everyone in the scope (bell.py);
"Mark as Read" records the reader's receipt, which the author sees."""
import datetime as dt

from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .access import ButtonAccessMixin, context_company
from .bell import notify
from .exceptions import NoticeError

STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('withdrawn', "Withdrawn"),
    ]
SCOPES = [
    ('company', "Whole Company"),
    ('departments', "Departments"),
    ]


class Notice(ButtonAccessMixin, Workflow, ModelSQL, ModelView):
    "Notice (内部公告)"
    __name__ = 'crm.notice'
    __string__ = "Notice"
    _rec_name = 'title'

    _draft = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    title = fields.Char("Title", required=True, states=_draft)
    content = fields.Text("Content", required=True, states=_draft)
    important = fields.Boolean(
        "Important", states=_draft, help="Shown highlighted in the lists.")
    author = fields.Many2One(
        'res.user', "Author", required=True, readonly=True,
        ondelete='RESTRICT')
    scope = fields.Selection(
        SCOPES, "Scope", required=True, states=_draft,
        help="Who reads the notice once published (发布范围).")
    departments = fields.Many2Many(
        'crm.notice-crm.department', 'notice', 'department', "Departments",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('scope') != 'departments',
            'required': Eval('scope') == 'departments',
            },
        help="With their sub-departments.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    publish_date = fields.DateTime("Published On", readonly=True)
    receipts = fields.One2Many(
        'crm.notice.receipt', 'notice', "Read By", readonly=True)
    read_count = fields.Function(
        fields.Integer("Read"), 'get_read_count')
    audience_count = fields.Function(
        fields.Integer("Audience", help="The people it is published to."),
        'get_audience_count')
    read_by_me = fields.Function(
        fields.Boolean("Read by Me"), 'get_read_by_me',
        searcher='search_read_by_me')

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.publish_date, Index.Range())))
        cls._order = [
            ('publish_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'withdrawn'),
            ('withdrawn', 'draft'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'withdrawn',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'mark_read': {
                    'invisible': ((Eval('state') != 'published')
                        | Eval('read_by_me', False)),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'read_by_me'],
                    },
                })
        # Reading is enough to say one has read it
        cls._button_access.update({'mark_read': 'read'})

    @classmethod
    def default_company(cls):
        return context_company()

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def default_scope(cls):
        return 'company'

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_important(cls):
        return False

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('important', False), 'danger', '')),
            ('/tree/field[@name="title"]', 'visual',
                If(~Eval('read_by_me', True), 'success', '')),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            user = Transaction().user
            if user or not values.get('author'):
                values['author'] = user
            if user or not values.get('company'):
                values['company'] = context_company()
        return values

    @classmethod
    def check_modification(cls, mode, notices, values=None, external=False):
        super().check_modification(
            mode, notices, values=values, external=external)
        if mode == 'write' and 'author' in values:
            raise NoticeError(gettext('xtools_crm_base.msg_notice_author'))

    @classmethod
    def validate_fields(cls, notices, field_names):
        super().validate_fields(notices, field_names)
        if field_names and not field_names & {'scope', 'departments'}:
            return
        for notice in notices:
            if notice.scope == 'departments' and not notice.departments:
                raise NoticeError(gettext(
                        'xtools_crm_base.msg_notice_no_department',
                        notice=notice.rec_name))

    @classmethod
    def copy(cls, notices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('receipts', None)
        default.setdefault('publish_date', None)
        default.setdefault('author', None)
        return super().copy(notices, default=default)

    # -- audience and receipts ------------------------------------------------

    def audience(self):
        "The active users the notice is published to"
        pool = Pool()
        User = pool.get('res.user')
        Department = pool.get('crm.department')
        domain = [('companies', '=', self.company.id)]
        if self.scope == 'departments':
            with Transaction().set_context(_check_access=False):
                departments = Department.search([
                        ('parent', 'child_of',
                            [d.id for d in self.departments]),
                        ])
            domain.append(
                ('crm_department', 'in', [d.id for d in departments]))
        with Transaction().set_context(_check_access=False):
            return User.search(domain, order=[('id', 'ASC')])

    @classmethod
    def get_read_count(cls, notices, name):
        Receipt = Pool().get('crm.notice.receipt')
        receipt = Receipt.__table__()
        cursor = Transaction().connection.cursor()
        counts = dict.fromkeys(map(int, notices), 0)
        for sub in grouped_slice(list(counts), backend.MAX_QUERY_PARAMS):
            cursor.execute(*receipt.select(
                    receipt.notice, Count(receipt.id),
                    where=receipt.notice.in_(list(sub)),
                    group_by=[receipt.notice]))
            counts.update(cursor)
        return counts

    def get_audience_count(self, name):
        if self.state != 'draft':
            return len(self.audience())

    @classmethod
    def get_read_by_me(cls, notices, name):
        Receipt = Pool().get('crm.notice.receipt')
        user = Transaction().user
        read = set()
        with Transaction().set_context(_check_access=False):
            for sub in grouped_slice(notices, backend.MAX_QUERY_PARAMS):
                read.update(r.notice.id for r in Receipt.search([
                            ('notice', 'in', [n.id for n in sub]),
                            ('user', '=', user),
                            ]))
        return {n.id: n.id in read for n in notices}

    @classmethod
    def search_read_by_me(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', '!='}:
            return []
        read = (operator == '=') == bool(value)
        return [('receipts', 'where' if read else 'not where',
                [('user', '=', Transaction().user)])]

    # -- buttons --------------------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, notices):
        now = dt.datetime.now().replace(microsecond=0)
        cls.write(notices, {'publish_date': now})
        for notice in notices:
            audience = [u for u in notice.audience()
                if u.id != notice.author.id]
            notify(audience, 'xtools_crm_base.msg_notice_published',
                {'title': notice.title,
                    'author': notice.author.rec_name},
                model=cls.__name__, ids=[notice.id])

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, notices):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, notices):
        pass

    @classmethod
    @ModelView.button
    @without_check_access
    def mark_read(cls, notices):
        "The calling user has read the published notices"
        Receipt = Pool().get('crm.notice.receipt')
        user = Transaction().user
        notices = [n for n in notices if n.state == 'published']
        done = {r.notice.id for r in Receipt.search([
                    ('notice', 'in', [n.id for n in notices]),
                    ('user', '=', user),
                    ])}
        now = dt.datetime.now().replace(microsecond=0)
        Receipt.create([{'notice': n.id, 'user': user, 'date': now}
                for n in notices if n.id not in done])


class NoticeDepartment(ModelSQL):
    "Notice department"
    __name__ = 'crm.notice-crm.department'
    __string__ = "Notice Department"

    notice = fields.Many2One(
        'crm.notice', "Notice", required=True, ondelete='CASCADE')
    department = fields.Many2One(
        'crm.department', "Department", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('notice')


class NoticeReceipt(ModelSQL, ModelView):
    "Notice read receipt"
    __name__ = 'crm.notice.receipt'
    __string__ = "Notice Read Receipt"

    notice = fields.Many2One(
        'crm.notice', "Notice", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "Reader", required=True, ondelete='CASCADE')
    date = fields.DateTime("Read On", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('notice_user_unique', Unique(t, t.notice, t.user),
                'xtools_crm_base.msg_notice_receipt_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
