"""The pool's day (SPEC P4): day limits, daily caps and the log's day are
counted on the company's day, in its timezone. The server's own code may
set another day (the rule simulator, tests, scenarios); no client can."""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

# Context key that freezes "today" (tests, the rule simulator's date). Its
# leading _ keeps clients from sending it: RPC strips such keys.
TODAY_KEY = '_crm_pool_today'

_frozen_today = None


def freeze_today(day):
    """Make day the pool's today in this process (None: the real one).
    For scenarios, whose proteus calls go through RPC's conversion and
    lose the _ keys of the context as a client's would."""
    global _frozen_today
    _frozen_today = day


def pool_today():
    """The current day in the company's timezone, or the day set by the
    server's own code in the context under TODAY_KEY (the rule simulator,
    tests) or by freeze_today. Day limits are counted on this day."""
    context = Transaction().context
    today = context.get(TODAY_KEY) or _frozen_today
    if today:
        if isinstance(today, str):
            today = dt.date.fromisoformat(today)
        return today
    pool = Pool()
    Date = pool.get('ir.date')
    Company = pool.get('company.company')
    company_id = context.get('company')
    if company_id is None or company_id < 0:
        # Crons and root calls may come without a company: the first
        # company's timezone is still the company's day.
        companies = Company.search([], limit=1, order=[('id', 'ASC')])
        if companies:
            with Transaction().set_context(company=companies[0].id):
                return Date.today()
    return Date.today()


def format_date(value):
    "A day in the reader's language, for messages"
    Lang = Pool().get('ir.lang')
    return Lang.get().strftime(value) if value else '-'
