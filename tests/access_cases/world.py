"""The organisation of a permission run, made over RPC: none of the demo's
users. Used by test_access_paths_rpc.py and test_access_rules_rpc.py."""
import uuid

PASSWORD = 'Access-Paths-2026!'


class World:
    "The organisation of the run, its clients and what fixtures need"

    def __init__(self, server):
        self.server = server
        self.admin = server.admin()
        self.tag = uuid.uuid4().hex[:6]
        self.company = self.admin.context['company']
        admin = self.admin

        def group(name):
            fs_id = (f'group_{name}' if name.startswith('perm_')
                else f'group_role_{name}')
            return admin.model_data_id('xtools_crm_base', fs_id)
        one, two = admin.create('crm.department', [
                {'name': f"访问一部 {self.tag}", 'company': self.company},
                {'name': f"访问二部 {self.tag}", 'company': self.company},
                ])
        specs = {
            'owner': (one, 'staff', ['sales']),
            # with the export permission, for the export's control
            'manager': (one, 'manager', ['sales', 'perm_export']),
            'reader': (two, 'staff', ['sales']),
            'writer': (two, 'staff', ['sales']),
            'outsider': (two, 'staff', ['sales']),
            'finance': (None, 'staff', ['finance']),
            'service': (None, 'staff', ['service']),
            }
        # Deals need a warehouse once the company has several: the main
        # one by preference, as the demo's users have
        main_warehouse = admin.search('stock.location',
            [('type', '=', 'warehouse')], order=[('id', 'ASC')], limit=1)
        preferences = (
            {'warehouse': main_warehouse[0]} if main_warehouse else {})
        ids = admin.create('res.user', [{
                    'login': f'ap_{actor}_{self.tag}',
                    'name': f"{actor} {self.tag}",
                    'password': PASSWORD,
                    'crm_department': department,
                    'crm_level': level,
                    'company': self.company,
                    'companies': [('add', [self.company])],
                    'groups': [('add', [group(r) for r in roles])],
                    **preferences,
                    } for actor, (department, level, roles) in specs.items()])
        self.user_ids = dict(zip(specs, ids))
        # Opportunities need an employee, as in the demo
        parties = admin.create('party.party', [
                {'name': f"员工 {actor} {self.tag}"} for actor in specs])
        employees = admin.create('company.employee', [
                {'party': p, 'company': self.company} for p in parties])
        for user_id, employee in zip(ids, employees):
            admin.write('res.user', [user_id], {
                    'employees': [('add', [employee])],
                    'employee': employee})
        self.departments = {'one': one, 'two': two}
        self.clients = {}
        self.grades = {}
        self.enable_pool()

    def enable_pool(self):
        """The public pool on: owner and the sales colleagues are pool
        users, the owner's manager administers it; customers are placed by
        grade (the run's customers get grade A, the private library)"""
        Module = 'ir.module'
        if not self.admin.search(Module, [
                    ('name', '=', 'xtools_crm_pool'),
                    ('state', '=', 'activated')]):
            return
        ids = self.user_ids
        self.admin.write('crm.configuration', [1], {
                'pool_enabled': True,
                'pool_release_lock_days': 7,
                # The run gives its owner far more customers than a cap
                'pool_private_cap': None,
                'pool_users': [('add', [ids[a] for a in [
                                'owner', 'reader', 'writer', 'outsider']])],
                'pool_admins': [('add', [ids['manager']])],
                })
        self.grades = {g['code']: g['id'] for g in self.admin.search_read(
                'crm.maturity', [], ['code'])}

    def grade(self, code):
        return self.grades[code]

    def dictionary(self, kind):
        "The first entry of a data dictionary type"
        return self.admin.search('crm.dictionary', [('type', '=', kind)],
            limit=1)[0]

    def client(self, actor):
        if actor == 'admin':
            return self.admin
        if actor not in self.clients:
            self.clients[actor] = self.server.rpc_as(
                f'ap_{actor}_{self.tag}', PASSWORD, language='zh_CN')
        return self.clients[actor]

    @property
    def owner(self):
        return self.client('owner')

    def customer(self, prefix="访问客户", share=True, **values):
        """A new customer of the owner, shared read-only with reader and
        read-write with writer (share): (id, name)"""
        name = f"{prefix} {uuid.uuid4().hex[:8]}"
        if self.grades and 'crm_maturity' not in values:
            values['crm_maturity'] = self.grades['A']
        customer_id, = self.owner.create('party.party', [{
                    'name': name,
                    'crm_customer_type': 'enterprise',
                    'crm_owner': self.user_ids['owner'],
                    'crm_contacts': [('create', [{'name': f"联系人 {name}"}])],
                    'addresses': [('create', [{'street': "中山路 1 号"}])],
                    **values,
                    }])
        if not share:
            return customer_id, name
        self.owner.create('crm.customer.share', [
                {'customer': customer_id, 'user': self.user_ids['reader'],
                    'mode': 'read'},
                {'customer': customer_id, 'user': self.user_ids['writer'],
                    'mode': 'write'},
                ])
        return customer_id, name
