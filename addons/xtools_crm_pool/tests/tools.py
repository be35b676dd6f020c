"""Helpers of the pool tests, imported by every test file of the module:
an organisation with pool people, customers in each library, a frozen
"today", the run and the log, and test doubles for the sales hooks."""
import contextlib
import functools
import datetime as dt
from unittest.mock import patch

from sql import Literal, Null

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.transaction import Transaction

TODAY = dt.date(2026, 10, 1)


def days(n):
    return dt.timedelta(days=n)


def build_organisation(**settings):
    """Company; department A (manager_a, staff_a1, staff_a2), department B
    (manager_b, staff_b); pool users: the staff; pool administrator:
    pooladmin; 'outsider' is neither. The pool is switched on with
    settings (configuration field → value).
    Returns (company, users by login)."""
    pool = Pool()
    Department = pool.get('crm.department')
    User = pool.get('res.user')
    Configuration = pool.get('crm.configuration')
    company = create_company()
    with set_company(company):
        dep_a, dep_b = Department.create([{'name': "A"}, {'name': "B"}])
        specs = {
            'boss': {'crm_level': 'boss'},
            'manager_a': {'crm_level': 'manager', 'crm_department': dep_a},
            'staff_a1': {'crm_level': 'staff', 'crm_department': dep_a},
            'staff_a2': {'crm_level': 'staff', 'crm_department': dep_a},
            'manager_b': {'crm_level': 'manager', 'crm_department': dep_b},
            'staff_b': {'crm_level': 'staff', 'crm_department': dep_b},
            'pooladmin': {'crm_level': 'staff', 'crm_department': dep_b},
            'outsider': {'crm_level': 'staff', 'crm_department': dep_b},
            }
        users = {}
        for login, values in specs.items():
            users[login], = User.create([{
                        'login': login, 'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id, **values}])
        values = {
            'pool_enabled': True,
            'pool_users': [('add', [users[u].id for u in [
                            'staff_a1', 'staff_a2', 'staff_b']])],
            'pool_admins': [('add', [users['pooladmin'].id])],
            }
        values.update(settings)
        with frozen(TODAY):
            Configuration.write([Configuration(1)], values)
    return company, users


def grade(code):
    Maturity = Pool().get('crm.maturity')
    grade, = Maturity.search([('code', '=', code)])
    return grade


def customer(name, owner, code=None, **values):
    "A customer recorded by owner, with maturity code (None: no grade)"
    Party = Pool().get('party.party')
    with Transaction().set_user(owner.id), \
            Transaction().set_context(_check_access=True):
        party, = Party.create([{
                    'name': name,
                    'crm_customer_type': 'enterprise',
                    'crm_owner': owner.id,
                    'crm_maturity': grade(code).id if code else None,
                    **values}])
    return Party(party.id)


def frozen(day):
    "Freeze the pool's today"
    return Transaction().set_context(_crm_pool_today=day)


@contextlib.contextmanager
def as_user(user):
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        yield


def reload(record):
    "The record as stored now (the pool writes behind the ORM)"
    Model = Pool().get(record.__name__)
    with Transaction().set_user(0), Transaction().set_context(
            _check_access=False):
        return Model(record.id)


def run_pool(day=TODAY):
    "The daily run on day: {what: count}"
    Party = Pool().get('party.party')
    with frozen(day):
        return Party.crm_pool_auto_return()


def pool_logs(customer=None, operation=None):
    "The pool log entries (of customer, of operation), oldest first"
    Log = Pool().get('crm.pool.log')
    domain = []
    if customer:
        domain.append(('customer', '=', customer.id))
    if operation:
        domain.append(('operation', '=', operation))
    return Log.search(domain, order=[('id', 'ASC')])


@contextlib.contextmanager
def goal_met_for(*customers):
    """Test double of the sales module: the goal of these customers is met
    (an approved deal within their protection)"""
    Party = Pool().get('party.party')
    ids = [c.id for c in customers]

    def goals(cls, party, deal=True, receipt=True):
        # as the deals' conditions: only during a claimed protection
        return {'double': (party.id.in_(ids) if ids else Literal(False))
            & (party.crm_library == 'claimed')
            & (party.crm_protection_end != Null)}
    with patch.object(Party, '_crm_pool_goal_conditions',
            classmethod(goals)):
        yield


@contextlib.contextmanager
def exempted(*customers):
    "Test double: these customers have an open opportunity"
    Party = Pool().get('party.party')
    ids = [c.id for c in customers]

    def exempt(cls, party):
        return {'opportunity': party.id.in_(ids) if ids else Literal(False)}
    with patch.object(Party, '_crm_pool_exempt_conditions',
            classmethod(exempt)):
        yield


def set_last_contact(customers, day):
    "What the follow-up module maintains: the last contact date"
    Party = Pool().get('party.party')
    party = Party.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*party.update(
            [party.crm_last_contact_date], [day],
            where=party.id.in_([c.id for c in customers])))


def pool_test(**settings):
    """Decorate a test(self, users): run in a transaction, with the pool of
    build_organisation(**settings), the company in the context and today frozen on
    TODAY"""
    from trytond.tests.test_tryton import with_transaction

    def decorator(func):
        @with_transaction()
        @functools.wraps(func)
        def wrapper(self):
            company, users = build_organisation(**settings)
            with set_company(company), frozen(TODAY):
                return func(self, users)
        return wrapper
    return decorator
