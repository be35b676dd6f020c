"""The service and repair desks (SPEC V1–V4) through the real server, as
the demo's users.

徐静 (xujing, customer service) finds any customer — 张浩's included — in
the service console, by a contact's mobile, sees its deals and records a
service on it over RPC, but cannot change the customer. Complaints and
repair tickets follow their customer: 张浩 (zhanghao) reads those of his
customers, not those of 赵雪's (zhaoxue, same team) nor of 吴俊杰's
(wujunjie, the other team). The repair engineers 林志强 (linzhiqiang) and
何建国 (hejianguo) see the tickets given to them and the desk's queue,
not each other's tickets nor the company's other customers; one takes the
queued ticket and it leaves the other's sight.

What the tests create is removed at the end of the module, what they
change is put back, so the session's other tests see the demo as it was.
"""
import pytest

from support.rpc import RPCAccessError, RPCUserError

SERVICE = 'xujing'
SALES = 'zhanghao'          # 销售一部 staff, owner of 上海明珠广告有限公司
TEAMMATE = 'zhaoxue'        # 销售一部 staff, owner of 上海华信电子科技有限公司
OTHER_TEAM = 'wujunjie'     # 销售二部 staff, owner of 杭州西湖国际酒店
LIN = 'linzhiqiang'
HE = 'hejianguo'
CUSTOMERS = [('crm_customer_type', '!=', None)]


@pytest.fixture(scope='module')
def admin(server):
    return server.admin()


def owned_by(admin, login):
    "The ids of the customers of `login`"
    return set(admin.search('party.party', CUSTOMERS + [
                ('crm_owner.login', '=', login)]))


def customer_of(demo_data, login):
    "The well-known customer of `login` (name)"
    name, = [n for n, o in demo_data.WELL_KNOWN_CUSTOMERS.items()
        if o == login]
    return name


def first_contact(demo_data, customer_name):
    "The first contact demo_data gives the enterprise customer"
    for index, (name, kind, *_, domain, owner) in enumerate(
            demo_data.ENTERPRISE_CUSTOMERS):
        if name == customer_name:
            return demo_data.enterprise_contacts(index, domain, kind)[0]
    raise KeyError(customer_name)


# ---------------------------------------------------------------------------
# V1: the console
# ---------------------------------------------------------------------------

def test_service_reads_every_customer_changes_none(admin, clients, demo_data):
    service = clients(SERVICE)
    everyone = set(admin.search('party.party', CUSTOMERS))
    assert set(service.search('party.party', CUSTOMERS)) == everyone
    name = customer_of(demo_data, SALES)
    customer_id, = service.search('party.party', [('name', '=', name)])
    with pytest.raises(RPCAccessError):
        service.write('party.party', [customer_id], {'crm_hot': True})
    customer, = admin.read('party.party', [customer_id], ['crm_hot'])
    assert not customer['crm_hot']


def test_console_finds_by_mobile_and_records_a_service(
        admin, clients, demo_data):
    service = clients(SERVICE)
    name = customer_of(demo_data, SALES)
    mobile = first_contact(demo_data, name)['mobile']
    spaced = f'{mobile[:3]} {mobile[3:7]} {mobile[7:]}'
    # The console's customer field searches the contacts too
    found = service.search('party.party', CUSTOMERS + [
            ('rec_name', 'ilike', f'%{spaced}%')],
        context={'crm_search_contacts': True})
    customer_id, = service.search('party.party', [('name', '=', name)])
    assert found == [customer_id]
    # … which the plain customer search does not
    assert not service.search('party.party', CUSTOMERS + [
            ('rec_name', 'ilike', f'%{spaced}%')])

    type_id, = service.search('crm.dictionary', [
            ('type', '=', 'service_type'), ('name', '=', "售后")],
        context={'language': 'zh_CN'})
    way_id, = service.search('crm.dictionary', [
            ('type', '=', 'service_way')], limit=1)
    subject = "RPC 客服控制台记录"
    results = service.run_wizard('crm.service.console', [
            ('start', {}),
            ('service', {'start': {'customer': customer_id}}),
            ('save_service', {
                    'start': {'customer': customer_id},
                    'service': {
                        'customer': customer_id,
                        'subject': subject,
                        'service_type': type_id,
                        'service_way': way_id,
                        'assignee': service.user_id,
                        'minutes_spent': 20,
                        'state': 'done',
                        }}),
            ])
    try:
        record, = service.search_read('crm.service.record', [
                ('subject', '=', subject)],
            ['customer', 'assignee', 'minutes_spent', 'state', 'create_uid'])
        assert record['customer'] == customer_id
        assert record['assignee'] == service.user_id
        assert record['create_uid'] == service.user_id
        assert (record['minutes_spent'], record['state']) == (20, 'done')
        # Back in the console: the service and the customer's deals
        console = results[-1]['view']['defaults']
        assert record['id'] in console['services']
        deals = admin.search('sale.sale', [('party', '=', customer_id)])
        assert deals and set(console['deals']) == set(deals)
        assert service.read('sale.sale', deals, ['number'])
        # The salesperson reads it on his customer, cannot change it
        sales = clients(SALES)
        assert sales.read('crm.service.record', [record['id']], ['subject'])
        with pytest.raises(RPCAccessError):
            sales.write('crm.service.record', [record['id']],
                {'subject': "改动"})
        with pytest.raises(RPCAccessError):
            clients(OTHER_TEAM).read(
                'crm.service.record', [record['id']], ['subject'])
    finally:
        admin.delete('crm.service.record', admin.search(
                'crm.service.record', [('subject', '=', subject)]))


def test_console_is_for_service_and_boss(clients):
    with pytest.raises(RPCAccessError):
        clients(SALES).run_wizard('crm.service.console', [('start', {})])


# ---------------------------------------------------------------------------
# V2, V4: complaints and tickets follow their customer
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('model', ['crm.complaint', 'crm.repair.ticket'])
def test_sales_reads_only_their_customers_records(admin, clients, model):
    everything = admin.search_read(model, [], ['customer'])
    assert everything
    for login in [SALES, TEAMMATE, OTHER_TEAM]:
        client = clients(login)
        mine = owned_by(admin, login)
        expected = {r['id'] for r in everything if r['customer'] in mine}
        assert set(client.search(model, [])) == expected, login
        hidden = [r['id'] for r in everything if r['id'] not in expected]
        assert hidden, login
        with pytest.raises(RPCAccessError):
            client.read(model, hidden[:1], ['customer'])
    # Customer service reads them all
    assert len(clients(SERVICE).search(model, [])) == len(everything)


def test_overdue_complaint_listed(clients):
    service = clients(SERVICE)
    overdue = service.search_read(
        'crm.complaint', [('overdue', '=', True)], ['state', 'deadline'])
    assert len(overdue) == 1
    assert overdue[0]['state'] == 'open'


def test_sales_records_a_complaint_not_answers_it(admin, clients, demo_data):
    sales = clients(SALES)
    customer_id, = sales.search('party.party', [
            ('name', '=', customer_of(demo_data, SALES))])
    other_id, = admin.search('party.party', [
            ('name', '=', customer_of(demo_data, OTHER_TEAM))])
    service_id = clients(SERVICE).user_id
    values = {
        'subject': "RPC 投诉", 'content': "客户电话投诉。",
        'handler': service_id,
        }
    complaint_id, = sales.create(
        'crm.complaint', [{'customer': customer_id, **values}])
    try:
        with pytest.raises(RPCAccessError):
            sales.write('crm.complaint', [complaint_id], {'result': "x"})
        with pytest.raises(RPCAccessError):
            sales.button('crm.complaint', 'answer', [complaint_id])
        # Not on a customer he does not see
        with pytest.raises(RPCAccessError):
            sales.create('crm.complaint', [{'customer': other_id, **values}])
        # The handler answers it
        service = clients(SERVICE)
        service.write('crm.complaint', [complaint_id], {'result': "已处理"})
        service.button('crm.complaint', 'answer', [complaint_id])
        complaint, = sales.read('crm.complaint', [complaint_id], ['state'])
        assert complaint['state'] == 'answered'
    finally:
        admin.delete('crm.complaint', [complaint_id])


# ---------------------------------------------------------------------------
# V4: the repair desk
# ---------------------------------------------------------------------------

def tickets_by_engineer(admin):
    tickets = admin.search_read(
        'crm.repair.ticket', [], ['engineer.login', 'state', 'customer'])
    by = {}
    for ticket in tickets:
        engineer = (ticket.get('engineer.') or {}).get('login')
        by.setdefault(engineer, []).append(ticket)
    return by


def test_engineers_see_their_tickets_and_the_queue(admin, clients):
    by = tickets_by_engineer(admin)
    queue = {t['id'] for t in by[None] if t['state'] == 'intake'}
    assert queue
    for login, other in [(LIN, HE), (HE, LIN)]:
        engineer = clients(login)
        own = {t['id'] for t in by[login]}
        assert own, login
        assert set(engineer.search('crm.repair.ticket', [])) == own | queue
        with pytest.raises(RPCAccessError):
            engineer.read('crm.repair.ticket',
                [by[other][0]['id']], ['fault'])
        # The customers of those tickets only
        customers = {t['customer'] for t in by[login] + by[None]
            if t['id'] in own | queue}
        assert set(engineer.search('party.party', CUSTOMERS)) == customers
        # Not another engineer's ticket to change
        with pytest.raises(RPCAccessError):
            engineer.write('crm.repair.ticket', [by[other][0]['id']],
                {'diagnosis': "改动"})


def test_engineer_takes_a_queued_ticket(admin, clients):
    by = tickets_by_engineer(admin)
    queued = next(t for t in by[None] if t['state'] == 'intake')
    lin, he = clients(LIN), clients(HE)
    try:
        lin.button('crm.repair.ticket', 'take', [queued['id']])
        ticket, = lin.read('crm.repair.ticket', [queued['id']],
            ['engineer', 'state'])
        assert ticket['engineer'] == lin.user_id
        assert queued['id'] not in he.search('crm.repair.ticket', [])
        with pytest.raises(RPCAccessError):
            he.button('crm.repair.ticket', 'take', [queued['id']])
        # A salesperson does not take tickets (refused for his role)
        with pytest.raises(RPCUserError):
            clients(SALES).button('crm.repair.ticket', 'take', [queued['id']])
    finally:
        admin.write('crm.repair.ticket', [queued['id']], {'engineer': None})


def test_qa_read_by_service_and_repair_only(clients):
    for login in [SERVICE, LIN]:
        assert clients(login).search(
            'crm.qa', [('rec_name', 'ilike', '%升降%')]), login
    with pytest.raises(RPCAccessError):
        clients(SALES).search('crm.qa', [])
    with pytest.raises(RPCAccessError):
        clients(SERVICE).create('crm.qa', [{
                    'question': "新问题", 'answer': "新回答"}])
