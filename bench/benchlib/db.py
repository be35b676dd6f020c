"""A throwaway Tryton database for a benchmark.

The database is made the way an administrator makes one — trytond-admin
initialises it and activates the modules (with their dependencies) — in a
private temporary directory that also holds the generated trytond.conf.
SQLite: a file in that directory; PostgreSQL: a database with a unique name
on the given server, dropped at the end (unless kept).

trytond chooses its backend when ``trytond.backend`` is first imported, so
``configure()`` must run before anything imports trytond's pool or
transaction; one process serves one backend.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

DEFAULT_PG_URI = 'postgresql://postgres@127.0.0.1:5432/'
ADMIN_PASSWORD = 'bench-admin'
BIN = os.path.dirname(sys.executable)


def pg_uri_default():
    return os.environ.get('XTOOLS_PG_URI') or DEFAULT_PG_URI


def _pg_maintenance(uri):
    "A psycopg connection to the server's maintenance database"
    import psycopg
    from psycopg.conninfo import make_conninfo
    return psycopg.connect(
        make_conninfo(uri, dbname='postgres'), autocommit=True)


class ThrowawayDatabase:
    """name: a new unique name unless given; keep: leave the database (and
    its directory) in place at the end; reuse: the database exists already
    (made by an earlier run with keep), do not create it."""

    def __init__(self, backend, *, pg_uri=None, name=None, workdir=None,
            keep=False, reuse=False):
        assert backend in {'sqlite', 'postgresql'}
        self.backend = backend
        self.pg_uri = pg_uri or pg_uri_default()
        self.name = name or 'xtools_bench_%s' % uuid.uuid4().hex[:10]
        self.keep = keep or reuse
        self.reuse = reuse
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix='xtools-bench-')
        os.makedirs(self.workdir, exist_ok=True)
        self.config_file = os.path.join(self.workdir, 'trytond.conf')
        self.uri = 'sqlite://' if backend == 'sqlite' else self.pg_uri

    @property
    def location(self):
        if self.backend == 'sqlite':
            return os.path.join(self.workdir, self.name + '.sqlite')
        return self.uri.rstrip('/') + '/' + self.name

    def write_config(self):
        with open(self.config_file, 'w') as f:
            f.write('[database]\n')
            f.write(f'uri = {self.uri}\n')
            f.write(f'path = {self.workdir}\n')
            f.write('language = en\n')

    def _env(self):
        # The generated file decides, whatever the caller's environment says
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_DATABASE')}
        env['TRYTOND_DATABASE__URI'] = self.uri
        env['TRYTOND_DATABASE__PATH'] = self.workdir
        return env

    def configure(self):
        "Point this process's trytond at the database (before importing it)"
        self.write_config()
        os.environ.update(
            (k, v) for k, v in self._env().items()
            if k.startswith('TRYTOND_DATABASE'))
        from trytond.config import config
        config.update_etc(self.config_file)
        config.set('database', 'uri', self.uri)
        config.set('database', 'path', self.workdir)

    def exists(self):
        if self.backend == 'sqlite':
            return os.path.exists(self.location)
        with _pg_maintenance(self.pg_uri) as conn:
            return bool(conn.execute(
                    'SELECT 1 FROM pg_database WHERE datname = %s',
                    (self.name,)).fetchone())

    def _admin(self, *args):
        passfile = os.path.join(self.workdir, 'admin.pass')
        with open(passfile, 'w') as f:
            f.write(ADMIN_PASSWORD)
        env = dict(self._env(), TRYTONPASSFILE=passfile)
        try:
            result = subprocess.run(
                [os.path.join(BIN, 'trytond-admin'), '-c', self.config_file,
                    '-d', self.name, *args],
                env=env, capture_output=True, text=True)
        finally:
            os.remove(passfile)
        if result.returncode:
            sys.stderr.write(result.stdout + result.stderr)
            raise RuntimeError(f"trytond-admin {' '.join(args)} failed")

    def create(self, modules):
        """Create the empty database, initialise it and activate modules;
        returns the seconds it took"""
        start = time.perf_counter()
        self.write_config()
        if self.reuse:
            if not self.exists():
                raise RuntimeError(f"no database to reuse at {self.location}")
            return 0.
        if self.backend == 'sqlite':
            open(self.location, 'w').close()
        else:
            with _pg_maintenance(self.pg_uri) as conn:
                conn.execute(
                    f'CREATE DATABASE "{self.name}" '
                    "TEMPLATE template0 ENCODING 'UTF8'")
        self._admin('--all', '--email', 'admin@example.com')
        self._admin('-u', *modules, '--activate-dependencies')
        return time.perf_counter() - start

    def copy_from(self, name):
        """Create this database as a copy of database name (same server or
        directory), e.g. a scratch copy to try a change on"""
        self.write_config()
        if self.backend == 'sqlite':
            source = os.path.join(self.workdir, name + '.sqlite')
            for suffix in ['', '-wal', '-shm']:
                if os.path.exists(source + suffix):
                    shutil.copyfile(source + suffix, self.location + suffix)
        else:
            with _pg_maintenance(self.pg_uri) as conn:
                conn.execute(
                    f'CREATE DATABASE "{self.name}" TEMPLATE "{name}"')

    def close_connections(self):
        "Close this process's connections to the database (if it opened any)"
        if 'trytond.backend' not in sys.modules:
            return
        from trytond import backend
        from trytond.pool import Pool
        try:
            Pool.stop(self.name)
        except Exception:
            pass
        try:
            backend.Database(self.name).close()
        except Exception:
            pass

    def finish(self):
        "At the end of a bench: say how to reuse a kept database, then drop"
        if self.keep:
            print(f"[{self.backend}] kept: --reuse {self.name} "
                + (f"--workdir {self.workdir}"
                    if self.backend == 'sqlite' else ''), flush=True)
        self.drop()

    def drop(self):
        """Drop the database unless kept; forget the generated directory
        unless it holds a kept SQLite file"""
        if not self.keep:
            self.close_connections()
            if self.backend == 'postgresql':
                with _pg_maintenance(self.pg_uri) as conn:
                    conn.execute(
                        f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            else:
                for suffix in ['', '-wal', '-shm']:
                    if os.path.exists(self.location + suffix):
                        os.remove(self.location + suffix)
        if self._own_workdir:
            if not (self.keep and self.backend == 'sqlite'):
                shutil.rmtree(self.workdir, ignore_errors=True)
        elif not self.keep:
            path = os.path.join(self.workdir, 'trytond.conf')
            if os.path.exists(path):
                os.remove(path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.drop()
