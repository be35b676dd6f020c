# XToolsCRM reports: statistics and analysis of customers, sales, stock and
# service for the boss and the managers.
# Registration lives in tryton.cfg (Tryton 8.0 style).
