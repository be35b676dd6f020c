"""Deals the cross-module tests need, made over RPC as a real user."""


def approved_order(boss, customer_name, product_code='FD-ZY-1260',
        quantity=2):
    """An order (订单) of quantity × the product of product_code for the
    demo customer customer_name, quoted and approved by boss (an
    RPCClient); returns (sale id, customer id)"""
    customer, = boss.search_read(
        'party.party', [('name', '=', customer_name)], ['addresses'])
    product, = boss.search_read('product.product', [
            ('code', '=', product_code)], ['default_uom', 'list_price_used'])
    address = customer['addresses'][0]
    sale, = boss.create('sale.sale', [{
                'party': customer['id'],
                'crm_deal_type': 'order',
                'invoice_address': address,
                'shipment_address': address,
                'invoice_method': 'manual',
                'lines': [('create', [{
                                'product': product['id'],
                                'quantity': quantity,
                                'unit': product['default_uom'],
                                'unit_price': product['list_price_used'],
                                }])],
                }])
    boss.button('sale.sale', 'quote', [sale])
    boss.button('sale.sale', 'confirm', [sale])
    return sale, customer['id']
