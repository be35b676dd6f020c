"""Bad input is refused at the door (SPEC quality bars, B12): whatever a
client sends to create() or write(), over RPC, a wizard or an import, a
value our models cannot hold ends in a clean, translated ValidationError
before anything is written, never in an internal error or a stored value
that breaks something later (an export, a list, another user's screen).

InputCheckMixin is registered for every model (tryton.cfg
[register_mixin]: Tryton prepends it to every ModelStorage class of the
pool after setup, so it covers the models of later modules too) and
checks, by model:

- the models our modules add or extend (a class of an xtools module in
  the model's classes): every field name must exist, and every value must
  have its field's type: a date for a Date, a finite number in range for
  an Integer, Float or Numeric (NaN, Infinity and 1e400 end inside
  Tryton's or the database's code otherwise), a record id for a
  Many2One, a list of actions for a One2Many or Many2Many;
- the text fields our modules add, and the party name and contact fields
  we expose (EXPOSED_TEXT): no control character (a tab or newline only
  in multi-line text), no direction override, not only invisible
  characters, at most a bounded length.

text_problem() is the same text rule for a value that does not come
through create() or write() (an import cell)."""
import datetime as dt
import math
import unicodedata
import weakref
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import Model, fields
from .exceptions import InputValidationError

# The modules whose fields and models are ours
OUR_MODULES = 'xtools_crm_'
# Fields of Tryton's modules that we expose as ours (customer and contact
# data on our screens, in the import and the export)
EXPOSED_TEXT = {
    'party.party': {'name', 'code'},
    'party.address': {
        'street_unstructured', 'city', 'postal_code', 'party_name'},
    'party.contact_mechanism': {'value', 'name', 'comment'},
    }
# Length bounds, unless the field has a size of its own
MAX_CHAR = 1000
MAX_TEXT = 100_000
# Integer columns are 32-bit on PostgreSQL; ids too
INTEGER_RANGE = (-2**31, 2**31 - 1)
BIG_INTEGER_RANGE = (-2**63, 2**63 - 1)
# Beyond any amount, quantity or rate a CRM holds
MAX_NUMBER = 10**15
# Directional formatting characters: they make text display in another
# order than it is stored ("Trojan source"); the marks LRM/RLM are fine
DIRECTION_CONTROLS = set('\u202a\u202b\u202c\u202d\u202e'
    '\u2066\u2067\u2068\u2069')
INVISIBLE_CATEGORIES = {'Cf', 'Zs', 'Zl', 'Zp', 'Cc', 'Mn', 'Me'}
MULTILINE_CONTROLS = {'\t', '\n', '\r'}
X2M_ACTIONS = {'create', 'write', 'delete', 'add', 'remove', 'copy'}


def shown(text):
    """text fit to be echoed in a message or a log: its control and
    direction characters written as escapes (\\x07, \\u202e)"""
    if not isinstance(text, str):
        return text
    return ''.join(
        c if c not in DIRECTION_CONTROLS and not _is_control(c)
        or c in '\n\t' else escaped(c) for c in text)


def escaped(char):
    return char.encode('unicode_escape').decode('ascii')


def _is_control(char):
    category = unicodedata.category(char)
    return category in {'Cc', 'Cs'} or _is_noncharacter(char)


def _is_noncharacter(char):
    code = ord(char)
    return 0xfdd0 <= code <= 0xfdef or (code & 0xfffe) == 0xfffe


def text_problem(text, multiline=False, max_length=MAX_CHAR):
    """(message id, values) of what is wrong with text, or None: a
    control character, a direction override, only invisible characters,
    too long"""
    for position, char in enumerate(text, start=1):
        if char in DIRECTION_CONTROLS:
            return 'msg_input_direction', {
                'character': escaped(char), 'position': position}
        if _is_control(char) and not (
                multiline and char in MULTILINE_CONTROLS):
            return 'msg_input_control', {
                'character': escaped(char), 'position': position}
    if text and all(unicodedata.category(c) in INVISIBLE_CATEGORIES
            for c in text) and text.strip():
        return 'msg_input_invisible', {}
    if len(text) > max_length:
        return 'msg_input_too_long', {
            'length': len(text), 'max': max_length}


def text_rule(field):
    "(multiline, max length) of a text field"
    multiline = field._type == 'text'
    size = getattr(field, 'size', None)
    if not isinstance(size, int):
        size = None
    return multiline, size or (MAX_TEXT if multiline else MAX_CHAR)


def _defined_by_us(Model, name):
    "Whether a class of our modules defines the field name of Model"
    return any(name in klass.__dict__
        and klass.__module__.startswith(OUR_MODULES)
        for klass in Model.__mro__[1:])


class _Rules:
    "What is checked for a model: computed once, from its classes"
    __slots__ = ('strict', 'text')

    def __init__(self, Model):
        # Classes registered by our modules, not mixins (this one is in
        # every model's classes)
        self.strict = any(klass.__module__.startswith(OUR_MODULES)
            and isinstance(klass.__dict__.get('__name__'), str)
            for klass in Model.__mro__[1:])
        exposed = EXPOSED_TEXT.get(Model.__name__, set())
        self.text = {}
        for name, field in Model._fields.items():
            field_type = getattr(field, '_type', None)
            if field_type not in {'char', 'text'}:
                continue
            if not getattr(field, 'setter', True):
                continue
            if name in exposed or _defined_by_us(Model, name):
                self.text[name] = text_rule(field)


_RULES = weakref.WeakKeyDictionary()


def rules(Model):
    try:
        return _RULES[Model]
    except KeyError:
        result = _RULES[Model] = _Rules(Model)
        return result


class InputCheckMixin:
    """Refuses what a model cannot hold before create() or write() runs:
    see the module's documentation"""
    __slots__ = ()

    @classmethod
    def _crm_refuse_query(cls):
        # A report is an SQL query (table_query): Tryton answers a create
        # or write of it with an internal error; say what it is instead
        if getattr(cls, '_is_table_query', None) and cls._is_table_query():
            raise InputValidationError(gettext(
                    'xtools_crm_base.msg_input_report_read_only',
                    model=cls.__names__()['model']))

    @classmethod
    def create(cls, vlist):
        cls._crm_refuse_query()
        model_rules = rules(cls)
        if model_rules.strict or model_rules.text:
            for values in vlist:
                cls._crm_check_input(values, model_rules)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._crm_refuse_query()
        model_rules = rules(cls)
        if model_rules.strict or model_rules.text:
            for values in args[1::2]:
                cls._crm_check_input(values, model_rules)
        super().write(*args)

    @classmethod
    def _crm_check_input(cls, values, model_rules):
        if not isinstance(values, dict):
            cls._crm_refuse('msg_input_not_values', None)
        for name, value in values.items():
            field = cls._fields.get(name) if isinstance(name, str) else None
            if field is None:
                if model_rules.strict:
                    raise InputValidationError(gettext(
                            'xtools_crm_base.msg_input_unknown_field',
                            model=cls.__names__()['model'],
                            field=shown(str(name))[:100]))
                continue
            if model_rules.strict:
                cls._crm_check_type(name, field, value)
            if name in model_rules.text and isinstance(value, str):
                multiline, max_length = model_rules.text[name]
                problem = text_problem(value, multiline, max_length)
                if problem:
                    message, details = problem
                    cls._crm_refuse(message, name, **details)

    @classmethod
    def _crm_refuse(cls, message, name, **values):
        names = cls.__names__(field=name) if name else cls.__names__()
        raise InputValidationError(gettext(
                f'xtools_crm_base.{message}', **names, **values))

    @classmethod
    def _crm_check_type(cls, name, field, value):
        "Refuse a value of another type than field's, or out of range"
        if value is None:
            return
        field_type = field._type
        if isinstance(field, fields.Function):
            field_type = field._field._type
        if field_type in {'char', 'text'}:
            if not isinstance(value, str):
                cls._crm_refuse('msg_input_not_text', name)
        elif field_type in {'integer', 'biginteger'}:
            low, high = (INTEGER_RANGE if field_type == 'integer'
                else BIG_INTEGER_RANGE)
            cls._crm_check_number(name, value, low, high, whole=True)
        elif field_type in {'float', 'numeric'}:
            cls._crm_check_number(name, value, -MAX_NUMBER, MAX_NUMBER)
        elif field_type == 'many2one':
            if not _is_id(value):
                cls._crm_refuse('msg_input_not_record', name)
        elif field_type in {'one2many', 'many2many'}:
            if not _x2m_actions(value):
                cls._crm_refuse('msg_input_not_actions', name)
        elif field_type == 'date':
            if not _is_time_value(value, dt.date, dt.date.fromisoformat) \
                    or isinstance(value, dt.datetime):
                cls._crm_refuse('msg_input_not_date', name)
        elif field_type in {'datetime', 'timestamp'}:
            if not _is_time_value(
                    value, dt.datetime, dt.datetime.fromisoformat):
                cls._crm_refuse('msg_input_not_datetime', name)
        elif field_type == 'time':
            if not _is_time_value(value, dt.time, dt.time.fromisoformat):
                cls._crm_refuse('msg_input_not_time', name)
        elif field_type == 'timedelta':
            if not _is_duration(value):
                cls._crm_refuse('msg_input_not_duration', name)
        elif field_type == 'selection':
            if isinstance(value, (dict, list, tuple, set)):
                cls._crm_refuse('msg_input_not_choice', name)
        elif field_type == 'multiselection':
            if not isinstance(value, (list, tuple)) or not all(
                    isinstance(v, str) for v in value):
                cls._crm_refuse('msg_input_not_choice', name)
        elif field_type == 'binary':
            if not isinstance(value, (bytes, bytearray, memoryview, str)):
                cls._crm_refuse('msg_input_not_file', name)

    @classmethod
    def _crm_check_number(cls, name, value, low, high, whole=False):
        if isinstance(value, bool) or not isinstance(
                value, (int, float, Decimal)):
            cls._crm_refuse('msg_input_not_number', name)
        try:
            finite = (value.is_finite() if isinstance(value, Decimal)
                else math.isfinite(value))
        except (OverflowError, InvalidOperation):
            finite = False
        if not finite:
            cls._crm_refuse('msg_input_not_finite', name, value=str(value))
        if whole and value != int(value):
            cls._crm_refuse('msg_input_not_whole', name, value=str(value))
        if not low <= value <= high:
            cls._crm_refuse('msg_input_out_of_range', name,
                min=f'{low:,}', max=f'{high:,}')


def _is_time_value(value, type_, parse):
    if isinstance(value, str):
        try:
            parse(value)
        except ValueError:
            return False
        return True
    return isinstance(value, type_)


def _is_duration(value):
    "What Tryton's TimeDelta field takes: a timedelta, seconds or 'h:m[:s]'"
    if isinstance(value, dt.timedelta):
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return math.isfinite(value) and abs(value) <= MAX_NUMBER
    if isinstance(value, str):
        # Tryton reads 'h:m' or 'h:m:s' (anything else ends in a traceback)
        parts = value.split(':')
        if len(parts) not in {2, 3}:
            return False
        hours, minutes, seconds = (parts + ['0'])[:3]
        try:
            seconds = float(seconds)
            dt.timedelta(hours=int(hours), minutes=int(minutes),
                seconds=seconds)
        except (ValueError, OverflowError):
            return False
        return math.isfinite(seconds)
    return False


def _is_id(value):
    "Whether value is a record id, or a record (server code passes them)"
    if isinstance(value, Model):
        return True
    return (isinstance(value, int) and not isinstance(value, bool)
        and INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1])


def _ids(value):
    return isinstance(value, (list, tuple)) and all(map(_is_id, value))


def _x2m_actions(value):
    "Whether value is a list of One2Many/Many2Many actions Tryton takes"
    if not isinstance(value, (list, tuple)):
        return False
    for action in value:
        if not isinstance(action, (list, tuple)) or not action \
                or action[0] not in X2M_ACTIONS:
            return False
        kind, args = action[0], action[1:]
        if kind == 'create':
            if len(args) != 1 or not isinstance(args[0], (list, tuple)) \
                    or not all(isinstance(v, dict) for v in args[0]):
                return False
        elif kind == 'write':
            if not args or len(args) % 2 or not all(
                    _ids(i) and isinstance(v, dict)
                    for i, v in zip(args[::2], args[1::2])):
                return False
        elif kind in {'delete', 'add', 'remove'}:
            if len(args) != 1 or not _ids(args[0]):
                return False
        elif kind == 'copy':
            if not 1 <= len(args) <= 2 or not _ids(args[0]) or (
                    len(args) == 2 and not isinstance(args[1], dict)):
                return False
    return True
