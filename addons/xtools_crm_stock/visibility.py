"""Who sees which stock documents (SPEC B3, K1): the record rules of
stock_rules.xml, fed by what this module adds to the rule context.

Tryton reads shipments, stock moves and invoices company-wide. Here:

- a customer's outbound documents (stock.shipment.out), returned goods
  (stock.shipment.out.return) and invoices (account.invoice) are read by
  whoever reads the customer (the customer rules of xtools_crm_base);
- stock moves of those documents follow them; other moves (purchases,
  stocktaking, transfers, assembly) are warehouse facts anyone with access
  to moves reads;
- salespeople read the purchases linked to the orders they see; the roles
  that buy, keep, pay or lead read all purchases (purchase_inbound.xml);
- stock keepers (库管) read every stock move, every outbound document not
  yet shipped or cancelled (their work queue) and, once finished, those
  they confirmed, took out or shipped — whatever the customer (11.6). They
  read nothing else of those customers: the documents carry the customer's
  name, consignee and address as text (outbound.py).

One step in the chain of ir.rule._get_context (after xtools_crm_base's
visibility.py): it adds

    crm_customers_read   the user's read domain on customers, evaluated
                         (only for the models whose rules use it)
    crm_stock_keeper     whether the user holds the stock keeper role
"""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# Models whose rules here filter on the customer's read domain
CUSTOMER_DOMAIN_MODELS = {
    'stock.shipment.out', 'stock.shipment.out.return', 'stock.move',
    'account.invoice', 'account.invoice.line', 'purchase.purchase',
    }


def _group_id(fs_id):
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id('xtools_crm_base', fs_id)
    except KeyError:
        return None


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        if model_name in CUSTOMER_DOMAIN_MODELS:
            context['crm_customers_read'] = cls.domain_get(
                'party.party', mode='read')
            keeper = _group_id('group_role_stock')
            context['crm_stock_keeper'] = (
                keeper is not None
                and keeper in set(User.get_groups()))
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        # The domain depends on the user (already in xtools_crm_base's key)
        # and on the customer rules, which depend on the same
        return (*super()._get_cache_key(model_names), Transaction().user)
