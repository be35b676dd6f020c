"""A throwaway PostgreSQL cluster of a test's own (initdb, pg_ctl), for
tests that restart PostgreSQL or dump and restore a database: the
machine's shared server (127.0.0.1:5432) is never restarted.

    cluster = Cluster(workdir).start()
    server = ClusterServer(cluster, 'xtools_faults', workdir)
    server.write_config(); server.create(); server.start()
    cluster.restart()          # an immediate stop (as a crash) and a start
    cluster.destroy()          # stopped and its files removed

binaries() is None when the PostgreSQL server programs are not installed
(tests skip then, saying so).
"""
import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from .env import BIN, ROOT
from .postgres import ADMIN_PASSWORD, Server

TOOLS = ('initdb', 'pg_ctl', 'pg_dump', 'pg_restore')


def binaries():
    "The folder of initdb, pg_ctl, pg_dump and pg_restore, or None"
    candidates = sorted(glob.glob('/usr/lib/postgresql/*/bin'),
        key=lambda p: [int(x) if x.isdigit() else 0
            for x in Path(p).parent.name.split('.')])
    try:
        candidates.append(subprocess.run(['pg_config', '--bindir'],
                capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    for folder in reversed(candidates):
        if folder and all((Path(folder) / t).exists() for t in TOOLS):
            return Path(folder)
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Cluster:
    "initdb'd in workdir/data, trust auth, listening on 127.0.0.1:port"

    def __init__(self, workdir):
        self.bindir = binaries()
        self.workdir = Path(workdir)
        self.data = self.workdir / 'data'
        self.log = self.workdir / 'postgres.log'
        self.port = free_port()
        # initdb refuses to run as root
        self.as_user = (['runuser', '-u', 'postgres', '--']
            if os.geteuid() == 0 else [])

    @property
    def uri(self):
        return f'postgresql://postgres@127.0.0.1:{self.port}/'

    def _run(self, tool, *args, check=True):
        result = subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args],
            capture_output=True, text=True, cwd='/')
        if check and result.returncode:
            raise RuntimeError(f'{tool} failed: {result.stdout}'
                f'{result.stderr}\n{self._log_tail()}')
        return result

    def _log_tail(self):
        try:
            return self.log.read_text(errors='replace')[-2000:]
        except OSError:
            return ''

    def start(self):
        if self.as_user:
            shutil.chown(self.workdir, 'postgres')
        if not self.data.exists():
            self._run('initdb', '-D', str(self.data), '-U', 'postgres',
                '--auth=trust', '-E', 'UTF8', '--no-sync')
        # Nothing here must survive a crash of the machine: no fsync. But
        # a commit is written before it is confirmed (synchronous_commit
        # stays on): a crash of PostgreSQL alone loses nothing a user was
        # told is saved (with it off, restart() loses the last commits)
        options = (f'-c listen_addresses=127.0.0.1 -p {self.port} '
            f'-k {self.workdir} -c fsync=off -c full_page_writes=off '
            '-c max_connections=200')
        self._run('pg_ctl', '-D', str(self.data), '-l', str(self.log),
            '-w', '-t', '120', '-o', options, 'start')
        return self

    def stop(self, mode='fast'):
        self._run('pg_ctl', '-D', str(self.data), '-m', mode, '-w',
            '-t', '120', 'stop', check=False)

    def restart(self, down_seconds=1.0):
        """Stopped at once, as by a crash (connections cut, no checkpoint),
        then started again: it replays its log"""
        self.stop('immediate')
        time.sleep(down_seconds)
        self.start()

    def destroy(self):
        if self.data.exists():
            self.stop('immediate')
        shutil.rmtree(self.workdir, ignore_errors=True)

    def connect(self, dbname='postgres'):
        import psycopg
        from psycopg.conninfo import make_conninfo
        return psycopg.connect(make_conninfo(self.uri, dbname=dbname),
            autocommit=True, connect_timeout=5)

    def sql(self, dbname, query, params=None):
        "Rows of query on dbname (None for a statement without rows)"
        with self.connect(dbname) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    def dump(self, dbname, target):
        "pg_dump -Fc of dbname into the file target"
        result = subprocess.run(
            [str(self.bindir / 'pg_dump'), '-h', '127.0.0.1',
                '-p', str(self.port), '-U', 'postgres', '-Fc',
                '-f', str(target), dbname],
            capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return target

    def restore(self, dump, dbname):
        "A new database dbname made of the dump (pg_restore)"
        self.sql('postgres', f'CREATE DATABASE "{dbname}" '
            "TEMPLATE template0 ENCODING 'UTF8'")
        result = subprocess.run(
            [str(self.bindir / 'pg_restore'), '-h', '127.0.0.1',
                '-p', str(self.port), '-U', 'postgres', '--no-owner',
                '--exit-on-error', '-d', dbname, str(dump)],
            capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


class ClusterServer(Server):
    """support.postgres.Server on a database of `cluster`, with the
    settings of `make serve-pg` (clean_timeout 0, the process cache)"""

    def __init__(self, cluster, name, workdir):
        super().__init__(name, workdir)
        self.cluster = cluster

    def env(self):
        env = super().env()
        # scripts/test.sh turns synchronous commits off for speed; here a
        # crash of PostgreSQL must not lose what users were told is saved
        env['PGOPTIONS'] = '-c synchronous_commit=on'
        return env

    def write_config(self, extra=''):
        super().write_config(extra)
        text = self.config.read_text()
        text = '\n'.join(
            f'uri = {self.cluster.uri}' if line.startswith('uri = ')
            else line for line in text.splitlines()) + '\n'
        self.config.write_text(text)

    def create(self, module='xtools_crm_pool'):
        self.cluster.sql('postgres', f'CREATE DATABASE "{self.name}" '
            "TEMPLATE template0 ENCODING 'UTF8'")
        passfile = self.workdir / 'admin.pass'
        passfile.write_text(ADMIN_PASSWORD)
        result = subprocess.run(
            [str(BIN / 'trytond-admin'), '-c', str(self.config),
                '-d', self.name, '--email', 'admin@example.com',
                '-u', module, '--activate-dependencies'],
            env=dict(self.env(), TRYTONPASSFILE=str(passfile)),
            capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, result.stdout + result.stderr

    def drop(self):
        self.cluster.sql('postgres',
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def sql(self, query, params=None):
        return self.cluster.sql(self.name, query, params)
