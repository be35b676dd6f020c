"""Hierarchy data permissions in-process (the same rules are tested over
RPC against the real server in the repository's tests/)."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import build_organisation


def visible(user, model='party.party', domain=None):
    Model = Pool().get(model)
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        return {r.rec_name for r in Model.search(
                    domain or [('crm_customer_type', '!=', None)])
            } if model == 'party.party' else set(Model.search([]))


class PermissionTestCase(unittest.TestCase):
    "Who sees and changes which customer"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def as_user(self, user):
        return Transaction().set_user(user.id)

    @with_transaction()
    def test_visibility_follows_hierarchy(self):
        "Staff see their own, leaders their (sub-)department, boss all"
        _, users, customers = build_organisation()
        names = {k: c.rec_name for k, c in customers.items()}
        expected = {
            'boss': set(names.values()),
            'manager_a': {names['staff_a1'], names['staff_a2'],
                names['manager_a']},
            'assistant_a': {names['staff_a1'], names['staff_a2'],
                names['manager_a']},
            'staff_a1': {names['staff_a1']},
            'staff_a2': {names['staff_a2']},
            'manager_b': {names['staff_b']},
            'keeper': set(),
            }
        for login, names_seen in expected.items():
            with self.subTest(user=login):
                self.assertEqual(visible(users[login]), names_seen)

    @with_transaction()
    def test_denied_read_write_delete_raise(self):
        "Reading, writing or deleting another's customer is an access error"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        _, users, customers = build_organisation()
        other = customers['staff_a2']
        with self.as_user(users['staff_a1']), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Party.read([other.id], ['name'])
            with self.assertRaises(AccessError):
                Party.write([Party(other.id)], {'name': "Hijacked"})
            with self.assertRaises(AccessError):
                Party.delete([Party(other.id)])
            # Related records follow their customer
            with self.assertRaises(AccessError):
                Contact.read([c.id for c in other.crm_contacts], ['name'])
            self.assertFalse(Contact.search(
                    [('customer', '=', other.id)]))

    @with_transaction()
    def test_share_read_and_write(self):
        "A read share lets see but not change; a write share lets change"
        pool = Pool()
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        ShareLog = pool.get('crm.customer.share.log')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        with self.as_user(users['staff_a1']), \
                Transaction().set_context(_check_access=True):
            share, = Share.create([{
                        'customer': customer.id, 'user': users['staff_b'].id,
                        'mode': 'read'}])
        self.assertIn(customer.rec_name, visible(users['staff_b']))
        with self.as_user(users['staff_b']), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Party.write([Party(customer.id)], {'name': "Changed"})
        Share.write([share], {'mode': 'write'})
        with self.as_user(users['staff_b']), \
                Transaction().set_context(_check_access=True):
            Party.write([Party(customer.id)], {'name': "Changed"})
            with self.assertRaises(AccessError):
                Party.delete([Party(customer.id)])
        self.assertEqual(
            [(l.action, l.mode) for l in ShareLog.search([], order=[('id', 'ASC')])],
            [('share', 'read'), ('write', 'write')])

    @with_transaction()
    def test_readers_record_work_on_customer(self):
        "Who reads a customer adds records to it and corrects only their own"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Share = pool.get('crm.customer.share')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        share, = Share.create([{'customer': customer.id,
                    'user': users['staff_b'].id, 'mode': 'read'}])
        service = ModelData.get_id('xtools_crm_base', 'group_role_service')
        User.write([users['keeper']], {'groups': [('add', [service])]})
        # A refused call leaves its half-work in this one test transaction
        # (an RPC call would roll back): each user gets its own records and
        # the refusals that change data come last.
        for login in ['staff_b', 'keeper']:
            owners_contact, = Contact.create([{
                        'customer': customer.id, 'name': f"Owner's {login}"}])
            with self.subTest(user=login), self.as_user(users[login]), \
                    Transaction().set_context(_check_access=True):
                contact, moved = Contact.create([
                        {'customer': customer.id, 'name': login},
                        {'customer': customer.id, 'name': login + " 2"}])
                Contact.write([contact], {'title': "Engineer"})
                Contact.delete([contact])
                with self.assertRaises(AccessError):
                    Contact.write([Contact(owners_contact.id)],
                        {'title': "Changed"})
                with self.assertRaises(AccessError):
                    Party.write([Party(customer.id)], {'name': "Changed"})
                with self.assertRaises(AccessError):
                    Contact.delete([Contact(owners_contact.id)])
                if login == 'staff_b':
                    # Nor can one's own record go to a customer one
                    # cannot see
                    with self.assertRaises(AccessError):
                        Contact.write([moved],
                            {'customer': customers['staff_a2'].id})
        # A read share does not let the reader upgrade it
        with self.as_user(users['staff_b']), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Share.write([Share(share.id)], {'mode': 'write'})
        # Nobody records work on a customer they cannot see
        with self.as_user(users['staff_a2']), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Contact.create([{'customer': customer.id, 'name': "X"}])

    @with_transaction()
    def test_transfer_moves_customer_and_logs(self):
        "Transfer gives the customer to another owner, logged"
        pool = Pool()
        Party = pool.get('party.party')
        Log = pool.get('crm.customer.transfer.log')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        with self.as_user(users['manager_a']), \
                Transaction().set_context(_check_access=True):
            Party.crm_transfer(
                [Party(customer.id)], users['staff_b'], "staff A1 left")
        self.assertNotIn(customer.rec_name, visible(users['staff_a1']))
        self.assertIn(customer.rec_name, visible(users['staff_b']))
        self.assertIn(customer.rec_name, visible(users['manager_b']))
        log, = Log.search([])
        self.assertEqual(
            (log.from_owner, log.to_owner, log.author, log.reason),
            (users['staff_a1'], users['staff_b'], users['manager_a'],
                "staff A1 left"))
        # Staff B cannot take a customer of department A
        with self.as_user(users['staff_b']), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Party.crm_transfer(
                    [Party(customers['staff_a2'].id)], users['staff_b'])

    @with_transaction()
    def test_logs_are_append_only(self):
        "Nobody, not even root, edits or deletes a log entry"
        pool = Pool()
        Party = pool.get('party.party')
        Log = pool.get('crm.customer.transfer.log')
        _, users, customers = build_organisation()
        Party.crm_transfer([customers['staff_a1']], users['staff_a2'])
        log, = Log.search([])
        with self.assertRaises(AccessError):
            Log.write([log], {'reason': "rewritten"})
        with self.assertRaises(AccessError):
            Log.delete([log])

    @with_transaction()
    def test_moving_user_updates_visibility_at_once(self):
        "A user moved to another department sees the new one at once"
        pool = Pool()
        User = pool.get('res.user')
        Department = pool.get('crm.department')
        _, users, customers = build_organisation()
        names = {k: c.rec_name for k, c in customers.items()}
        self.assertIn(names['staff_a1'], visible(users['assistant_a']))
        dep_b, = Department.search([('name', '=', "B")])
        User.write([users['assistant_a']], {'crm_department': dep_b.id})
        self.assertEqual(visible(users['assistant_a']), {names['staff_b']})
        # A manager change: manager B is demoted to staff
        User.write([users['manager_b']], {'crm_level': 'staff'})
        self.assertEqual(visible(users['manager_b']), set())

    @with_transaction()
    def test_leave_refused_while_owning_customers(self):
        "离职 is refused while the user owns customers, then disables login"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        _, users, customers = build_organisation()
        leaver = users['staff_a1']
        with self.assertRaises(AccessError) as cm:
            User.crm_leave([leaver])
        self.assertIn("1", str(cm.exception))
        Party.crm_transfer([customers['staff_a1']], users['staff_a2'])
        User.crm_leave([leaver])
        self.assertFalse(User(leaver.id).active)

    @with_transaction()
    def test_leave_lists_what_to_transfer(self):
        """The refusal of a leave names the first customers to transfer
        (one in the recycle bin says so) and counts the others; unticking
        "active" is refused the same way; a merged customer is gone"""
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        _, users, customers = build_organisation()
        leaver = users['staff_a1']
        extra = Party.create([{
                    'name': f"Extra {i}", 'crm_customer_type': 'enterprise',
                    'crm_owner': leaver.id} for i in range(7)])
        merged, = Party.create([{
                    'name': "AAA merged", 'crm_customer_type': 'enterprise',
                    'crm_owner': leaver.id}])
        Party.crm_merge(customers['staff_a2'], [merged])
        Party.crm_recycle([extra[0]])
        expected = (
            "staff_a1 still owns 8 customers: transfer them to a colleague "
            "first (Customers → Transfer Customers), then record the leave. "
            "To transfer: Customer of staff_a1, Extra 0 (in the recycle "
            "bin: restore it to transfer it, or delete it for good), "
            "Extra 1, Extra 2, Extra 3 and 3 more.")
        with self.assertRaises(AccessError) as cm:
            User.crm_leave([leaver])
        self.maxDiff = None
        self.assertEqual(cm.exception.message, expected)
        with self.assertRaises(AccessError) as cm:
            User.write([leaver], {'active': False})
        self.assertEqual(cm.exception.message, expected)
        self.assertTrue(User(leaver.id).active)
        # Once everything is handed over, the leave goes through
        Party.crm_restore([extra[0]])
        Party.crm_transfer(
            [customers['staff_a1'], *Party.browse(extra)],
            users['staff_a2'])
        User.write([leaver], {'active': False})
        self.assertFalse(User(leaver.id).active)

    @with_transaction()
    def test_new_user_gets_sales_role_and_keeps_one(self):
        "A new user is in sales; removing the last role is refused"
        from trytond.model.exceptions import ValidationError
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        sales = ModelData.get_id('xtools_crm_base', 'group_role_sales')
        user, = User.create([{'login': 'newbie', 'name': "Newbie"}])
        self.assertIn(sales, [g.id for g in user.groups])
        with self.assertRaises(ValidationError):
            User.write([user], {'groups': [('remove', [sales])]})
