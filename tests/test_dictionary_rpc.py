"""The data dictionary (数据字典) through the real server (SPEC B7):

- every picklist the manuals name (customer kind, source, status,
  industry, contact category, activity type, service type, complaint
  type, lost reason, product unit …) is a field choosing dictionary
  entries of its type;
- every type of the dictionary is used by a field, but for the ones
  listed in UNUSED_TYPES (with the reason);
- only the CRM administrators change it: staff, customer service and a
  boss without account rights are refused; an entry the administrator
  adds is offered to staff at once.
"""
import pytest

from support.rpc import RPCAccessError, RPCUserError

STAFF = 'zhanghao'
SERVICE = 'xujing'

# model, field, dictionary type: the picklists of the manuals
SEED_PICKLISTS = [
    ('party.party', 'crm_kind', 'customer_kind'),
    ('party.party', 'crm_source', 'customer_source'),
    ('party.party', 'crm_status', 'customer_status'),
    ('party.party', 'crm_industry', 'industry'),
    ('crm.contact', 'category', 'contact_category'),
    ('crm.activity', 'type', 'activity_type'),
    ('crm.service.record', 'service_type', 'service_type'),
    ('crm.service.record', 'service_way', 'service_way'),
    ('crm.complaint', 'complaint_type', 'complaint_type'),
    ('crm.complaint', 'way', 'service_way'),
    ('sale.opportunity', 'crm_lost_reason', 'lost_reason'),
    ('product.template', 'crm_unit', 'product_unit'),
    ]
# Types with entries but no field yet, with the reason (none today)
UNUSED_TYPES = set()
PRODUCT_UNITS = 12


def field_types(admin):
    "dictionary type → the (model, field) choosing entries of that type"
    fields = admin.search_read('ir.model.field', [
            ('relation', '=', 'crm.dictionary'),
            ('ttype', '=', 'many2one'),
            ], ['model', 'name'])
    used = {}
    for field in fields:
        definition = admin.call(
            field['model'], 'fields_get', [field['name']])[field['name']]
        for type_ in dictionary_types(admin):
            if f'"{type_}"' in definition['domain']:
                used.setdefault(type_, set()).add(
                    (field['model'], field['name']))
    return used


def dictionary_types(admin):
    definition = admin.call('crm.dictionary', 'fields_get', ['type'])
    return [code for code, _ in definition['type']['selection'] if code]


@pytest.mark.parametrize('model,field,type_', SEED_PICKLISTS)
def test_picklists_choose_dictionary_entries(admin, model, field, type_):
    "Each picklist of the manuals offers the entries of its type only"
    definition = admin.call(model, 'fields_get', [field])[field]
    assert definition['type'] == 'many2one'
    assert definition['relation'] == 'crm.dictionary'
    assert f'"{type_}"' in definition['domain']
    assert admin.search_count('crm.dictionary', [('type', '=', type_)])


def test_every_dictionary_type_is_used_by_a_field(admin):
    used = field_types(admin)
    unused = set(dictionary_types(admin)) - set(used)
    assert unused == UNUSED_TYPES


def test_defaults_are_in_chinese(clients):
    "The 12 product units and the service and complaint types, in Chinese"
    staff = clients(STAFF)
    units = staff.search_read('crm.dictionary',
        [('type', '=', 'product_unit')], ['name'])
    assert len(units) == PRODUCT_UNITS
    assert "件" in {u['name'] for u in units}
    names = {e['name'] for e in staff.search_read('crm.dictionary',
            [('type', 'in', ['service_type', 'complaint_type'])], ['name'])}
    assert {"咨询", "产品质量"} <= names


@pytest.mark.parametrize('login', [STAFF, SERVICE])
def test_staff_cannot_change_the_dictionary(clients, admin, login):
    "Reading the picklists is everyone's; changing them is refused"
    client = clients(login)
    entry, = client.search('crm.dictionary',
        [('type', '=', 'customer_source')], limit=1)
    before, = admin.read('crm.dictionary', [entry], ['name', 'active'])
    with pytest.raises(RPCAccessError):
        client.create('crm.dictionary', [{
                    'type': 'customer_source', 'name': "朋友介绍"}])
    with pytest.raises(RPCAccessError):
        client.write('crm.dictionary', [entry], {'name': "改名"})
    with pytest.raises(RPCAccessError):
        client.write('crm.dictionary', [entry], {'active': False})
    with pytest.raises(RPCAccessError):
        client.delete('crm.dictionary', [entry])
    assert admin.read('crm.dictionary', [entry], ['name', 'active']) == [
        before]


def test_crm_admin_adds_an_entry_staff_choose_it(boss, clients, admin):
    """The boss with account rights adds a source (展会); a salesperson
    sets it on a customer at once; in use, it cannot be deleted, only
    deactivated"""
    staff = clients(STAFF)
    entry, = boss.create('crm.dictionary', [{
                'type': 'customer_source', 'name': "2026 家具展会"}])
    customer, = staff.search('party.party',
        [('crm_customer_type', '!=', None)], limit=1)
    before, = staff.read('party.party', [customer], ['crm_source'])
    try:
        offered = staff.search('crm.dictionary',
            [('type', '=', 'customer_source')])
        assert entry in offered
        staff.write('party.party', [customer], {'crm_source': entry})
        with pytest.raises(RPCUserError):
            boss.delete('crm.dictionary', [entry])
        # A source is not a service type: the field's type is enforced
        service_type, = admin.search('crm.dictionary',
            [('type', '=', 'service_type')], limit=1)
        with pytest.raises(RPCUserError):
            staff.write('party.party', [customer],
                {'crm_source': service_type})
    finally:
        staff.write('party.party', [customer],
            {'crm_source': before['crm_source']})
        boss.delete('crm.dictionary', [entry])
    assert not admin.search('crm.dictionary', [('id', '=', entry)])
