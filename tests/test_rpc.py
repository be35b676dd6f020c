"""Integrators' view: the real server over XML-RPC and JSON-RPC.

Log in as the administrator and as the demo boss, by session and by Basic
authentication, and read the demo company, customers, contacts and
departments. A wrong password is refused; the users work in Chinese.
"""
import re
import xmlrpc.client

import pytest

from support.env import ADMIN, BOSS
from support.rpc import (
    RPCAccessError, RPCLoginError, RPCUserError, post_jsonrpc, session_auth)

USERS = pytest.mark.parametrize('credentials', [ADMIN, BOSS],
    ids=['admin', 'boss'])


def customer_contacts(demo_data, name):
    "The contact names demo_data gives the enterprise customer `name`"
    for index, (customer, kind, *_, domain, owner) in enumerate(
            demo_data.ENTERPRISE_CUSTOMERS):
        if customer == name:
            return sorted(c['name']
                for c in demo_data.enterprise_contacts(index, domain, kind))
    raise KeyError(name)


def check_preferences(preferences, demo_data, login):
    "The preferences of a demo user: in Chinese, in the demo company"
    assert preferences['language'] == 'zh_CN'
    assert preferences['company.rec_name'] == demo_data.COMPANY_NAME
    names = {u['login']: u['name'] for u in demo_data.LOGINS}
    if login in names:
        assert preferences['name'] == names[login]


@USERS
def test_xmlrpc_basic_auth(server, demo_data, credentials):
    "XML-RPC with Basic auth in the URL: read the company"
    proxy = server.xmlrpc(*credentials)
    context = proxy.model.res.user.get_preferences(True, {})
    companies = proxy.model.company.company.search_read(
        [], 0, None, None, ['rec_name'], context)
    assert [c['rec_name'] for c in companies] == [demo_data.COMPANY_NAME]


@USERS
def test_xmlrpc_session(server, demo_data, credentials):
    "XML-RPC authenticated by a session from common.db.login"
    proxy = server.xmlrpc_session(*credentials)
    context = proxy.model.res.user.get_preferences(True, {})
    name = '上海明珠广告有限公司'
    customers = proxy.model.party.party.search_read(
        [('name', '=', name)], 0, None, None,
        ['name', 'crm_customer_type', 'crm_owner.login', 'crm_contacts'],
        context)
    assert len(customers) == 1
    customer, = customers
    assert customer['crm_customer_type'] == 'enterprise'
    assert customer['crm_owner.']['login'] == (
        demo_data.WELL_KNOWN_CUSTOMERS[name])
    contacts = proxy.model.crm.contact.read(
        customer['crm_contacts'], ['name', 'customer'], context)
    assert sorted(c['name'] for c in contacts) == (
        customer_contacts(demo_data, name))
    assert {c['customer'] for c in contacts} == {customer['id']}


@USERS
def test_jsonrpc_session(server, demo_data, credentials):
    "JSON-RPC: common.db.login, then calls with the Session header"
    client = server.rpc_as(*credentials)
    assert client.user_id > 0 and client.session
    check_preferences(client.preferences, demo_data, credentials[0])
    assert client.context['language'] == 'zh_CN'

    names = set(demo_data.WELL_KNOWN_CUSTOMERS)
    customers = client.search_read('party.party',
        [('name', 'in', list(names))], ['name', 'crm_contacts'])
    assert {c['name'] for c in customers} == names
    for customer in customers:
        contacts = client.read('crm.contact', customer['crm_contacts'],
            ['name'])
        assert sorted(c['name'] for c in contacts) == (
            customer_contacts(demo_data, customer['name']))

    departments = client.search_read('crm.department', [],
        ['name', 'parent.name', 'company.rec_name'])
    assert {d['name'] for d in departments} >= set(demo_data.DEPARTMENTS)
    assert {d['company.']['rec_name'] for d in departments} == {
        demo_data.COMPANY_NAME}
    for parent, children in demo_data.SUB_DEPARTMENTS.items():
        assert {d['name'] for d in departments
            if (d['parent.'] or {}).get('name') == parent} == set(children)
    client.logout()


@USERS
def test_jsonrpc_basic_auth(server, demo_data, credentials):
    "JSON-RPC with Basic auth, one call at a time"
    preferences = server.jsonrpc(*credentials,
        'model.res.user.get_preferences', False, {})
    check_preferences(preferences, demo_data, credentials[0])
    context = server.jsonrpc(*credentials,
        'model.res.user.get_preferences', True, {})
    count = server.jsonrpc(*credentials, 'model.party.party.search_count',
        [('crm_customer_type', '!=', None)], context)
    assert count >= len(demo_data.WELL_KNOWN_CUSTOMERS)


def test_preferences_in_chinese(boss):
    "The boss works in zh_CN: preferences, context and translated texts"
    assert boss.preferences['language'] == 'zh_CN'
    assert boss.context['language'] == 'zh_CN'
    # The server answers in the user's language: a core Tryton field label
    fields = boss.call('res.user', 'fields_get', ['language'])
    assert fields['language']['string'] == '语言'


def test_wrong_password_refused(server):
    """A wrong password is refused on every path. Each refusal is followed
    by a good login: it clears the failed-attempt counter, which would
    otherwise slow down (and then block) the account's next logins."""
    login, password = BOSS

    with pytest.raises(RPCLoginError):
        server.login(login, password + 'x')
    server.login(login, password)

    proxy = server.xmlrpc(login, password + 'x')
    with pytest.raises(xmlrpc.client.ProtocolError) as info:
        proxy.model.res.user.get_preferences(True, {})
    assert info.value.errcode == 401
    server.login(login, password)

    with pytest.raises(RPCLoginError):
        server.jsonrpc(login, password + 'x',
            'model.res.user.get_preferences', True, {})
    server.login(login, password)

    with pytest.raises(RPCLoginError):
        server.login('nobody', 'feida2026')


def test_forged_session_refused(server):
    "A session key that the server did not hand out is refused"
    user_id, _ = server.login(*BOSS)
    with pytest.raises(RPCLoginError):
        post_jsonrpc(server.rpc_url, 'model.res.user.get_preferences',
            [True, {}], session_auth(BOSS[0], user_id, 'forged' * 8))


def test_server_errors_are_raised(admin):
    """A refused call raises with Tryton's message; a validation error is
    not mistaken for an access refusal (here: a login already taken)."""
    with pytest.raises(RPCUserError) as info:
        admin.create('res.user', [{'name': 'X', 'login': 'wangtianhong'}])
    assert info.value.kind == 'UserError'
    assert info.value.message
    assert not isinstance(info.value, RPCAccessError)


def test_access_refusal_is_recognised(server, demo_data):
    """A refusal by access rights comes back as RPCAccessError, in the
    user's language: a salesperson may not create departments."""
    staff = server.rpc_as(
        demo_data.WELL_KNOWN_CUSTOMERS['上海明珠广告有限公司'],
        demo_data.DEMO_PASSWORD)
    assert staff.search_count('crm.department', []) > 0
    sales = staff.model_data_id('xtools_crm_base', 'group_role_sales')
    assert sales in staff.context['groups']
    with pytest.raises(RPCAccessError) as info:
        staff.create('crm.department', [{'name': '测试部'}])
    assert re.search(r'[\u4e00-\u9fff]', info.value.message), (
        info.value.message)
