"""The auto-return rules (自动回收规则, SPEC P4), each declared once.

A rule sends the customers of one library back to the public pool when a
day limit has passed. Everything that knows the rules reads RETURN_RULES:

- the run, the simulator and the return dates (auto_return.py) build one
  SQL condition per rule, by its clock;
- ReturnSettings (auto_return.py) and the simulator's form (wizard.py)
  read and write the rule's day limit, `limit`: the setting
  crm.configuration.pool_<limit>, the simulator field <limit>;
- the settings (configuration.py) check and default those limits;
- the log (log.py) names the rule (its selection), puts its facts into
  words (its message) and derives the re-claim lock it gives.

A new rule: declare it here, add its day field to crm.configuration and
to the simulator (same name), its fact message to message.xml, its
strings to locale/zh_CN.po; if its clock is new, its condition in
auto_return.Party._crm_pool_rule_condition. tests/test_return_rules.py
fails on any part that is missing.
"""
from dataclasses import dataclass

# How a rule measures the time left
# - the protection end stored on the customer when it was taken
PROTECTION = 'protection'
# - the last follow-up or contact, or the day it entered the library if
#   later, against the limit of its grade, else of the rule
NO_CONTACT = 'no_contact'
CLOCKS = {PROTECTION, NO_CONTACT}


@dataclass(frozen=True)
class ReturnRule:
    "An automatic return to the public pool"
    # Stored in the pool log and the re-claim locks
    code: str
    # The rule as the log, the simulator and the customer show it
    label: str
    # The library whose customers it returns
    library: str
    # How it measures the time left (PROTECTION, NO_CONTACT)
    clock: str
    # The message (message.xml) of the facts that triggered it
    fact: str
    # Why the previous owner may not claim the customer again
    lock_label: str
    # The setting of that lock's days; None: locked for ever
    lock_setting: str = None
    # Its day limit (NO_CONTACT): ReturnSettings and simulator field; the
    # setting is pool_<limit>
    limit: str = None
    # The default of that setting, and of the lock's
    default_days: int = None
    default_lock_days: int = None
    # Other settings it reads (the goal that keeps a customer)
    reads: tuple = ()

    @property
    def setting(self):
        "The crm.configuration field of its day limit"
        return f'pool_{self.limit}' if self.limit else None

    @property
    def settings(self):
        "Every crm.configuration field the rule reads"
        return tuple(s for s in (self.setting, self.lock_setting)
            if s) + self.reads


# In the order the log's rule selection shows them
RETURN_RULES = (
    ReturnRule(
        code='temporary_no_followup',
        label="Temporary Library: No Follow-up",
        library='temporary',
        clock=NO_CONTACT,
        fact='msg_fact_temporary',
        lock_label="Fell Back from the Temporary Library",
        lock_setting='pool_temporary_lock_days',
        limit='temporary_days',
        default_days=30,
        default_lock_days=30),
    ReturnRule(
        code='private_no_contact',
        label="Private Library: No Contact",
        library='private',
        clock=NO_CONTACT,
        fact='msg_fact_private',
        lock_label="Fell Back from the Private Library",
        limit='private_days',
        default_days=90),
    ReturnRule(
        code='protection_expired',
        label="Protection Ended, Goal Not Met",
        library='claimed',
        clock=PROTECTION,
        fact='msg_fact_protection',
        lock_label="Returned when the Protection Ended",
        lock_setting='pool_claimed_lock_days',
        default_lock_days=30,
        reads=('pool_protection_days', 'pool_goal_deal',
            'pool_goal_receipt')),
    )
BY_CODE = {r.code: r for r in RETURN_RULES}
# The day limits of the rules: ReturnSettings' and the simulator's names
LIMITS = [r.limit for r in RETURN_RULES if r.limit]


def selection():
    "[(code, label)] of the rules"
    return [(r.code, r.label) for r in RETURN_RULES]


def lock_selection():
    "[(code, why)] of the re-claim locks the rules give"
    return [(r.code, r.lock_label) for r in RETURN_RULES]


def day_settings():
    "{crm.configuration field: default} of the rules' day limits and locks"
    result = {}
    for rule in RETURN_RULES:
        if rule.setting:
            result[rule.setting] = rule.default_days
        if rule.lock_setting:
            result[rule.lock_setting] = rule.default_lock_days
    return result
