import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.transaction import Transaction


class AppendOnlyMixin:
    """Audit logs (transfer, share, merge, pool …): written once, never
    edited or deleted — by anyone, through any API.

    The only write let through is Tryton's own clean-up when a referenced
    record is purged: links listed in _nullable_links become empty, while
    the log keeps its text snapshot of them."""
    __slots__ = ()
    _nullable_links = set()

    date = fields.DateTime("Date", required=True, readonly=True)
    author = fields.Many2One(
        'res.user', "By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._nullable_links = cls._nullable_links | {'author'}
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if (mode == 'write' and values
                and set(values) <= cls._nullable_links
                and not any(values.values())):
            return
        if mode in {'write', 'delete'}:
            raise AccessError(gettext(
                    'xtools_crm_base.msg_log_append_only',
                    log=cls.__names__()['model']))

    @classmethod
    def log(cls, entries):
        """Append entries (value dicts) on behalf of the current user.
        Written as root: users have no create access to logs either."""
        author = Transaction().user
        now = dt.datetime.now()
        for entry in entries:
            entry.setdefault('author', author)
            entry.setdefault('date', now)
        with Transaction().set_user(0):
            return cls.create(entries)


class AppendOnlyLog(AppendOnlyMixin, ModelSQL, ModelView):
    __slots__ = ()
