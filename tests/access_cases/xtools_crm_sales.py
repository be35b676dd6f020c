"""Paths of xtools_crm_sales: opportunities, projects, quotes, deals and
their approval, payment plans, receipts, returns — and Tryton's own sale
buttons and wizards on the deals."""
import datetime as dt
from decimal import Decimal

from . import Case, ContextKey, Getter, Target, fixture


def _product(world, kind='goods'):
    key = f'product_{kind}'
    if key not in world.__dict__:
        products = world.admin.search_read('product.product', [
                ('salable', '=', True), ('type', '=', kind)],
            ['default_uom', 'list_price_used'], limit=1)
        world.__dict__[key] = products[0]
    return world.__dict__[key]


def _deal(world, state='draft', kind='order', plan=True,
        shipment_method='manual'):
    "A deal of the owner's new customer, taken to state"
    owner = world.owner
    customer_id, name = world.customer("成交客户")
    customer, = owner.read('party.party', [customer_id], ['addresses'])
    product = _product(world, 'goods' if kind == 'order' else 'service')
    address = customer['addresses'][0]
    deal_id, = owner.create('sale.sale', [{
                'party': customer_id, 'crm_deal_type': kind,
                'invoice_address': address, 'shipment_address': address,
                'invoice_method': 'manual',
                'shipment_method': shipment_method,
                'lines': [('create', [{
                                'product': product['id'], 'quantity': 2,
                                'unit': product['default_uom'],
                                'unit_price': product['list_price_used'],
                                }])],
                }])
    if plan:
        total, = owner.read('sale.sale', [deal_id], ['total_amount'])
        owner.create('crm.payment.plan', [{
                    'deal': deal_id, 'name': "全款",
                    'due_date': dt.date.today() + dt.timedelta(days=30),
                    'amount': total['total_amount']}])
    if state in {'quotation', 'confirmed'}:
        owner.button('sale.sale', 'quote', [deal_id])
    if state == 'confirmed':
        world.client('manager').button('sale.sale', 'confirm', [deal_id])
    return Target('sale.sale', [deal_id], name)


fixture('draft_deal')(_deal)
fixture('submitted_deal')(lambda w: _deal(w, 'quotation'))
fixture('approved_deal')(lambda w: _deal(w, 'confirmed'))
fixture('approved_deal_without_plan')(
    lambda w: _deal(w, 'confirmed', plan=False))


@fixture('open_plan')
def open_plan(world):
    deal = _deal(world, 'confirmed')
    plans = world.owner.search(
        'crm.payment.plan', [('deal', '=', deal.ids[0])])
    return Target('crm.payment.plan', plans, deal.customer_name)


def _record(world, model, values, buttons=(), prefix="跟单客户"):
    customer_id, name = world.customer(prefix)
    record_id, = world.owner.create(model, [{**values(customer_id)}])
    for button in buttons:
        if isinstance(button, dict):
            world.owner.write(model, [record_id], button)
        else:
            world.owner.button(model, button, [record_id])
    return Target(model, [record_id], name)


def _opportunity(world, buttons=()):
    return _record(world, 'sale.opportunity', lambda c: {
            'party': c, 'description': "会议室家具",
            'amount': Decimal('30000')}, buttons)


fixture('lead')(_opportunity)
fixture('opportunity')(lambda w: _opportunity(w, ['opportunity']))
fixture('losing_opportunity')(lambda w: _opportunity(w, [
            'opportunity', {'crm_lost_reason': w.dictionary('lost_reason')}]))
fixture('winning_opportunity')(lambda w: _opportunity(w, [
            'opportunity', {'crm_won_reason': w.dictionary('won_reason')}]))


def _project(world, buttons=()):
    return _record(world, 'crm.project', lambda c: {
            'name': "新办公楼", 'customer': c}, buttons)


fixture('presale_project')(_project)
fixture('losing_project')(lambda w: _project(
        w, [{'lost_reason': w.dictionary('lost_reason')}]))
fixture('implementation_project')(
    lambda w: _project(w, ['implementation']))
fixture('acceptance_project')(
    lambda w: _project(w, ['implementation', 'acceptance']))
fixture('lost_project')(lambda w: _project(
        w, [{'lost_reason': w.dictionary('lost_reason')}, 'lost']))


def _quote(world, buttons=()):
    product = _product(world)

    def values(customer_id):
        return {
            'customer': customer_id, 'title': "报价",
            'lines': [('create', [{
                            'product': product['id'], 'quantity': 1,
                            'unit': product['default_uom'],
                            'base_price': product['list_price_used'],
                            'unit_price': product['list_price_used']}])],
            }
    return _record(world, 'crm.quote', values, buttons)


fixture('draft_quote')(_quote)
fixture('sent_quote')(lambda w: _quote(w, ['send']))
fixture('rejected_quote')(lambda w: _quote(w, ['send', 'reject']))


def _return(world, buttons=()):
    """A draft return of one unit of an approved order whose goods the
    administrator shipped (as the stock keeper would)"""
    deal = _deal(world, 'confirmed', shipment_method='order')
    admin = world.admin
    line, = admin.search_read('sale.line', [('sale', '=', deal.ids[0])],
        ['product', 'quantity', 'unit_price'])
    storage, = admin.search('stock.location', [('code', '=', 'STO')],
        limit=1)
    inventory, = admin.create('stock.inventory', [{
                'location': storage,
                'lines': [('create', [{'product': line['product'],
                                'quantity': 100,
                                # the stock desk asks why a count differs
                                'crm_reason_note': "期初"}])]}])
    admin.button('stock.inventory', 'confirm', [inventory])
    shipments = admin.search('stock.shipment.out',
        [('moves.sale', '=', deal.ids[0])])
    for button in ['assign_try', 'pick', 'pack', 'do']:
        admin.button('stock.shipment.out', button, shipments)
    return_id, = world.owner.create('crm.deal.return', [{
                'deal': deal.ids[0], 'reason': "柜门变形",
                'lines': [('create', [{
                                'sale_line': line['id'], 'quantity': 1,
                                'unit_price': line['unit_price']}])],
                }])
    for button in buttons:
        world.owner.button('crm.deal.return', button, [return_id])
    return Target('crm.deal.return', [return_id], deal.customer_name)


fixture('draft_return')(_return)
fixture('processing_return')(lambda w: _return(w, ['confirm']))


@fixture('price_list')
def price_list(world):
    lists = world.admin.search('product.price_list', [], limit=1)
    return Target('product.price_list', lists)


def _wizard_defaults(start='start', **values):
    "The start view's defaults, with values changed"
    return lambda w, t: {start: values}


CASES = [
    # -- opportunities (Tryton's states under the CRM's stages) ---------------
    Case('model.sale.opportunity.opportunity', fixture='lead',
        allowed=frozenset({'writer'})),
    Case('model.sale.opportunity.lead', fixture='opportunity',
        allowed=frozenset({'writer'})),
    Case('model.sale.opportunity.lost', fixture='losing_opportunity',
        allowed=frozenset({'writer'})),
    Case('model.sale.opportunity.crm_win', fixture='winning_opportunity',
        allowed=frozenset({'writer'})),
    Case('model.sale.opportunity.cancel', fixture='opportunity',
        allowed=frozenset({'writer'})),
    Case('model.sale.opportunity.convert', fixture='opportunity',
        allowed=frozenset({'writer'})),
    # -- projects ----------------------------------------------------------------
    Case('model.crm.project.implementation', fixture='presale_project',
        allowed=frozenset({'writer'})),
    Case('model.crm.project.acceptance', fixture='implementation_project',
        allowed=frozenset({'writer'})),
    Case('model.crm.project.close', fixture='acceptance_project',
        allowed=frozenset({'writer'})),
    Case('model.crm.project.presale', fixture='lost_project',
        allowed=frozenset({'writer'})),
    Case('model.crm.project.lost', fixture='losing_project',
        allowed=frozenset({'writer'})),
    Case('model.crm.project.cancel', fixture='presale_project',
        allowed=frozenset({'writer'})),
    # -- quotes -------------------------------------------------------------------
    Case('model.crm.quote.send', fixture='draft_quote',
        allowed=frozenset({'writer'})),
    Case('model.crm.quote.accept', fixture='sent_quote',
        allowed=frozenset({'writer'})),
    Case('model.crm.quote.reject', fixture='sent_quote',
        allowed=frozenset({'writer'})),
    Case('model.crm.quote.cancel', fixture='draft_quote',
        allowed=frozenset({'writer'})),
    Case('model.crm.quote.draft', fixture='rejected_quote',
        allowed=frozenset({'writer'})),
    Case('model.crm.quote.create_deal', fixture='draft_quote',
        allowed=frozenset({'writer'})),
    # -- deals: approval, Tryton's sale buttons ---------------------------------
    Case('model.sale.sale.quote', fixture='draft_deal',
        allowed=frozenset({'writer'}), note="提交审批"),
    Case('model.sale.sale.confirm', fixture='submitted_deal',
        control='manager', note="审批: the owner's manager or a boss"),
    Case('model.sale.sale.draft', fixture='submitted_deal',
        allowed=frozenset({'writer'})),
    Case('model.sale.sale.cancel', fixture='draft_deal',
        allowed=frozenset({'writer'})),
    Case('model.sale.sale.crm_reject', fixture='submitted_deal',
        allowed=frozenset({'writer'}), control='manager', changes=False,
        note="Opens the reject wizard, which checks the approver"),
    Case('wizard.sale.sale.crm_reject', state='reject',
        fixture='submitted_deal', control='manager',
        data=_wizard_defaults(reason="价格需重新核定")),
    Case('model.sale.sale.process', fixture='approved_deal', control='admin',
        changes=False, note="Tryton's sale administrators; processing an "
        "approved deal again changes nothing"),
    Case('model.sale.sale.manual_invoice', fixture='approved_deal',
        control=None, note="Tryton's sale administrators; the CRM records "
        "fapiao, not invoices"),
    Case('model.sale.sale.manual_shipment', fixture='approved_deal',
        control=None, note="Tryton's shipment by hand, for who may write "
        "the deal, once the outbound request (K1) has its consignee: the "
        "stock desk's tests take that path"),
    Case('model.sale.sale.modify_header', fixture='submitted_deal',
        control=None, changes=False, note="Opens Tryton's header wizard "
        "(administrators)"),
    Case('model.sale.sale.handle_invoice_exception', fixture='approved_deal',
        control=None, note="Opens Tryton's exception wizard, on a deal in "
        "invoice exception only: none here (the CRM records fapiao)"),
    Case('model.sale.sale.handle_shipment_exception',
        fixture='approved_deal', control=None,
        note="Opens Tryton's exception wizard, on a deal in shipment "
        "exception only: none here"),
    Case('wizard.sale.modify_header', state='modify',
        fixture='submitted_deal', control=None,
        note="Tryton's sale administrators only"),
    Case('wizard.sale.handle.invoice.exception', state='handle',
        fixture='approved_deal', allowed=frozenset({'writer'})),
    Case('wizard.sale.handle.shipment.exception', state='handle',
        fixture='approved_deal', allowed=frozenset({'writer'})),
    Case('wizard.sale.return_sale', state='return_', fixture='approved_deal',
        allowed=frozenset({'writer'}),
        note="Makes a return deal: who may write the deal"),
    Case('wizard.sale.open_product', state='start', fixture='approved_deal',
        allowed=frozenset({'reader', 'writer'}),
        changes=False, note="Opens the deal's products"),
    Getter('model.sale.sale.get_origin', "the selection of origins"),
    Getter('model.sale.sale.get_crm_party_types',
        "the selection of customer types (the customers' copied on deals)"),
    Getter('model.sale.opportunity.get_crm_party_types',
        "the selection of customer types (the customers' copied on "
        "opportunities)"),
    Getter('model.sale.line.get_sale_states', "the selection of states"),
    Getter('model.sale.configuration.get_sale_invoice_methods',
        "the selection of invoice methods"),
    Getter('model.sale.configuration.get_sale_shipment_methods',
        "the selection of shipment methods"),
    Getter('model.party.party.get_sale_invoice_method',
        "the selection of invoice methods"),
    Getter('model.party.party.get_sale_shipment_method',
        "the selection of shipment methods"),
    # -- payment plans and receipts ----------------------------------------------
    Case('model.sale.sale.crm_create_payment_plan',
        fixture='approved_deal_without_plan', changes=False,
        allowed=frozenset({'writer'}), note="Opens the plan wizard"),
    Case('wizard.crm.payment.plan.create', state='create_',
        fixture='approved_deal_without_plan', allowed=frozenset({'writer'})),
    Case('model.crm.payment.plan.batch_receipt', fixture='open_plan',
        allowed=frozenset({'finance'}), control=None,
        note="Opens the batch receipt wizard: finance's button (its "
        "group); finance, allowed, is the control"),
    Case('wizard.crm.payment.plan.batch_receipt', state='receive',
        fixture='open_plan', allowed=frozenset({'finance'}),
        control='finance', data=_wizard_defaults(method='transfer'),
        note="Receipts are finance's: the others are refused"),
    # -- returns ----------------------------------------------------------------
    Case('model.crm.deal.return.confirm', fixture='draft_return',
        allowed=frozenset({'writer'})),
    Case('model.crm.deal.return.close', fixture='processing_return',
        allowed=frozenset({'writer'})),
    Case('model.crm.deal.return.revoke', fixture='processing_return',
        allowed=frozenset({'writer'}),
        note="Revoking removes the refunds finance recorded: only who may "
        "write the return"),
    # -- price lists ----------------------------------------------------------------
    Case('model.product.price_list.open_lines', fixture='price_list',
        control='admin', changes=False,
        note="Opens a price list's lines: for who manages price lists"),
    ]

CONTEXT_KEYS = [
    ContextKey('crm_hidden_menus', 'rule', "ir.rule context of the menus "
        "hidden by the tracking style"),
    # The context a quote line builds for Tryton's price computation
    *(ContextKey(name, 'tryton', "built by a quote line for Tryton's "
            "product price, not read from the client")
        for name in ['price_list', 'sale_date', 'currency', 'customer',
            'uom']),
    ContextKey('crm_customer', 'filter',
        "defaults the customer of a new quote or project from the "
        "customer view; the record rules check what is saved"),
    ContextKey('employee', 'tryton', "Tryton's default employee",
        hostile=-1),
    ContextKey('_crm_return_revoke', 'stripped',
        "a return's revoke removes its refunds"),
    ContextKey('_crm_deal_plans_saved_with_deal', 'stripped',
        "a deal saves its plans"),
    ]
