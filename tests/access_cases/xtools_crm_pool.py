"""Paths of xtools_crm_pool: the pool operations (RPC methods and their
wizards), lifting re-claim locks and the rule simulator.

The run's pool is on: owner, reader, writer and outsider are pool users,
the owner's manager is the pool administrator, finance and service are
neither (see test_access_paths_rpc.World.enable_pool)."""
from . import Case, ContextKey, Getter, Target, fixture

POOL_USERS = frozenset({'reader', 'writer', 'outsider'})


def _customer(world, grade, claim=False):
    # A grade of the public pool leaves the customer without owner: it is
    # not shared (pool users see the pool anyway)
    customer_id, name = world.customer("公海客户", share=grade < 'G',
        crm_maturity=world.grade(grade))
    if claim:
        world.owner.call('party.party', 'crm_pool_claim', [customer_id])
    return Target('party.party', [customer_id], name)


fixture('public_customer')(lambda w: _customer(w, 'H'))
fixture('claimed_customer')(lambda w: _customer(w, 'H', claim=True))
fixture('library_customer')(lambda w: _customer(w, 'A'))


@fixture('lock')
def lock(world):
    "A running re-claim lock of the owner, after a release"
    target = _customer(world, 'H', claim=True)
    world.owner.call(
        'party.party', 'crm_pool_release', target.ids, "无意向")
    locks = world.client('manager').search('crm.pool.lock', [
            ('customer', '=', target.ids[0]), ('running', '=', True)])
    return Target('crm.pool.lock', locks, target.customer_name)


@fixture('nothing')
def nothing(world):
    "No active record (the simulator works on the settings)"
    return Target(None, [])


def _owner(world, target):
    return (world.user_ids['owner'],)


CASES = [
    # -- claim: every pool user may, nobody else ---------------------------------
    Case('model.party.party.crm_pool_claim', fixture='public_customer',
        allowed=POOL_USERS),
    Case('wizard.crm.pool.claim', state='claim', fixture='public_customer',
        allowed=POOL_USERS),
    # -- administrators' operations ----------------------------------------------
    Case('model.party.party.crm_pool_assign', fixture='public_customer',
        args=_owner, control='manager'),
    Case('wizard.crm.pool.assign', state='assign', fixture='public_customer',
        data=lambda w, t: {'start': {'user': w.user_ids['owner']}},
        control='manager'),
    Case('model.party.party.crm_pool_extend', fixture='claimed_customer',
        args=lambda w, t: (5,), control='manager'),
    Case('wizard.crm.pool.extend', state='extend', fixture='claimed_customer',
        data=lambda w, t: {'start': {'days': 5}}, control='manager'),
    Case('model.party.party.crm_pool_to_pool', fixture='library_customer',
        args=lambda w, t: ('public', "长期无进展"), control='manager'),
    Case('wizard.crm.pool.to_pool', state='move', fixture='library_customer',
        data=lambda w, t: {'start': {
                'destination': 'public', 'reason': "长期无进展"}},
        control='manager'),
    Case('model.party.party.crm_pool_to_normal', fixture='public_customer',
        args=_owner, control='manager'),
    Case('wizard.crm.pool.to_normal', state='convert',
        fixture='public_customer',
        data=lambda w, t: {'start': {'owner': w.user_ids['owner']}},
        control='manager'),
    # -- release: the owner (or an administrator) --------------------------------
    Case('model.party.party.crm_pool_release', fixture='claimed_customer',
        args=lambda w, t: ("无意向",)),
    Case('wizard.crm.pool.release', state='release',
        fixture='claimed_customer',
        data=lambda w, t: {'start': {
                'destination': 'public', 'reason': "无意向"}}),
    Case('model.crm.pool.lock.lift', fixture='lock', control='manager'),
    # -- the rule simulator: administrators preview, the CRM admin saves ---------
    Case('wizard.crm.pool.simulate', state='preview', fixture='nothing',
        control='manager', changes=False),
    Case('wizard.crm.pool.simulate', state='save', fixture='nothing',
        data=lambda w, t: {'start': {'temporary_days': 45}},
        control='admin', note="Saving changes the CRM settings: the pool "
        "administrator previews, only who may write the settings saves"),
    Getter('model.sale.sale.get_crm_party_libraries',
        "the selection of libraries (the customers' copied on deals)"),
    Getter('model.sale.opportunity.get_crm_party_libraries',
        "the selection of libraries (the customers' copied on "
        "opportunities)"),
    ]

CONTEXT_KEYS = [
    ContextKey('_crm_pool_today', 'stripped',
        "the pool's day, set by the server's own code (simulator, tests)",
        hostile='2099-12-01'),
    ContextKey('_crm_pool_internal', 'stripped',
        "the pool's own writes of its managed fields"),
    ContextKey('_crm_libraries_only', 'stripped', "party.party's search "
        "admits customers of these libraries only: a pool person who "
        "reads them whole gets no customer read rule on that search "
        "(search_flags.py)", hostile=['public', 'special', 'claimed']),
    ContextKey('crm_read_also', 'tryton',
        "only in the rule context the server builds (ir.rule), never read "
        "from a client's context"),
    ]
