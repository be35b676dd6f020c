# XToolsCRM office desk (SPEC M3): internal approvals (leave, travel,
# expense) along the organisation, work logs, documents with a scope, and
# training courses with their attendee customers.
# Registration lives in tryton.cfg (Tryton 8.0 style).
