"""The notification bell (通知, SPEC B10): what is new for a user — a
notice published to them, a comment on their work report, a report due —
as Tryton's own res.notification, in the recipient's language."""
import json

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction


def user_language(user):
    Config = Pool().get('ir.configuration')
    return user.language.code if user.language else Config.get_language()


def notify(users, message, variables=None, description=None, model=None,
        ids=None, action=None):
    """Ring the bell of users with the text of message (an ir.message
    'module.id' with variables) in each one's language, opening the
    records ids of model, or the action (an ir.action id).
    description: a message too, or None."""
    Notification = Pool().get('res.notification')
    variables = variables or {}
    to_create = []
    for user in users:
        with Transaction().set_context(language=user_language(user)):
            values = {
                'user': user.id,
                'label': gettext(message, **variables),
                'description': (gettext(description, **variables)
                    if description else None),
                'icon': 'tryton-notification',
                }
        if model and ids:
            values.update({'model': model, 'records': json.dumps(list(ids))})
        elif action:
            values['action'] = action
        to_create.append(values)
    if to_create:
        with Transaction().set_user(0):
            Notification.create(to_create)
    return to_create
