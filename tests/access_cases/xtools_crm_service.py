"""Paths of xtools_crm_service: service records, the service console,
complaints and repair tickets (the QA base, the holiday calendar and the
ticket statuses have no path beyond create/write/delete)."""
from . import Case, ContextKey, Getter, Target, fixture


def _service_record(world, buttons=()):
    "A service record that customer service logs on the owner's customer"
    service = world.client('service')
    customer_id, name = world.customer("客服客户")
    defaults = service.call('crm.service.record', 'default_get',
        ['service_type', 'service_way', 'start_time', 'assignee'])
    defaults = {k: v for k, v in defaults.items() if '.' not in k}
    record_id, = service.create('crm.service.record', [{
                **defaults, 'customer': customer_id, 'subject': "安装咨询"}])
    for button in buttons:
        service.button('crm.service.record', button, [record_id])
    return Target('crm.service.record', [record_id], name)


fixture('draft_service')(_service_record)
fixture('started_service')(lambda w: _service_record(w, ['start']))


def _complaint(world, buttons=()):
    """A complaint customer service records on the owner's customer and
    handles, its result written"""
    service = world.client('service')
    customer_id, name = world.customer("投诉客户")
    complaint_id, = service.create('crm.complaint', [{
                'customer': customer_id, 'subject': "桌腿松动",
                'content': "会议桌桌腿松动。", 'result': "已上门加固。",
                'handler': world.user_ids['service'],
                }])
    for button in buttons:
        service.button('crm.complaint', button, [complaint_id])
    return Target('crm.complaint', [complaint_id], name)


fixture('open_complaint')(_complaint)
fixture('answered_complaint')(lambda w: _complaint(w, ['answer']))


def _ticket(world, buttons=(), engineer=None, **values):
    """A repair ticket the owner takes in for their customer; the admin (a
    boss) takes it through the steps; engineer: the actor repairing it"""
    customer_id, name = world.customer("维修客户")
    ticket_id, = world.owner.create('crm.repair.ticket', [{
                'customer': customer_id, 'fault': "座椅无法升降。",
                **values}])
    if engineer:
        world.admin.write('crm.repair.ticket', [ticket_id], {
                'engineer': world.user_ids[engineer]})
    for button in buttons:
        world.admin.button('crm.repair.ticket', button, [ticket_id])
    return Target('crm.repair.ticket', [ticket_id], name)


fixture('intake_ticket')(_ticket)
fixture('cancelled_ticket')(lambda w: _ticket(w, ['cancel']))
# Repaired by customer service (service staff are after-sales engineers):
# no actor of the run has the repair role
fixture('confirmed_ticket')(
    lambda w: _ticket(w, ['confirm'], engineer='service'))
fixture('repairing_ticket')(
    lambda w: _ticket(w, ['confirm', 'start_repair'], engineer='service',
        repair_result="更换气压棒。"))
fixture('repaired_ticket')(
    lambda w: _ticket(w, ['confirm', 'start_repair', 'finish'],
        engineer='service', repair_result="更换气压棒。",
        delivery_way='onsite'))


@fixture('console_customer')
def _console_customer(world):
    "A customer of the owner, found in the service console"
    customer_id, name = world.customer("客服台客户")
    return Target('party.party', [customer_id], name,
        extra={'customer': customer_id})


def _console(view, values):
    "The console's data: the customer found, then the form of `view`"
    def data(world, target):
        customer = target.extra['customer']
        return {
            'start': {'customer': customer},
            view: {'customer': customer, **values(world)},
            }
    return data


# Changed by the record's author (service); the customer's writers of the
# sales role have no access to service records
WRITERS = frozenset({'service'})
# The console belongs to customer service (and the boss): it creates with
# the user's own rights, which any reader of the customer has
CONSOLE = frozenset({'service'})

CASES = [
    Case('model.crm.service.record.start', fixture='draft_service',
        allowed=WRITERS, control='service'),
    Case('model.crm.service.record.done', fixture='started_service',
        allowed=WRITERS, control='service'),
    Case('model.crm.service.record.draft', fixture='started_service',
        allowed=WRITERS, control='service'),

    Case('wizard.crm.service.console', state='save_service',
        fixture='console_customer', allowed=CONSOLE, control='service',
        data=_console('service', lambda w: {
                'subject': "电话咨询",
                'service_type': w.dictionary('service_type'),
                'service_way': w.dictionary('service_way'),
                'assignee': w.user_ids['service'],
                'state': 'done',
                })),
    Case('wizard.crm.service.console', state='save_complaint',
        fixture='console_customer', allowed=CONSOLE, control='service',
        data=_console('complaint', lambda w: {
                'subject': "送货延误", 'content': "晚了一周。"})),
    Case('wizard.crm.service.console', state='save_contact',
        fixture='console_customer', allowed=CONSOLE, control='service',
        data=_console('contact', lambda w: {'name': "李娜"})),
    Case('wizard.crm.service.console', state='save_task',
        fixture='console_customer', allowed=CONSOLE, control='service',
        data=_console('task', lambda w: {'subject': "回访"})),

    # Handled by customer service: the handler, its creator and their
    # leaders; the customer's salespeople read complaints, nothing more
    Case('model.crm.complaint.answer', fixture='open_complaint',
        allowed=WRITERS, control='service'),
    Case('model.crm.complaint.close', fixture='answered_complaint',
        allowed=WRITERS, control='service'),
    Case('model.crm.complaint.reopen', fixture='answered_complaint',
        allowed=WRITERS, control='service'),

    # Tickets: the customer's writers (the owner, a read-write share) take
    # them in, confirm, deliver and cancel them; the engineer (here
    # customer service) repairs them
    Case('model.crm.repair.ticket.confirm', fixture='intake_ticket',
        allowed=frozenset({'writer'})),
    Case('model.crm.repair.ticket.cancel', fixture='intake_ticket',
        allowed=frozenset({'writer'})),
    Case('model.crm.repair.ticket.start_repair', fixture='confirmed_ticket',
        allowed=frozenset({'service'}), control='service'),
    Case('model.crm.repair.ticket.finish', fixture='repairing_ticket',
        allowed=frozenset({'service'}), control='service'),
    Case('model.crm.repair.ticket.deliver', fixture='repaired_ticket',
        allowed=frozenset({'writer', 'service'})),
    Case('model.crm.repair.ticket.reopen', fixture='cancelled_ticket',
        control='admin',
        note="the owner's role (sales) does not reopen tickets"),
    Case('model.crm.repair.ticket.take', fixture='intake_ticket',
        control=None,
        note="only a repair engineer takes a ticket; the run has none: "
        "tests/test_service_rpc.py takes one as the demo's engineer"),
    Case('model.crm.repair.ticket.request_parts', fixture='confirmed_ticket',
        allowed=frozenset({'service'}), control=None,
        note="service staff write tickets and ask for their parts; the "
        "parts go out through the stock desk, which fills the extension "
        "point crm.repair.part.crm_stock_outbound"),
    Case('wizard.crm.repair.ticket.assign', state='assign',
        fixture='intake_ticket', allowed=frozenset({'service'}),
        control='service',
        data=lambda w, t: {'start': {'engineer': w.user_ids['service']}}),
    Getter('model.crm.repair.part.get_outbound_models',
        "the choices of a part's stock document"),
    ]

CONTEXT_KEYS = [
    ContextKey('crm_search_contacts', 'filter',
        "the service console's customer search looks in the contacts' "
        "names and numbers too; the record rules still apply"),
    ContextKey('crm_repair_restricted', 'rule',
        "ir.rule context of the repair engineers' ticket rule"),
    ]
