"""A real `trytond -d NAME` on a SQLite database, on a free loopback port,
serving sao; and the configuration file it runs with (write_config).

    server = TrytonServer('xtools_demo', folder, log_path).start()
    boss = server.rpc_as('wangtianhong', 'feida2026')    # support.rpc
    server.stop()

The fixtures `start_server` and `server` (tests/conftest.py) start and stop
them for a session.
"""
import configparser
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import xmlrpc.client
from pathlib import Path

from .env import ADMIN, BIN, CONFIG, ROOT, sao_root, tail
from .rpc import (
    RPCClient, RPCError, SessionTransport, basic_auth, post_jsonrpc,
    session_auth)

SERVER_START_TIMEOUT = 120


class TrytonServer:
    "A running `trytond -d NAME` on a loopback port"

    def __init__(self, database, database_path, log_path, name='server'):
        self.database = database
        self.database_path = Path(database_path)
        self.log_path = Path(log_path)
        self.name = name
        self.process = None
        self.port = None

    # URLs
    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}/'

    @property
    def rpc_url(self):
        return f'{self.url}{self.database}/rpc/'

    @property
    def database_file(self):
        return self.database_path / f'{self.database}.sqlite'

    def sql(self, query, *params):
        "Rows of a read-only SQL query on the database file (white-box checks)"
        uri = f'file:{self.database_file}?mode=ro'
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            return conn.execute(query, params).fetchall()

    def start(self, timeout=SERVER_START_TIMEOUT):
        for attempt in range(3):
            self.port = free_port()
            config_file = write_config(
                self.log_path.with_suffix('.conf'), self.database_path,
                listen=f'127.0.0.1:{self.port}')
            env = dict(os.environ, PYTHONUNBUFFERED='1')
            with open(self.log_path, 'ab') as log:
                log.write(f'==== {self.name}: trytond -d {self.database} '
                    f'on port {self.port}\n'.encode())
                self.process = subprocess.Popen(
                    [str(BIN / 'trytond'), '-c', str(config_file),
                        '-d', self.database, '-v'],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True)
            if self._wait_ready(timeout):
                return self
            if self.process.poll() is None:
                self.stop()
                break
            if 'Address already in use' not in tail(self.log_path, 20):
                break
        raise RuntimeError(
            f'trytond did not start ({self.log_path}):\n'
            + tail(self.log_path))

    def _wait_ready(self, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                return False
            try:
                # trytond -d loads the database's pool before it listens
                post_jsonrpc(f'{self.url}rpc/', 'common.server.version', [],
                    timeout=5)
            except (OSError, RPCError):
                time.sleep(0.3)
                continue
            return True
        return False

    def stop(self):
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def restart(self):
        "Stop and start again (on a new port) with the same database"
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Protocols
    def login(self, login, password, language='en'):
        "common.db.login: (user id, session key); RPCLoginError if refused"
        result = post_jsonrpc(self.rpc_url, 'common.db.login',
            [login, {'password': password}, language])
        return result[0], result[1]

    def xmlrpc(self, login, password):
        "ServerProxy on /DB/rpc/ with Basic auth"
        quoted = ':'.join(urllib.parse.quote(x, safe='')
            for x in (login, password))
        return xmlrpc.client.ServerProxy(
            f'http://{quoted}@127.0.0.1:{self.port}/{self.database}/rpc/',
            allow_none=True)

    def xmlrpc_session(self, login, password):
        "ServerProxy on /DB/rpc/ authenticated by a session (login first)"
        user_id, session = self.login(login, password)
        return xmlrpc.client.ServerProxy(self.rpc_url, allow_none=True,
            transport=SessionTransport(
                session_auth(login, user_id, session)))

    def jsonrpc(self, login, password, method, *params):
        "One JSON-RPC call with Basic auth; params as Tryton expects them"
        return post_jsonrpc(self.rpc_url, method, params,
            basic_auth(login, password))

    def rpc_as(self, login, password, language='en'):
        "An RPCClient logged in as `login`"
        return RPCClient(self, login, password, language)

    def admin(self):
        return self.rpc_as(*ADMIN)


def write_config(config_file, database_path, listen='127.0.0.1:0'):
    """trytond.conf with the database and web settings of a test server.

    TRYTOND_<SECTION>__<KEY> variables cannot do it: trytond 8.0 applies
    them before reading the -c file, so trytond.conf's values win. A relative
    database path is not usable either: trytond opens `var/NAME.sqlite` as
    /var/NAME.sqlite."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(CONFIG, encoding='utf-8')
    for section in ('database', 'web'):
        if not parser.has_section(section):
            parser.add_section(section)
    parser.set('database', 'uri', 'sqlite://')
    parser.set('database', 'path', str(Path(database_path).resolve()))
    parser.set('web', 'listen', listen)
    parser.set('web', 'root', str(sao_root().resolve()))
    # As scripts/run.sh on SQLite: no periodic cache check (it would flip
    # the connection to autocommit under a running request)
    if not parser.has_section('cache'):
        parser.add_section('cache')
    parser.set('cache', 'clean_timeout', '2000000000')
    with open(config_file, 'w', encoding='utf-8') as fp:
        parser.write(fp)
    return config_file


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
