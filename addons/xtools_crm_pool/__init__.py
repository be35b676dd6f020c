# XToolsCRM public pool (公海, SPEC P): maturity grades that send customers
# to the private library, the temporary library or the public pool; claim,
# assign, release, extend, auto-return with caps, re-claim locks, reminders,
# a rule simulator and an append-only pool log. Registration lives in
# tryton.cfg.
