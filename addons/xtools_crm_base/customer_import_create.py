"""Creating the customers of a checked import file set-based (issue 21).

Tryton's create() of a customer with its contacts, contact mechanisms and
addresses spends most of its time on per-record Python work that the
import has already done for the whole file: the generic field checks of
_validate (each record's domains, required, sizes evaluated one by one,
the address's subdivision types computed per address) and _compute_fields
(a second UPDATE of every party for its code_alnum/code_digit). checked_create()
does what ModelSQL.create does, in the same order, for the same models:

- InputCheckMixin's checks and _before_create (create access, field
  access, every module's preprocess_values);
- the defaults (default_get, once per batch and values schema, as create
  caches them) and the computed fields (the model's own compute_fields(),
  put into the INSERT instead of an UPDATE after it);
- multi-row INSERTs with create_uid and create_date as create sets them;
  the one2many children ('create' actions) created the same way, flat for
  the whole batch, in create's order (fields sorted by index_set_field);
  other fields with a setter (multi-values) by their setter;
- the history, the create record rules as the importing user, then per
  record: pre_validate, validate, validate_fields (every module's checks:
  phone numbers, contact numbers, hot caps …), check_modification,
  on_modification, triggers.

What it leaves out of _validate, and why that is the same: the generic
checks of the fields in PROVEN, whose values the import took from what it
checked (see PROVEN); every other field is checked by Tryton's own
_validate on one record per distinct combination of its values (and the
values its domain depends on): the result of those checks is a function
of exactly these values, so the other records would get the same answer.

A model whose create, _after_create, _validate or _compute_fields is
overridden by a class this file does not know (a module activated later)
is created by Tryton's create() instead: nothing it does is skipped.
xtools_crm_base/tests/test_import_create.py compares customers created both ways, field
by field."""
from collections import defaultdict

from sql import Column
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.model import ModelSQL, ModelStorage, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, record_cache_size, without_check_access)

from .input_check import InputCheckMixin, rules
from .linear_browse import LinearBrowse

# The fields whose generic checks (domain, required, size, selection) the
# import proves, by model; each with why. A proven field that is required
# must have a value in every record of the batch, else it is checked.
PROVEN = {
    'party.party': {
        # The import refuses a row without a name
        'name',
        # Drawn from the party sequence, as preprocess_values draws it
        'code', 'code_alnum', 'code_digit',
        # A user the import found among the users (or the importer)
        'crm_owner',
        # Dictionary entries the import looked up among the entries of
        # the field's type (its domain: type = the field's type)
        'crm_source', 'crm_status', 'crm_industry', 'crm_kind',
        # A subdivision the import found; the field has no domain
        'crm_region',
        # Free text of the file, checked by input_check's text rule
        'crm_city',
        # Created flat by checked_create, their domains empty
        'crm_contacts', 'contact_mechanisms', 'addresses',
        },
    'crm.contact': {
        # The customer just created, a customer (its domain)
        'customer',
        # Required: the import refuses a contact without a name
        'name',
        # Normalised and checked by Contact.validate_fields in the import
        # (and again below); text fields without size or domain
        'title', 'mobile', 'phone', 'email', 'qq', 'wechat',
        },
    'party.contact_mechanism': {
        # The party just created (no domain)
        'party',
        # Required: the import creates a mechanism only for a value,
        # checked by the mechanism's validate_fields (again below);
        # value_compact is compute_fields' own
        'value', 'value_compact',
        },
    'party.party.lang': {
        # The party just created, the company-dependent value's own link
        'party',
        },
    'party.address': {
        # The party just created (no domain)
        'party',
        # Free text of the file (input_check's text rule): no domain
        'street_unstructured', 'city',
        },
    }
# The classes whose create/_after_create/_validate/_compute_fields this
# file knows: any other in a model's classes means Tryton's create()
KNOWN_CREATE = {ModelSQL, ModelStorage, InputCheckMixin}
REPLACED = ['create', '_after_create', '_validate', '_compute_fields']


def create_customers(Party, vlist):
    "Create the parties of vlist with their children; returns their ids"
    return checked_create(Party, vlist)


def supported(Model):
    "Whether checked_create may stand in for Model.create"
    if Model._path_fields or Model._mptt_fields:
        return False
    for class_ in Model.__mro__:
        if class_ in KNOWN_CREATE:
            continue
        if any(name in vars(class_) for name in REPLACED):
            return False
    return True


def checked_create(Model, vlist):
    """What Model.create(vlist) does (see the module's documentation), for
    values the import checked; returns the new ids in vlist's order"""
    if not vlist:
        return []
    if not supported(Model):
        return list(map(int, Model.create(vlist)))
    transaction = Transaction()
    Model._crm_refuse_query()
    model_rules = rules(Model)
    if model_rules.strict or model_rules.text:
        for values in vlist:
            Model._crm_check_input(values, model_rules)
    vlist = Model._before_create(vlist)
    for values in vlist:
        for key in ['create_uid', 'create_date', 'write_uid', 'write_date',
                'id']:
            values.pop(key, None)
    _add_defaults(Model, vlist)
    to_set = {}     # field name → [(index in vlist, value)]
    rows = []
    for index, values in enumerate(vlist):
        for name, value in list(values.items()):
            if hasattr(Model._fields[name], 'set'):
                to_set.setdefault(name, []).append((index, value))
        rows.append({n: v for n, v in values.items()
                if not hasattr(Model._fields[n], 'set')})
    ids = _insert(Model, rows)
    _translate(Model, rows, ids)
    for name in sorted(to_set, key=Model.index_set_field):
        _set_field(Model, name, to_set[name], ids)
    Model._insert_history(ids)
    Model._ModelSQL__check_domain_rule(ids, 'create')
    _after_create(Model, ids, vlist)
    transaction.create_records[Model.__name__].extend(ids)
    return ids


def _add_defaults(Model, vlist):
    "The defaults create() adds, computed once per values schema"
    by_schema = {}
    for values in vlist:
        schema = frozenset(values)
        if schema not in by_schema:
            missing = [n for n, f in Model._fields.items()
                if n not in values
                and n not in {'create_uid', 'create_date', 'write_uid',
                    'write_date', 'id'}
                and not (isinstance(f, fields.Function) and not f.setter)]
            by_schema[schema] = Model._clean_defaults(
                Model.default_get(missing, with_rec_name=False)
                if missing else {})
        values.update(by_schema[schema])


def _insert(Model, rows):
    """INSERT the rows (grouped by their columns, like create) with
    create_uid and create_date; their ids in order"""
    transaction = Transaction()
    table = Model.__table__()
    user = transaction.user
    ids = [None] * len(rows)
    groups = defaultdict(list)
    for index, row in enumerate(rows):
        groups[tuple(sorted(row))].append(index)
    for names, indexes in groups.items():
        columns = [table.create_uid, table.create_date] + [
            Column(table, n) for n in names]
        formatted = [[user, CurrentTimestamp()]
            + [Model._fields[n].sql_format(rows[i][n]) for n in names]
            for i in indexes]
        try:
            new_ids = _insert_rows(Model, table, columns, formatted)
        except (backend.DatabaseIntegrityError,
                backend.DatabaseDataError) as exception:
            # create()'s messages: which constraint, which field
            raise_error = (Model._ModelSQL__raise_integrity_error
                if isinstance(exception, backend.DatabaseIntegrityError)
                else Model._ModelSQL__raise_data_error)
            with transaction.new_transaction():
                for row in formatted:
                    raise_error(exception, dict(zip(names, row[2:])),
                        transaction=transaction)
            raise
        for index, id_ in zip(indexes, new_ids):
            ids[index] = id_
    return ids


def _insert_rows(Model, table, columns, formatted):
    "INSERT the formatted rows (create_uid, create_date, …); their ids"
    transaction = Transaction()
    database = transaction.database
    connection = transaction.connection
    cursor = connection.cursor()
    new_ids = database.nextid(connection, Model._table,
        count=len(formatted)) if len(formatted) > 1 else None
    if new_ids is not None:
        columns.append(table.id)
        for row, id_ in zip(formatted, new_ids):
            row.append(id_)
        # The ids known (PostgreSQL): one single-row INSERT compiled
        # once, sent for all rows at once (psycopg pipelines it)
        query, first = tuple(table.insert(columns, formatted[:1]))
        params = [[row[0]] + row[2:] for row in formatted]
        if list(first) == params[0]:
            cursor.executemany(query, params)
        else:
            size = backend.MAX_QUERY_PARAMS // (len(columns) + 1)
            for sub in grouped_slice(formatted, size):
                cursor.execute(*table.insert(columns, list(sub)))
    else:
        # One row at a time (SQLite), the statement compiled once:
        # each row's values are its parameters
        new_ids = []
        returning = [table.id] if database.has_returning() else None
        query = None
        for row in formatted:
            # create_date is CURRENT_TIMESTAMP, not a parameter
            params = [row[0]] + row[2:]
            if query is None:
                query, first = tuple(table.insert(
                        columns, [row], returning))
                if list(first) != params:
                    query = None
            if query is None:
                cursor.execute(*table.insert(columns, [row], returning))
            else:
                cursor.execute(query, params)
            if returning:
                new_ids.append(cursor.fetchone()[0])
            else:
                new_ids.append(database.lastid(cursor))
    return new_ids


def _translate(Model, rows, ids):
    "The translations create() stores for translated fields"
    Translation = Pool().get('ir.translation')
    by_name = {}
    for row, id_ in zip(rows, ids):
        for name, value in row.items():
            field = Model._fields[name]
            if getattr(field, 'translate', False):
                by_name.setdefault(f'{Model.__name__},{name}', {})[id_] = (
                    field.sql_format(value))
    for name, translations in by_name.items():
        Translation.set_ids(name, 'model', Transaction().language,
            list(translations), list(translations.values()))


def _set_field(Model, name, values, ids):
    """The children of a one2many created flat for the whole batch; any
    other field with a setter set as create() sets it"""
    field = Model._fields[name]
    if (isinstance(field, fields.One2Many)
            and not isinstance(field, fields.Function)
            and all(value and all(a[0] == 'create' for a in value)
                for _, value in values)):
        Target = field.get_target()
        children = [{**child, field.field: ids[index]}
            for index, value in values
            for _, vlist in value
            for child in vlist]
        checked_create(Target, children)
        return
    # As create() groups them: the ids sharing one value
    args = []
    for index, value in values:
        actions = iter(args)
        for same_ids, same_value in zip(actions, actions):
            if same_value == value:
                same_ids.append(ids[index])
                break
        else:
            args.extend(([ids[index]], value))
    if isinstance(field, fields.MultiValue):
        actions = iter(args)
        for same_ids, value in zip(actions, actions):
            _set_multivalue(Model, name, same_ids, value)
        return
    field.set(Model, name, *args)


def _set_multivalue(Model, name, ids, value):
    """A multi-value (the company-dependent values of a party) of new
    records: its setter makes for each record one new value record, from
    the context's pattern, the model's defaults and the record; made once
    here and copied for each record. Any other case by the setter."""
    first = _browse(Model, ids)[0]
    made = first.set_multivalue(name, value, save=False)
    if len(made) != 1 or (made[0].id is not None and made[0].id >= 0):
        Model._fields[name].set(Model, name, ids, value)
        return
    Value = Model.multivalue_model(name)
    link = next(n for n, f in Value._fields.items()
        if f._type == 'many2one' and f.model_name == Model.__name__)
    template = made[0]._save_values()
    checked_create(Value, [{**template, link: id_} for id_ in ids])


def _browse(Model, ids):
    return LinearBrowse.browse.__func__(Model, ids)


def _after_create(Model, ids, vlist):
    """create()'s _after_create: the generic field checks on one record per
    distinct combination of the unproven values, the model's own checks and
    hooks on all"""
    pool = Pool()
    Trigger = pool.get('ir.trigger')
    transaction = Transaction()
    check_access = transaction.user and transaction.check_access
    unproven = _unproven(Model, vlist)
    with without_check_access():
        representatives = _representatives(Model, ids, vlist, unproven)
        Model._validate(_browse(Model, representatives),
            field_names=unproven)
        triggers = Trigger.get_triggers(Model.__name__, 'create')
        for sub_ids in grouped_slice(ids, record_cache_size(transaction)):
            records = _browse(Model, sub_ids)
            for record in records:
                record.pre_validate()
            Model.validate(records)
            Model.validate_fields(records, Model._fields.keys())
            Model.check_modification(
                'create', records, external=check_access)
            records = _compute_fields(Model, records)
            Model.on_modification('create', records)
            for trigger in triggers:
                trigger.queue_trigger_action(records)


def _compute_fields(Model, records):
    """What _compute_fields does: the model's compute_fields() of each
    record, the values that differ stored as its write() stores them (with
    write_uid and write_date), on_modification('write') told of them;
    without the rest of a write (its access checks and validation: the
    values are the model's own). Returns the records read afresh."""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    by_fields = defaultdict(list)
    queries = {}    # field names → the UPDATE compiled once
    to_update = defaultdict(list)   # field names → parameters of each
    for record in records:
        values = record.compute_fields()
        if not values:
            continue
        names = tuple(sorted(values))
        # write_date is CURRENT_TIMESTAMP, not a parameter
        params = [transaction.user] + [
            Model._fields[n].sql_format(values[n]) for n in names] + [
            record.id]
        query = table.update(
            [table.write_uid, table.write_date]
            + [Column(table, n) for n in names],
            [params[0], CurrentTimestamp()] + params[1:-1],
            where=table.id == record.id)
        if names not in queries:
            sql, first = tuple(query)
            queries[names] = sql if list(first) == params else None
        if queries[names] is None:
            cursor.execute(*query)
        else:
            to_update[names].append(params)
        by_fields[names].append(record.id)
    for names, params in to_update.items():
        # One round trip per batch on PostgreSQL (psycopg pipelines it)
        cursor.executemany(queries[names], params)
    if not by_fields:
        return records
    ids = [r.id for r in records]
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            for id_ in ids:
                cache[Model.__name__].pop(id_, None)
    records = _browse(Model, ids)
    for names, changed in by_fields.items():
        Model.on_modification(
            'write', _browse(Model, changed), field_names=set(names))
    return records


def _unproven(Model, vlist):
    "The fields checked by _validate: all but those proven for this batch"
    proven = set()
    for name, field in Model._fields.items():
        # A relation field left empty in every record: its domain has
        # nothing to check (Tryton's check returns when there are no
        # relations), and it is not required
        if (isinstance(field, (fields.One2Many, fields.Many2Many,
                        fields.Many2One))
                and not isinstance(field, fields.Function)
                and not field.required and 'required' not in field.states
                and not any(values.get(name) for values in vlist)):
            proven.add(name)
    for name in PROVEN.get(Model.__name__, ()):
        field = Model._fields.get(name)
        if field is None:
            continue
        if field.required and any(
                values.get(name) in {None, ''} for values in vlist):
            continue
        if getattr(field, 'size', None) is not None:
            continue
        proven.add(name)
    if not Pool().test:
        # _validate checks no Function field outside the tests
        proven |= {n for n, f in Model._fields.items()
            if isinstance(f, fields.Function)}
    return set(Model._fields) - proven


def _representatives(Model, ids, vlist, unproven):
    """One id per distinct combination of the values of the unproven
    fields and of what their checks depend on"""
    keys = set(unproven)
    for name in unproven:
        keys |= set(Model._fields[name].validation_depends)
    keys = sorted(keys & set(Model._fields))
    seen = {}
    for id_, values in zip(ids, vlist):
        key = tuple(_hashable(values.get(k)) for k in keys)
        seen.setdefault(key, id_)
    return list(seen.values())


def _hashable(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set):
        return tuple(sorted(map(_hashable, value)))
    return value
