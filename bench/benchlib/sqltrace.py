"""Record the SQL statements trytond runs, with their time, and explain them.

    with SQLTrace() as trace:
        Party.search(...)
    for sql, params, seconds in trace.statements: ...

Patches the execute method of the backend's cursor class for the duration
of the block (both backends use a Python subclass of the driver's cursor).
"""
import time


def _cursor_class():
    from trytond import backend
    if backend.name == 'postgresql':
        from trytond.backend.postgresql.database import LoggingCursor
        return LoggingCursor
    from trytond.backend.sqlite.database import SQLiteCursor
    return SQLiteCursor


class SQLTrace:

    def __init__(self):
        self.statements = []

    def __enter__(self):
        cls = self._cls = _cursor_class()
        self._had_own = 'execute' in cls.__dict__
        original = self._original = cls.execute
        statements = self.statements

        def execute(cursor, query, params=None, *args, **kwargs):
            start = time.perf_counter()
            try:
                if params is None:
                    return original(cursor, query, *args, **kwargs)
                return original(cursor, query, params, *args, **kwargs)
            finally:
                statements.append(
                    (query, params, time.perf_counter() - start))
        cls.execute = execute
        return self

    def __exit__(self, *exc):
        if self._had_own:
            self._cls.execute = self._original
        else:
            del self._cls.execute

    @property
    def seconds(self):
        return sum(s for _, _, s in self.statements)


def explain(query, params, analyze=True):
    """The plan of a statement as text lines: EXPLAIN (ANALYZE, BUFFERS) on
    PostgreSQL, EXPLAIN QUERY PLAN on SQLite"""
    from trytond import backend
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    if backend.name == 'postgresql':
        prefix = 'EXPLAIN (ANALYZE, BUFFERS) ' if analyze else 'EXPLAIN '
        cursor.execute(prefix + query, params)
        return [line for line, in cursor]
    cursor.execute('EXPLAIN QUERY PLAN ' + query, params or ())
    rows = cursor.fetchall()
    depth = {0: 0}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append('  ' * (depth[node] - 1) + detail)
    return lines
