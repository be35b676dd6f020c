# XToolsCRM base: organisation, roles, data permissions, customers and
# contacts. Registration lives in tryton.cfg (Tryton 8.0 style).
from . import cursor_rows

# Process-wide and harmless where the module is not activated: the same
# rows as Tryton's, read faster on PostgreSQL (cursor_rows.py)
cursor_rows.install()
