"""Paths of xtools_crm_base: the customer (transfer, batch edit, merge,
recycle bin, import, export), tasks, user administration, and Tryton's own
wizards on parties."""
import datetime as dt
import io
import uuid

from . import Case, ContextKey, Getter, Target, fixture

IN_BIN = {'crm_recycle_bin': True}


@fixture('customer')
def customer(world):
    customer_id, name = world.customer()
    return Target('party.party', [customer_id], name)


@fixture('two_customers')
def two_customers(world):
    first, name = world.customer("合并客户")
    second, _ = world.customer("合并客户")
    return Target('party.party', [first, second], name)


@fixture('binned_customer')
def binned_customer(world):
    customer_id, name = world.customer("回收站客户")
    world.owner.delete('party.party', [customer_id])
    return Target('party.party', [customer_id], name)


def _task(world, state='open'):
    customer_id, name = world.customer("任务客户")
    task_id, = world.owner.create('crm.task', [{
                'subject': "回访", 'customer': customer_id,
                'assignee': world.user_ids['owner'],
                'due_date': dt.date.today() + dt.timedelta(days=7)}])
    if state == 'done':
        world.owner.button('crm.task', 'done', [task_id])
    return Target('crm.task', [task_id], name)


fixture('open_task')(_task)
fixture('done_task')(lambda world: _task(world, 'done'))


def _crm_user(world, level='staff'):
    "A new user without customers, made by the administrator"
    user_id, = world.admin.create('res.user', [{
                'login': f'ap_new_{uuid.uuid4().hex[:8]}',
                'name': "新员工", 'crm_level': level,
                'crm_department': world.departments['one']}])
    return Target('res.user', [user_id])


fixture('crm_user')(_crm_user)
fixture('crm_assistant')(lambda world: _crm_user(world, 'assistant'))


def _import_file(world, owner_login):
    "An .xlsx of the import template with one customer owned by owner_login"
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # The template's sheet and column names, as a user fills them
    sheet.title = "客户"
    sheet.append(["客户名称", "负责人"])
    sheet.append([f"导入客户 {uuid.uuid4().hex[:8]}", owner_login])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


@fixture('import_for_owner')
def import_for_owner(world):
    "No active record: a file that gives a customer to the owner"
    target = Target(None, [])
    target.extra['file'] = _import_file(world, f'ap_owner_{world.tag}')
    return target


def _import_data(world, target):
    # bytes travel as Tryton's JSON encoding of binaries
    return {'start': {
            'file': target.extra['file'], 'file_name': 'customers.xlsx'}}


CASES = [
    # -- the customer ----------------------------------------------------------
    Case('wizard.crm.customer.transfer', state='transfer',
        data=lambda w, t: {'start': {
                'new_owner': w.user_ids['writer'], 'reason': "接手"}},
        note="Even a read-write share gives no transfer: ownership is the "
        "hierarchy's (delete rights)"),
    Case('wizard.crm.customer.batch_edit', state='apply',
        data=lambda w, t: {'start': {'crm_city': "苏州"}},
        allowed=frozenset({'writer'})),
    Case('wizard.crm.customer.merge', state='merge', fixture='two_customers',
        data=lambda w, t: {'start': {
                'customers': t.ids, 'customer': t.ids[0]}}),
    Case('model.party.party.crm_restore', fixture='binned_customer',
        context=IN_BIN),
    Case('model.party.party.crm_purge', fixture='binned_customer',
        context=IN_BIN),
    Case('wizard.crm.customer.import', state='import_',
        fixture='import_for_owner', data=_import_data, control='manager',
        note="A file naming the owner: only the owner's hierarchy may give "
        "customers to the owner"),
    Case('wizard.crm.customer.import', state='jobs',
        fixture='import_for_owner', allowed=frozenset(
            {'reader', 'writer', 'finance', 'service', 'outsider'}),
        changes=False, note="Opens the list of one's own import jobs"),
    Case('wizard.crm.customer.export', state='export', control='manager',
        changes=False, note="Needs the export permission (the manager of "
        "the run has it); writes nothing"),
    # -- Tryton's own wizards on parties ----------------------------------------
    Case('wizard.party.replace', state='replace', fixture='two_customers',
        data=lambda w, t: {'ask': {
                'source': t.ids[1], 'destination': t.ids[0]}},
        control='admin', note="Tryton's party administrators only"),
    Case('wizard.party.erase', state='erase', control=None,
        data=lambda w, t: {'ask': {'party': t.ids[0]}},
        note="Tryton's party administrators only (the action's group); it "
        "erases only inactive parties, so no control here"),
    Case('wizard.party.check_vies', state='check', control=None,
        note="Checks VAT numbers with the EU service; the demo customers "
        "have none, so it has nothing to do (no control)"),
    # -- tasks -------------------------------------------------------------------
    Case('model.crm.task.done', fixture='open_task',
        allowed=frozenset({'writer'})),
    Case('model.crm.task.cancel', fixture='open_task',
        allowed=frozenset({'writer'})),
    Case('model.crm.task.reopen', fixture='done_task',
        allowed=frozenset({'writer'})),
    # -- user administration (B1) ------------------------------------------------
    Case('model.res.user.crm_promote', fixture='crm_user', control='admin'),
    Case('model.res.user.crm_demote', fixture='crm_assistant',
        control='admin'),
    Case('model.res.user.crm_leave', fixture='crm_user', control='admin'),
    Case('model.res.user.crm_unlock', fixture='crm_user', control='admin',
        changes=False, note="Forgets failed logins (a table of logins, "
        "not of data)"),
    Case('model.res.user.reset_password', fixture='crm_user',
        control=None, note="Tryton's administrators only (the button's "
        "group); it e-mails a new password, which needs an SMTP server"),
    Getter('model.res.user.get_preferences', "the caller's own preferences"),
    Getter('model.res.user.get_preferences_fields_view',
        "the form of the caller's preferences"),
    Getter('model.res.user.get_notifications', "the caller's notifications"),
    Getter('model.res.user.set_preferences',
        "writes only the caller's own preferences, among the fields Tryton "
        "lists as preferences"),
    ]

CONTEXT_KEYS = [
    ContextKey('company', 'tryton',
        "Tryton checks it against the user's companies", hostile=-1),
    ContextKey('crm_customer_type', 'filter',
        "defaults a new party to a customer type", hostile='enterprise'),
    ContextKey('crm_recycle_bin', 'view',
        "shows the recycle bin's customers; the hierarchy rules still "
        "apply (only the delete rule's customers)"),
    ContextKey('_crm_merge_confirmed', 'stripped', "the merge wizard's "
        "confirmation of similar customers"),
    ContextKey('_crm_customers_only', 'stripped', "party.party's search "
        "admits customers only: the read rule leaves out its arm for "
        "non-customers (search_flags.py)"),
    ContextKey('_crm_unowned_only', 'stripped', "party.party's search "
        "admits customers without an owner only: the read rule leaves out "
        "its owner arm (search_flags.py)"),
    ContextKey('_crm_owned_only', 'stripped', "party.party's search "
        "admits customers with an owner only: the pool's read rule leaves "
        "out its public arm (search_flags.py)"),
    ContextKey('_crm_import_checked', 'stripped', "the import's rows were "
        "checked as a whole"),
    ContextKey('_crm_transferring', 'stripped', "a logged transfer changes "
        "the owner"),
    ContextKey('_crm_timeline_rows', 'stripped', "the timeline rows a read "
        "asks for: each arm of the timeline's union reads only their "
        "records (timeline.py)"),
    ContextKey('language', 'tryton', "the language of the answers",
        hostile='zh_CN'),
    ContextKey('party_contact_mechanism_usage', 'tryton', "which of a "
        "party's own mechanisms its phone (email …) column shows "
        "(contact_mechanism_columns.py; a name that is no usage is "
        "ignored); Tryton's setter marks a new mechanism with it",
        hostile='active'),
    ContextKey('related_read_limit', 'tryton', "how many related records "
        "Tryton's read reads with a page (sao's x2many tabs); the "
        "customers' names of customer_name_read.py read as many",
        hostile=1),
    ContextKey('_datetime', 'tryton', "Tryton's reading of a record's "
        "history (the only private key RPC lets through); the search "
        "bar's union of indexed arms leaves such searches to Tryton "
        "(search_indexes.py)", hostile=None),
    ]

# The rule context of visibility.py: built by the server for each user
CONTEXT_KEYS += [
    ContextKey(name, 'rule', "ir.rule context of the hierarchy rules")
    for name in ['crm_user', 'crm_see_all', 'crm_read_all', 'crm_owners',
        'crm_many_shares', 'crm_shared', 'crm_shared_write']]
