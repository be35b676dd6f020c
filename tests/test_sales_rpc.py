"""Opportunities, projects and quotes follow their customer's data
permissions (SPEC B3, S1–S3) through the real server, over JSON-RPC, as the
demo users of 上海飞达办公家具有限公司.

张浩 (销售一部 staff) records an opportunity, a project and a quote for his
customer 上海明珠广告有限公司. His colleague of the same team, the staff and
the manager of the other team cannot read them, nor change them, nor
record anything on his customer; his team's manager, the sales director
above and the boss can read them."""
from decimal import Decimal

import pytest

from support.rpc import RPCAccessError

OWNER = 'zhanghao'
CUSTOMER = "上海明珠广告有限公司"
# Who may not see the owner's deals, and who may
OTHERS = ['zhaoxue', 'wujunjie', 'zhouguoqiang']
LEADERS = ['chenzhiming', 'lijianhua', 'wangtianhong']
DEALS = ['sale.opportunity', 'crm.project', 'crm.quote']


@pytest.fixture(scope='module')
def owner(server, demo_data):
    assert demo_data.WELL_KNOWN_CUSTOMERS[CUSTOMER] == OWNER
    return server.rpc_as(OWNER, demo_data.DEMO_PASSWORD)


@pytest.fixture(scope='module')
def customer_id(owner):
    customer, = owner.search('party.party', [('name', '=', CUSTOMER)])
    return customer


@pytest.fixture(scope='module')
def deals(owner, customer_id):
    """{model: id} of the opportunity, project and quote the owner records
    for his customer"""
    opportunity, = owner.create('sale.opportunity', [{
                'party': customer_id,
                'description': "RPC 测试：总部会议室",
                'amount': Decimal('50000'),
                }])
    project, = owner.create('crm.project', [{
                'name': "RPC 测试：明珠广告新楼",
                'customer': customer_id,
                }])
    quote, = owner.create('crm.quote', [{
                'customer': customer_id,
                'opportunity': opportunity,
                'title': "RPC 测试报价",
                }])
    return {
        'sale.opportunity': opportunity,
        'crm.project': project,
        'crm.quote': quote,
        }


def test_owner_reads_his_deals(owner, deals):
    "The owner reads what he recorded; the stage brought its probability"
    opportunity, = owner.read(
        'sale.opportunity', [deals['sale.opportunity']],
        ['crm_stage.name', 'conversion_probability', 'crm_quotes'])
    assert opportunity['crm_stage.']['name']
    assert 0 < opportunity['conversion_probability'] < 1
    assert opportunity['crm_quotes'] == [deals['crm.quote']]
    for model, id_ in deals.items():
        assert owner.search(model, [('id', '=', id_)]) == [id_]


@pytest.mark.parametrize('login', OTHERS)
@pytest.mark.parametrize('model', DEALS)
def test_others_cannot_read(clients, deals, model, login):
    "Another salesperson neither finds, reads nor changes the deal"
    other = clients(login)
    id_ = deals[model]
    assert other.search(model, [('id', '=', id_)]) == []
    assert id_ not in other.search(model, [])
    with pytest.raises(RPCAccessError):
        other.read(model, [id_], ['rec_name'])
    field = {
        'sale.opportunity': 'description',
        'crm.project': 'name',
        'crm.quote': 'title',
        }[model]
    with pytest.raises(RPCAccessError):
        other.write(model, [id_], {field: "改了"})


@pytest.mark.parametrize('login', OTHERS)
def test_others_cannot_record_on_the_customer(clients, customer_id, login):
    "Nor can they record an opportunity for a customer they do not see"
    other = clients(login)
    with pytest.raises(RPCAccessError):
        other.create('sale.opportunity', [{
                    'party': customer_id,
                    'description': "不该有的机会",
                    }])


@pytest.mark.parametrize('login', LEADERS)
def test_leaders_read(clients, deals, login):
    "His manager, the director above and the boss read his deals"
    leader = clients(login)
    for model, id_ in deals.items():
        assert leader.search(model, [('id', '=', id_)]) == [id_]
        record, = leader.read(model, [id_], ['rec_name'])
        assert record['rec_name']
