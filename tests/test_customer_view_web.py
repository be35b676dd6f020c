"""A salesperson's follow-up in the customer view (客户视图), in sao.

张浩 (zhanghao, staff of 销售一部) works as a user does, in headless Chromium:
he logs in, opens 客户 → 客户 from the menu, creates a new enterprise
customer with a contact and her mobile number (联系人 page), saves; then,
in the same customer view, logs a phone call (行动历史 page, type 电话)
with the next follow-up the activity proposes, saves, and finds the call
and the planned task on the customer's timeline and in its tasks. The
server is then asked over RPC, as him, whether it holds what the screens
showed: owner, contact, author, assignee, and the customer's 最近联系 /
下次跟进 / 最新进展.

Screenshots of the key steps: $XTOOLS_ARTIFACTS/customer_view_<n>_*.png.

Selectors: menus, notebook pages and buttons by their Chinese text; fields
by the name sao gives their input (the field name: a stable identifier,
where a label may still be untranslated or be changed by a translator).
"""
import datetime as dt
import re
import time

import pytest

from support.env import artifacts_dir
from support.sao import (
    WAIT, choose, close_dialog, current_tab, dialog, field,
    javascript_errors_reported, notebook_page, one2many, open_menu, rows,
    sao_login, toolbar_button)

playwright_api = pytest.importorskip('playwright.sync_api')
expect = playwright_api.expect

PASSWORD = 'feida2026'
LOGIN = 'zhanghao'
CUSTOMERS = '客户'
CALL = '电话'
# crm.activity proposes the next follow-up this many days after the call
# (Activity.next_task_delay)
FOLLOW_UP_DELAY = dt.timedelta(days=3)


def screenshot(page, name):
    page.screenshot(path=str(artifacts_dir() / f'customer_view_{name}.png'))


# ---------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------

def test_salesperson_logs_a_call_in_a_new_customer_view(
        server, chromium, demo_data):
    user_name = next(
        u['name'] for u in demo_data.LOGINS if u['login'] == LOGIN)
    stamp = time.strftime('%m%d%H%M%S')
    customer_name = f"上海测试家具采购有限公司 {stamp}"
    contact_name = "林晓雯"
    mobile = f"1391{stamp[-7:]}"
    subject = f"电话沟通会议室家具采购需求 {stamp}"
    salesperson = server.rpc_as(LOGIN, PASSWORD)

    page = chromium()
    page.set_default_timeout(WAIT)
    try:
        with javascript_errors_reported(page):
            ui = record_in_the_browser(
                page, server, user_name, customer_name, contact_name,
                mobile, subject)
        check_on_the_server(
            salesperson, customer_name, contact_name, mobile, subject, ui)
    finally:
        remove_customer(salesperson, customer_name)


def remove_customer(client, name):
    """Delete the test's customer for good, with its contacts, activities
    and tasks (ondelete CASCADE): the session's other tests count
    customers. A deleted customer may first go to the recycle bin
    (回收站): deleting it there, in the bin's context, purges it."""
    bin_context = {'crm_recycle_bin': True}
    for context in [None, bin_context]:
        ids = client.search(
            'party.party', [('name', '=', name)], context=bin_context)
        if ids:
            client.delete('party.party', ids, context=context)
    assert not client.search(
        'party.party', [('name', '=', name)], context=bin_context)


def record_in_the_browser(
        page, server, user_name, customer_name, contact_name, mobile,
        subject):
    """Do it in sao; return what the screens showed that the server is to
    confirm"""
    sao_login(page, server, LOGIN, PASSWORD)
    open_menu(page, CUSTOMERS, CUSTOMERS)
    tab = current_tab(page)
    expect(tab.locator('nav.toolbar .title').first).to_have_attribute(
        'title', CUSTOMERS, timeout=WAIT)

    # A new customer: the form opens with its defaults (an enterprise
    # customer owned by the salesperson); typing before they are shown
    # would be overwritten.
    toolbar_button(tab, '新建').click()
    expect(field(tab, 'crm_owner')).to_have_value(user_name, timeout=WAIT)
    expect(field(tab, 'crm_customer_type').locator('option:checked')
        ).to_have_text('企业客户')
    field(tab, 'name').fill(customer_name)
    field(tab, 'name').press('Tab')

    # 联系人: a contact with her mobile number
    contacts = one2many(notebook_page(tab, {'联系人'}))
    contacts.get_by_role('button', name='新建').click()
    contact = dialog(page, '客户 › 联系人')
    expect(field(contact, 'active')).to_be_checked(timeout=WAIT)
    # sao may still be redrawing the dialog after the name's on_change:
    # each value is typed, left with Tab, and typed again if a redraw lost
    # or misplaced it
    for attempt in range(5):
        for name, value in [('name', contact_name), ('mobile', mobile)]:
            if field(contact, name).input_value() != value:
                field(contact, name).fill(value)
                field(contact, name).press('Tab')
                page.wait_for_load_state('networkidle')
        if (field(contact, 'name').input_value() == contact_name
                and field(contact, 'mobile').input_value() == mobile):
            break
    expect(field(contact, 'name')).to_have_value(contact_name)
    expect(field(contact, 'mobile')).to_have_value(mobile)
    close_dialog(contact, '添加')
    expect(rows(contacts, contact_name)).to_contain_text(mobile)

    toolbar_button(tab, '保存').click()
    expect(tab.get_by_text('记录保存成功')).to_be_visible(timeout=WAIT)
    expect(field(tab, 'code')).not_to_have_value('', timeout=WAIT)
    expect(field(tab, 'name')).to_have_value(customer_name)
    screenshot(page, '1_customer_saved')

    # 行动历史: log the call; the activity proposes the next follow-up
    activities = one2many(notebook_page(
            tab, {'行动历史'}, lacking_column='类别'))
    activities.get_by_role('button', name='新建').click()
    activity = dialog(page, '客户 › 行动历史')
    expect(field(activity, 'author')).to_have_value(user_name, timeout=WAIT)
    call_date = field(activity, 'date').input_value()
    assert call_date, "the activity's date defaults to today"
    choose(page, field(activity, 'type'), CALL)
    field(activity, 'subject').fill(subject)
    field(activity, 'subject').press('Tab')
    # on_change of the subject: the follow-up task is proposed
    expect(field(activity, 'next_task_subject')).to_have_value(
        re.compile(re.escape(subject)), timeout=WAIT)
    expect(field(activity, 'next_task_date')).not_to_have_value('')
    proposed_subject = field(activity, 'next_task_subject').input_value()
    proposed_date = field(activity, 'next_task_date').input_value()
    screenshot(page, '2_activity_with_proposed_follow_up')
    close_dialog(activity, '添加')
    expect(rows(activities, subject)).to_have_count(1)

    toolbar_button(tab, '保存').click()
    # Saved and reloaded: the customer's follow-up fields are the server's
    expect(field(tab, 'crm_latest_progress')).to_have_value(
        subject, timeout=WAIT)
    expect(field(tab, 'crm_last_contact_date')).to_have_value(call_date)
    expect(field(tab, 'crm_next_followup_date')).to_have_value(
        proposed_date)
    screenshot(page, '3_customer_followed_up')

    # The timeline shows the call and the task it planned
    timeline = one2many(notebook_page(
            tab, {'跟进时间线', '时间线', '行动历史'}, having_column='类别'))
    call_row = rows(timeline, subject).filter(has_not_text=proposed_subject)
    expect(call_row).to_have_count(1, timeout=WAIT)
    expect(call_row).to_contain_text(call_date)
    expect(rows(timeline, proposed_subject)).to_have_count(1)
    expect(rows(timeline, proposed_subject)).to_contain_text(proposed_date)
    screenshot(page, '4_timeline')

    # … and so do the customer's tasks, assigned to the salesperson
    tasks = one2many(notebook_page(tab, {'待办任务'}))
    task_row = rows(tasks, proposed_subject)
    expect(task_row).to_have_count(1, timeout=WAIT)
    expect(task_row).to_contain_text(proposed_date)
    expect(task_row).to_contain_text(user_name)
    screenshot(page, '5_tasks')
    return {
        'proposed_subject': proposed_subject,
        }


def check_on_the_server(
        salesperson, customer_name, contact_name, mobile, subject, ui):
    "What the screens showed is what the server holds"
    uid = salesperson.user_id
    customer, = salesperson.search_read(
        'party.party', [('name', '=', customer_name)],
        ['crm_customer_type', 'crm_owner', 'crm_last_contact_date',
            'crm_next_followup_date', 'crm_latest_progress'])
    assert customer['crm_customer_type'] == 'enterprise'
    assert customer['crm_owner'] == uid

    contact, = salesperson.search_read(
        'crm.contact', [('customer', '=', customer['id'])],
        ['name', 'mobile', 'create_uid'])
    assert (contact['name'], contact['mobile']) == (contact_name, mobile)
    assert contact['create_uid'] == uid

    call_type, = salesperson.search(
        'crm.dictionary',
        [('type', '=', 'activity_type'), ('name', '=', CALL)])
    activity, = salesperson.search_read(
        'crm.activity', [('customer', '=', customer['id'])],
        ['type', 'subject', 'date', 'author', 'next_task_date',
            'next_task_subject'])
    assert activity['author'] == uid
    assert activity['type'] == call_type
    assert activity['subject'] == subject
    assert activity['date'] == salesperson.call('ir.date', 'today')
    assert activity['next_task_date'] == activity['date'] + FOLLOW_UP_DELAY
    assert activity['next_task_subject'] == ui['proposed_subject']

    task, = salesperson.search_read(
        'crm.task', [('customer', '=', customer['id'])],
        ['subject', 'assignee', 'due_date', 'state', 'activity',
            'create_uid'])
    assert task['activity'] == activity['id']
    assert task['subject'] == ui['proposed_subject']
    assert task['due_date'] == activity['next_task_date']
    assert task['assignee'] == uid
    assert task['state'] == 'open'

    # 最近联系 / 下次跟进 / 最新进展 follow the call and the task
    assert customer['crm_last_contact_date'] == activity['date']
    assert customer['crm_next_followup_date'] == task['due_date']
    assert customer['crm_latest_progress'] == subject
