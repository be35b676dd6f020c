# XToolsCRM base: organisation, roles, data permissions, customers and
# contacts. Registration lives in tryton.cfg (Tryton 8.0 style).
