"""The notepad (记事本, SPEC B10): personal notes, read and written by their
owner only — not by managers nor bosses (notepad.xml's rule)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.transaction import Transaction

from .exceptions import NoteError


class Note(ModelSQL, ModelView):
    "Note (记事本)"
    __name__ = 'crm.note'
    __string__ = "Note"
    _rec_name = 'title'

    owner = fields.Many2One(
        'res.user', "Owner", required=True, readonly=True,
        ondelete='CASCADE')
    title = fields.Char("Title", required=True)
    content = fields.Text("Content")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.owner, Index.Equality())))
        cls._order = [('write_date', 'DESC NULLS LAST'), ('id', 'DESC')]

    @classmethod
    def default_owner(cls):
        return Transaction().user or None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        user = Transaction().user
        if mode == 'create' and (user or not values.get('owner')):
            values['owner'] = user
        return values

    @classmethod
    def check_modification(cls, mode, notes, values=None, external=False):
        super().check_modification(
            mode, notes, values=values, external=external)
        if mode == 'write' and 'owner' in values and any(
                n.owner.id != values['owner'] for n in notes):
            raise NoteError(gettext('xtools_crm_base.msg_note_owner'))
