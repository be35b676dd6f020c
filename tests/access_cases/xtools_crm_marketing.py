"""Paths of xtools_crm_marketing.

Campaigns (marketing.campaign, Tryton's model with our fields), their
materials and their links to customers and contacts are changed only by
the ordinary create, write and delete, which Tryton checks against the
access rights (the marketing role writes, everybody else reads) and the
company rule; the materials and links follow their campaign
(``__access__``).

Mass messages (群发, M2) have one button, send: only the marketing role
and the boss open mass messages at all, and the recipients are searched
as the sender with the record rules. Their send log and the unsubscribed
list have no path of their own. The module reads no context key but
Tryton's ``company`` (the default company of a new campaign or mass
message, declared by xtools_crm_base)."""
from . import Case, Target, fixture
from .xtools_crm_base_work import contact_with_mobile


@fixture('mass_sms')
def mass_sms(world):
    "A draft mass SMS of the administrator (a boss) to a customer's contact"
    contact = contact_with_mobile(world)
    message_id, = world.admin.create('crm.mass.message', [{
                'name': f"访问群发 {world.tag}", 'channel': 'sms',
                'body': "{contact}您好，新品目录已上线。",
                'contacts': [('add', contact.ids)]}])
    return Target('crm.mass.message', [message_id], contact.customer_name)


CASES = [
    Case('model.crm.mass.message.send', fixture='mass_sms', control='admin',
        note="The marketing role and the boss only (no other role opens "
        "mass messages); sends to the contacts the sender can see, "
        "logged append-only"),
    ]
