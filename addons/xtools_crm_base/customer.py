"""Customers (客户, SPEC B4/B5): a Tryton party with a customer type."""
from sql import Column

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .access import ButtonAccessMixin, readable_ids
from .column_rec_name import ColumnRecName
from .contact_mechanism_columns import ContactMechanismColumns
from .dictionary import dictionary_field
from .exceptions import DuplicateCustomerWarning, HotCapError
from .one2many_search import One2ManyBySearch
from .selection_labels import SelectionLabels

CUSTOMER_TYPES = [
    (None, ""),
    ('enterprise', "Enterprise"),
    ('individual', "Individual"),
    ]
_CUSTOMER = {'invisible': ~Eval('crm_customer_type')}


# Context key set by the import, which checks the names and mobiles of the
# whole file at once (set by the server only: RPC drops '_' keys)
IMPORT_CHECKED = '_crm_import_checked'


def disclosed_owner(customer):
    """The name of customer's owner that a duplicate warning may give the
    calling user: always when the user reads the customer, otherwise as
    the CRM settings say (duplicate_disclosure); None: say nothing"""
    pool = Pool()
    Configuration = pool.get('crm.configuration')
    user_id = Transaction().user
    if not customer.crm_owner:
        return None
    if (not user_id
            or readable_ids(user_id, 'party.party', [customer.id])
            or Configuration(1).duplicate_disclosure == 'owner'):
        return customer.crm_owner.rec_name


class Party(ColumnRecName, ContactMechanismColumns, SelectionLabels,
        ButtonAccessMixin, metaclass=PoolMeta):
    """A CRM customer is a Tryton party with a customer type and an owner.
    The customer list's selection labels (type, library) are made once per
    page (SelectionLabels: 18 of its 70 ms at 1,000,000 customers); a
    list's customer names are read from two columns (ColumnRecName), its
    phones by one search (ContactMechanismColumns)"""
    __name__ = 'party.party'
    _crm_rec_name_columns = ('name', 'code')

    crm_customer_type = fields.Selection(
        CUSTOMER_TYPES, "Customer Type",
        help="Empty for parties that are not CRM customers "
        "(the company itself, suppliers, employees).")
    crm_owner = fields.Many2One(
        'res.user', "Owner", ondelete='RESTRICT',
        states={
            'required': Bool(Eval('crm_customer_type')),
            'invisible': ~Eval('crm_customer_type'),
            # Changed by a transfer (转移), which is logged
            'readonly': Eval('id', -1) >= 0,
            },
        help="The salesperson responsible for the customer. "
        "Change it with Transfer, which keeps a log.")
    crm_kind = dictionary_field(
        'customer_kind', "Customer Kind", states=_CUSTOMER,
        help="Potential customers are followed but have not signed; "
        "the first approved deal makes them normal customers.")
    crm_source = dictionary_field(
        'customer_source', "Source", states=_CUSTOMER)
    crm_status = dictionary_field(
        'customer_status', "Status", states=_CUSTOMER)
    crm_industry = dictionary_field('industry', "Industry", states=_CUSTOMER)
    crm_region = fields.Many2One(
        'country.subdivision', "Region", ondelete='RESTRICT',
        states=_CUSTOMER)
    crm_city = fields.Char("City", states=_CUSTOMER)
    crm_hot = fields.Boolean(
        "Hot", states=_CUSTOMER,
        help="Likely to sign this month (热点客户). "
        "Each salesperson has a limited number of hot customers.")
    crm_shares = One2ManyBySearch(
        'crm.customer.share', 'customer', "Shared With", states=_CUSTOMER)
    crm_contacts = One2ManyBySearch(
        'crm.contact', 'customer', "Contacts", states=_CUSTOMER)
    # Maintained by the follow-up (activities, tasks) and the sales module
    crm_last_contact_date = fields.Date(
        "Last Contact", readonly=True, states=_CUSTOMER)
    crm_next_followup_date = fields.Date(
        "Next Follow-up", readonly=True, states=_CUSTOMER)
    crm_latest_progress = fields.Char(
        "Latest Progress", readonly=True, states=_CUSTOMER)
    crm_latest_order_date = fields.Date(
        "Latest Order", readonly=True, states=_CUSTOMER)

    @classmethod
    def _crm_rec_name(cls, values):
        # party's get_rec_name, from the columns
        if not values['name']:
            return '[' + values['code'] + ']'
        return values['name']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Tryton lets a party go nameless; a customer nobody can find by
        # name is lost, so customers must have one.
        cls.name.states = cls.name.states.copy()
        cls.name.states['required'] = (
            cls.name.states.get('required', False)
            | Bool(Eval('crm_customer_type')))
        cls.name.depends = set(cls.name.depends) | {'crm_customer_type'}
        t = cls.__table__()
        # The columns the customer rules test; other modules add theirs
        # (the pool's library) in their own __setup__
        cls._crm_rule_columns = {
            'crm_owner', 'crm_customer_type', 'crm_deleted_date'}
        # The other columns the owner index holds: what the counts of
        # lists read by owner test (the pool's return condition, 即将回归公海)
        cls._crm_owner_index_columns = set()
        # The columns the owner index is keyed on after the owner, in a
        # list's order: a page of one owner's records read in that order
        # (rule_arm_search.py; the pool's 即将回归公海)
        cls._crm_owner_index_order = []
        cls._sql_indexes.update({
                # The rules admit non-customers: keep that arm indexable.
                Index(t, (t.crm_customer_type,
                        Index.Equality(cardinality='low'))),
                Index(t, (t.crm_hot, Index.Equality()),
                    where=t.crm_hot == True),  # noqa: E712
                })

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # The read rule's owner arm, holding every other column a list's
        # count tests (the rule's other arms, negated in its branch, and
        # active; _crm_owner_index_columns): counted arm by arm on
        # PostgreSQL (rule_arm_count.py), a salesperson's or a department's
        # customers are read from the index alone, not visited one by one
        # in the table (bench/README.md, "The owner arm's index")
        t = cls.__table__()
        keys = cls._crm_owner_index_order
        held = sorted((cls._crm_rule_columns | cls._crm_owner_index_columns
                | {'active', 'id'}) - {'crm_owner', *keys})
        cls._sql_indexes.add(Index(t, (t.crm_owner, Index.Equality()),
                *((Column(t, c), Index.Range(order='ASC')) for c in keys),
                include=[Column(t, c) for c in held]))

    @classmethod
    def default_crm_owner(cls):
        if Transaction().context.get('crm_customer_type'):
            return Transaction().user or None

    @classmethod
    def default_crm_customer_type(cls):
        return Transaction().context.get('crm_customer_type')

    @classmethod
    def default_crm_kind(cls):
        if Transaction().context.get('crm_customer_type'):
            return cls._crm_kind_id('potential')

    @classmethod
    def default_crm_hot(cls):
        return False

    @staticmethod
    def _crm_kind_id(code):
        return Pool().get('ir.model.data').get_id(
            'xtools_crm_base', f'dict_customer_kind_{code}')

    @fields.depends('crm_customer_type', 'crm_kind')
    def on_change_crm_customer_type(self):
        if self.crm_customer_type and not self.crm_kind:
            self.crm_kind = self._crm_kind_id('potential')

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        cls.check_hot_cap(parties, field_names)

    @classmethod
    def check_hot_cap(cls, parties, field_names=None):
        "Each salesperson has at most N hot customers (setting, default 10)"
        if field_names and not field_names & {'crm_hot', 'crm_owner'}:
            return
        Configuration = Pool().get('crm.configuration')
        cap = Configuration(1).get_hot_customer_cap()
        owners = {p.crm_owner for p in parties if p.crm_hot and p.crm_owner}
        with Transaction().set_context(_check_access=False):
            for owner in owners:
                count = cls.search_count([
                        ('crm_owner', '=', owner.id),
                        ('crm_hot', '=', True),
                        ('crm_customer_type', '!=', None),
                        ])
                if count > cap:
                    raise HotCapError(gettext(
                            'xtools_crm_base.msg_hot_cap',
                            owner=owner.rec_name, cap=cap))

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        if mode == 'create' or (values and 'name' in values):
            cls._warn_duplicate_names(parties, values)

    @classmethod
    def _warn_duplicate_names(cls, parties, values):
        """Same name as another customer: warn, the user may go on. All
        customers count, whoever owns them: the point is that two
        salespeople do not follow the same company unknowingly."""
        Warning = Pool().get('res.user.warning')
        if Transaction().context.get(IMPORT_CHECKED):
            return
        for party in parties:
            name = (values['name'] if values and 'name' in values
                else party.name)
            customer_type = (values or {}).get(
                'crm_customer_type', party.crm_customer_type)
            if not customer_type or not name:
                continue
            with Transaction().set_context(
                    _check_access=False, active_test=False):
                others = cls.search([
                        ('id', '!=', party.id),
                        ('crm_customer_type', '!=', None),
                        ('name', '=', name.strip()),
                        ], limit=1)
            if others:
                # Keyed on the existing customer: a new record has no
                # stable id yet (PostgreSQL never reuses a rolled back id).
                warning = Warning.format('crm_duplicate_name', others)
                if Warning.check(warning):
                    owner = disclosed_owner(others[0])
                    raise DuplicateCustomerWarning(warning, gettext(
                            'xtools_crm_base.msg_duplicate_customer_name',
                            name=name, owner=owner) if owner else gettext(
                            'xtools_crm_base.'
                            'msg_duplicate_customer_name_hidden', name=name))

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if mode == 'create':
            cls._crm_create_individual_contacts(parties)

    @classmethod
    def _crm_create_individual_contacts(cls, parties):
        "An individual customer is its own contact (个人客户)"
        Contact = Pool().get('crm.contact')
        contacts = []
        for party in parties:
            if party.crm_customer_type == 'individual' and not any(
                    c.name == party.name for c in party.crm_contacts):
                contacts.append({
                        'customer': party.id,
                        'name': party.name,
                        'mobile': party.mobile,
                        'email': party.email,
                        })
        if contacts:
            Contact.create(contacts)

    @classmethod
    def crm_mark_signed(cls, customers):
        """The first approved deal: the customer becomes a normal customer
        and is no longer 'hot'. Called by the sales module."""
        customers = [c for c in customers if c.crm_customer_type]
        if customers:
            with Transaction().set_context(_check_access=False):
                cls.write(customers, {
                        'crm_kind': cls._crm_kind_id('normal'),
                        'crm_hot': False,
                        })

    @classmethod
    def crm_deal_shelved(cls, customers):
        "A shelved deal: the customer is no longer hot"
        hot = [c for c in customers if c.crm_hot]
        if hot:
            with Transaction().set_context(_check_access=False):
                cls.write(hot, {'crm_hot': False})

