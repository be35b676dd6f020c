"""Mass e-mail and SMS (群发, SPEC M2): the recipients are the contacts the
sender can see, never more; placeholders; unsubscribed contacts skipped;
the batches of a large mailing."""
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

import unittest

from xtools_crm_base.tests.tools import create_organisation

from ..exceptions import MassMessageError

MODULES = ['xtools_crm_marketing']


def as_user(user):
    return Transaction().set_user(user.id), Transaction().set_context(
        _check_access=True)


class MassMessageTestCase(unittest.TestCase):
    "Test the mass messages"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    def organisation(self):
        """Staff sender and peer in department A with a customer each, their
        manager; each customer's contact has a mobile and an e-mail"""
        pool = Pool()
        Contact = pool.get('crm.contact')
        Configuration = pool.get('crm.configuration')
        org = create_organisation(
            {'A': None},
            {'sender': {'crm_department': 'A',
                    'roles': ['sales', 'marketing']},
                'peer': {'crm_department': 'A', 'roles': ['sales']},
                'manager': {'crm_level': 'manager', 'crm_department': 'A',
                    'roles': ['sales', 'marketing']}},
            customers=['sender', 'peer'])
        for number, (login, customer) in enumerate(
                sorted(org.customers.items())):
            contact, = customer.crm_contacts
            Contact.write([contact], {
                    'name': f"{login} contact",
                    'mobile': f'1390000000{number}',
                    'email': f'{login}@example.com'})
        config = Configuration(1)
        config.sms_provider = 'loopback'
        config.save()
        return org

    def message(self, org, user, **values):
        MassMessage = Pool().get('crm.mass.message')
        with set_company(org.company), as_user(user)[0], as_user(user)[1]:
            message, = MassMessage.create([{
                        'name': "春季新品", 'channel': 'sms',
                        'body': "{contact}您好，{customer}的样品已备好。{sender}",
                        **values}])
            return message

    def send(self, org, user, message):
        MassMessage = Pool().get('crm.mass.message')
        with set_company(org.company), as_user(user)[0], as_user(user)[1]:
            MassMessage.send([MassMessage(message.id)])

    def outbox(self):
        return sorted((m.number, m.text) for m in
            Pool().get('crm.sms.loopback').search([]))

    @with_transaction()
    def test_staff_sender_does_not_reach_peer(self):
        "A staff sender reaches their own customers' contacts, not a peer's"
        pool = Pool()
        MassMessage = pool.get('crm.mass.message')
        Log = pool.get('crm.mass.message.log')
        org = self.organisation()
        sender, peer = org.users['sender'], org.users['peer']
        peer_contact, = org.customers['peer'].crm_contacts
        # The peer's contact chosen explicitly too (a client may send any id)
        message = self.message(org, sender,
            contacts=[('add', [c.id for c in (
                            org.customers['sender'].crm_contacts
                            + org.customers['peer'].crm_contacts)])])
        with set_company(org.company), as_user(sender)[0], \
                as_user(sender)[1]:
            self.assertEqual(
                MassMessage(message.id).recipient_count, 1)
        # Their manager sees both customers: the preview counts both
        with set_company(org.company), as_user(org.users['manager'])[0], \
                as_user(org.users['manager'])[1]:
            self.assertEqual(MassMessage(message.id).recipient_count, 2)

        self.send(org, sender, message)

        self.assertEqual(self.outbox(), [(
                    '13900000001',
                    "sender contact您好，Customer of sender的样品已备好。"
                    "sender Reply T to unsubscribe")])
        logs = Log.search([('message', '=', message.id)])
        self.assertEqual([(log.address, log.state) for log in logs],
            [('13900000001', 'sent')])
        self.assertNotIn(peer_contact, [log.contact for log in logs])
        message = MassMessage(message.id)
        self.assertEqual(message.state, 'done')
        self.assertEqual(message.sender, sender)
        self.assertEqual(message.sent_count, 1)

    @with_transaction()
    def test_no_visible_recipient(self):
        "Only a peer's contacts chosen: nothing to send, a clear error"
        org = self.organisation()
        peer_contact, = org.customers['peer'].crm_contacts
        message = self.message(org, org.users['sender'],
            contacts=[('add', [peer_contact.id])])
        with self.assertRaisesRegex(MassMessageError, "reaches none"):
            self.send(org, org.users['sender'], message)
        self.assertEqual(self.outbox(), [])

    @with_transaction()
    def test_unknown_placeholder(self):
        "A placeholder other than {contact}, {customer}, {sender} is refused"
        org = self.organisation()
        with self.assertRaisesRegex(MassMessageError, r"\{phone\}"):
            self.message(org, org.users['sender'], body="{phone} 您好")

    @with_transaction()
    def test_batches_and_unsubscribed(self):
        """A mailing larger than the batch size is sent batch by batch by
        the cron; an unsubscribed number is skipped and logged; the log
        is not editable"""
        pool = Pool()
        MassMessage = pool.get('crm.mass.message')
        Configuration = pool.get('crm.configuration')
        Unsubscribe = pool.get('crm.marketing.unsubscribe')
        Log = pool.get('crm.mass.message.log')
        org = self.organisation()
        config = Configuration(1)
        config.mass_message_batch = 1
        config.save()
        Unsubscribe.create([{'channel': 'sms', 'address': '139 0000 0001'}])
        manager = org.users['manager']
        message = self.message(org, manager)
        self.send(org, manager, message)
        self.assertEqual(MassMessage(message.id).state, 'sending')
        self.assertEqual(self.outbox(), [])

        MassMessage.process_sending()
        logs = Log.search([('message', '=', message.id)])
        self.assertEqual([(log.address, log.state, log.reason)
                for log in logs],
            [('13900000001', 'skipped', 'unsubscribed')])
        self.assertEqual(MassMessage(message.id).state, 'sending')
        MassMessage.process_sending()
        self.assertEqual(MassMessage(message.id).state, 'done')
        self.assertEqual([n for n, _ in self.outbox()], ['13900000000'])
        log = Log.search([('state', '=', 'sent')])[0]
        self.assertEqual(log.author, manager)
        with self.assertRaises(AccessError):
            Log.write([log], {'state': 'failed'})
        with self.assertRaises(AccessError):
            Log.delete([log])
        with self.assertRaises(AccessError):
            MassMessage.delete([MassMessage(message.id)])

        # Sent again as a new draft, without the log
        with set_company(org.company), as_user(manager)[0], \
                as_user(manager)[1]:
            again, = MassMessage.copy([MassMessage(message.id)])
            self.assertEqual((again.state, again.logs), ('draft', ()))
            self.assertEqual(again.recipient_count, 2)
