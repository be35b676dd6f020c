"""Paths of xtools_crm_office (SPEC M3): the buttons of the internal
approvals (submit, approve, reject, cancel). Work logs, documents (and
their ir.attachment files) and training courses have no button, wizard or
RPC method of their own: the ordinary create, write and delete, checked by
Tryton against their record rules, are their only paths."""
import datetime as dt
import itertools

from . import Case, ContextKey, Target, fixture

_days = itertools.count()


def _leave(world, submit=False):
    "A leave request of the owner (staff of the manager's department)"
    day = dt.date(2002, 1, 1) + dt.timedelta(days=next(_days))
    request_id, = world.owner.create('crm.office.approval', [{
                'kind': 'leave', 'leave_type': 'annual',
                'start_date': day, 'end_date': day,
                'reason': "家中有事，请假一天。"}])
    if submit:
        world.owner.button('crm.office.approval', 'submit', [request_id])
    return Target('crm.office.approval', [request_id])


fixture('draft_leave')(_leave)
fixture('submitted_leave')(lambda world: _leave(world, True))


CASES = [
    Case('model.crm.office.approval.submit', fixture='draft_leave',
        note="The requester only (the write rule: own drafts)"),
    Case('model.crm.office.approval.cancel', fixture='submitted_leave',
        note="The requester only, until the request is decided"),
    Case('model.crm.office.approval.approve', fixture='submitted_leave',
        control='manager',
        note="The approver it waits for: the requester's department "
        "manager first, then a boss above the amount; never the requester "
        "nor a colleague, who do not even read it"),
    Case('model.crm.office.approval.reject', fixture='submitted_leave',
        control='manager',
        note="Like approve: the approver whose turn it is"),
    ]

CONTEXT_KEYS = [
    ContextKey('crm_office_departments', 'rule', "ir.rule context of the "
        "shared documents: the user's department and its parent"),
    ]
