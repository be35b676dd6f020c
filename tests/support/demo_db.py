"""The demo database of 上海飞达办公家具有限公司 (scripts/demo_db.py, the
data of demo/), on SQLite.

It takes minutes to build, so it is built once and kept under $DB_CACHE,
named after the hash of the sources it is made from (sources_hash, as
scripts/test.sh keys its cache): a cached copy never outlives a change.
Every session works on its own copy (copy_sqlite, safe with WAL files).
"""
import contextlib
import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .env import ROOT, tail
from .server import write_config

DEMO_NAME = 'xtools_demo'
DEMO_CACHE_PREFIX = 'xtools-e2e-demo-'
DEMO_BUILD_TIMEOUT = 1800


class Database:
    "A SQLite database file NAME.sqlite in `path`"

    def __init__(self, name, path):
        self.name = name
        self.path = Path(path)

    @property
    def file(self):
        return self.path / f'{self.name}.sqlite'

    def copy_to(self, path, name=None):
        "A copy of this database in directory `path`"
        copy = Database(name or self.name, path)
        copy.path.mkdir(parents=True, exist_ok=True)
        copy_sqlite(self.file, copy.file)
        return copy


def copy_sqlite(source, target):
    """Copy a SQLite database with the backup API. trytond runs SQLite in
    WAL mode: committed data may still sit in NAME.sqlite-wal (a server
    that was killed leaves it there), and a stale -wal next to a new file
    would be replayed onto it. A plain file copy gets both wrong."""
    target = Path(target)
    for suffix in ('', '-wal', '-shm', '-journal'):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f'{target}{suffix}')
    partial = target.with_name(target.name + f'.{os.getpid()}.partial')
    with contextlib.closing(sqlite3.connect(source)) as src, \
            contextlib.closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
        dst.execute('PRAGMA journal_mode=DELETE')
    os.replace(partial, target)


def build_demo_database(path, log_path):
    "Run scripts/demo_db.py into `path` (SQLite); return the Database"
    config_file = write_config(Path(path) / 'trytond-build.conf', path)
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    started = time.monotonic()
    with open(log_path, 'wb') as log:
        process = subprocess.run(
            [sys.executable, str(ROOT / 'scripts' / 'demo_db.py'), DEMO_NAME,
                '--config', str(config_file)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            timeout=DEMO_BUILD_TIMEOUT)
    database = Database(DEMO_NAME, path)
    if process.returncode or not database.file.exists():
        pytest.fail(
            f'scripts/demo_db.py failed (exit {process.returncode}, '
            f'log {log_path}):\n{tail(log_path)}', pytrace=False)
    with open(log_path, 'a') as log:
        log.write(f'\nbuilt in {time.monotonic() - started:.0f} s\n')
    return database


@contextlib.contextmanager
def _locked(path):
    "An exclusive lock on file `path`, so parallel sessions build once"
    with open(path, 'w') as fp:
        fcntl.flock(fp, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fp, fcntl.LOCK_UN)


def sources_hash():
    """A hash of what the demo database is made from (as scripts/test.sh
    keys DB_CACHE), so a cached copy never outlives a change"""
    digest = hashlib.sha256()
    suffixes = {'.py', '.xml', '.cfg', '.po', '.txt', '.sh'}
    files = [ROOT / 'requirements.txt']
    for folder in ('addons', 'demo', 'scripts'):
        files += (p for p in (ROOT / folder).rglob('*')
            if p.suffix in suffixes and '__pycache__' not in p.parts)
    for path in sorted(f for f in files if f.is_file()):
        digest.update(str(path.relative_to(ROOT)).encode('utf-8'))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def demo_database_copy(session_dir, new_build_dir, log_path):
    """The demo database copied into `session_dir`: from the cache in
    $DB_CACHE (built into new_build_dir() first if absent, other sources'
    copies dropped), or built there when DB_CACHE is unset or a PostgreSQL
    URI (Tryton's own cache of the addons' tests)."""
    cache = os.environ.get('DB_CACHE')
    if not cache or cache.startswith('postgresql://'):
        return build_demo_database(session_dir, log_path)
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    cached_file = cache / f'{DEMO_CACHE_PREFIX}{sources_hash()}.sqlite'
    with _locked(cache / f'{DEMO_CACHE_PREFIX}lock'):
        if not cached_file.exists():
            built = build_demo_database(new_build_dir(), log_path)
            for stale in cache.glob(f'{DEMO_CACHE_PREFIX}*.sqlite'):
                stale.unlink()
            copy_sqlite(built.file, cached_file)
        copy = Database(DEMO_NAME, session_dir)
        copy_sqlite(cached_file, copy.file)
    return copy
