# XToolsCRM public pool (公海, SPEC P): maturity grades that send customers
# to the private library, the temporary library or the public pool; claim,
# assign, release, extend, auto-return with caps, re-claim locks, reminders,
# a rule simulator and an append-only pool log. Registration lives in
# tryton.cfg.
#
# Where things are:
#   configuration.py  the pool settings (limits, caps, the switch)
#   maturity.py       the grades and the library each one maps to
#   user.py           pool people: groups, per-user caps, the cap lock
#   rules.py          what pool people read (the pool's record rule step)
#   library.py        a customer's library: placement by grade, caps, switch
#   operations.py     claim, assign, release, extend, to pool/normal, transfer
#   return_rules.py   the auto-return rules, each declared once
#   auto_return.py    the run and its selection, shared by the simulator
#   reminder.py       return dates, "returning soon", the reminder ladder
#   log.py            the pool log and the re-claim locks it gives
#   sales.py          the goal and exemption from deals (xtools_crm_sales)
#   wizard.py         the operations' dialogs and the rule simulator
#   today.py          the company's day; customer_updates.py set-based writes
#   exceptions.py     error classes (texts in message.xml)
