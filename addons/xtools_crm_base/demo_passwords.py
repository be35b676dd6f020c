"""The demo's passwords refused in production.

The demo database (scripts/demo_db.py, demo/load_demo.py) gives every demo
user the password printed on the terminal and in the README, and the
administrator a known one: anyone who read them could log in to a real
deployment built from the demo. A server configured with

    [xtools]
    refuse_demo_passwords = True

(scripts/serve_pg.sh writes it, unless XTOOLS_ALLOW_DEMO_PASSWORDS=1)
refuses a login whose password, as typed, is one of them, even when it is
the right one, and says why: an administrator sets real passwords first
(`trytond-admin -p` for admin, the user form for the others). `make run`
(the single-process demo) does not set it.

The check is on the typed password, not on the stored hashes: Tryton's
hashes are salted, so a known password has no known hash.
"""
import logging

from trytond import config
from trytond.exceptions import LoginException
from trytond.i18n import gettext
from trytond.pool import PoolMeta

logger = logging.getLogger(__name__)

# demo/demo_data.py DEMO_PASSWORD and scripts/demo_db.py's default admin
# password (XTOOLS_ADMIN_PASSWORD)
DEMO_PASSWORDS = frozenset({'feida2026', 'admin2026'})


def demo_passwords_refused():
    return config.getboolean(
        'xtools', 'refuse_demo_passwords', default=False)


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _login_password(cls, login, parameters):
        user_id = super()._login_password(login, parameters)
        if (user_id and demo_passwords_refused()
                and parameters.get('password') in DEMO_PASSWORDS):
            logger.warning(
                "login refused for '%s': a demo password "
                "([xtools] refuse_demo_passwords)", login)
            raise LoginException('password', gettext(
                    'xtools_crm_base.msg_demo_password_refused',
                    login=login), type='password')
        return user_id
