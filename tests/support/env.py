"""The test environment: where things are, the environment variables the
tests read, and the logins every test database has.

    XTOOLS_ARTIFACTS       server logs, screenshots (default test-artifacts/)
    XTOOLS_SAO_ROOT        the sao folder (default var/sao, made by
                           scripts/setup.sh)
    XTOOLS_ADMIN_PASSWORD  the admin's password of the demo database
    DB_CACHE               where the built demo database is kept between
                           runs (see demo_db.py)
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / 'trytond.conf'
# The administrator, as scripts/demo_db.py creates it
ADMIN = ('admin', os.environ.get('XTOOLS_ADMIN_PASSWORD', 'admin2026'))
# The boss of the demo company (demo/demo_data.py)
BOSS = ('wangtianhong', 'feida2026')


def artifacts_dir():
    "The folder for logs and screenshots kept after the run"
    path = Path(os.environ.get('XTOOLS_ARTIFACTS') or ROOT / 'test-artifacts')
    path.mkdir(parents=True, exist_ok=True)
    return path


def sao_root():
    return Path(os.environ.get('XTOOLS_SAO_ROOT') or ROOT / 'var' / 'sao')


def tail(path, lines=60):
    "The last `lines` of a log file ('' if there is none)"
    try:
        with open(path, encoding='utf-8', errors='replace') as fp:
            return ''.join(fp.readlines()[-lines:])
    except OSError:
        return ''
