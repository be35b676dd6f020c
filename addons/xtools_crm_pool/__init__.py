# XToolsCRM public pool (公海): maturity grades that send customers to the
# private library, the temporary library or the public pool; claim, release
# and auto-return grow here (SPEC P). Registration lives in tryton.cfg.
