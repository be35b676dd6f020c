"""Customer merge (客户合并, SPEC B11): the duplicates of a customer are
merged into the one kept, with every record linked to them.

Built on Tryton's party.replace wizard, which moves the links and
deactivates the replaced party (``replaced_by``). What it moves is
extended here to every stored link to a party found in the pool, so the
records of any module (contacts, tasks, activities, opportunities, deals,
service records …) follow without being listed; the append-only logs are
left alone: their entries keep pointing at the merged customer, which
still exists. Each merge is written to the merge log."""
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, ValueMixin, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .access import CheckedWizardMixin
from .append_only import AppendOnlyLog, AppendOnlyMixin
from .exceptions import MergeError

PARTY = 'party.party'
# Resources (notes, attachments) of the merged customer go along
RESOURCE_MODELS = ['ir.attachment', 'ir.note']


def party_links():
    """(model, field) of every stored Many2One to a party, in the models of
    the pool, except: the party's own fields (itself, the values of its
    company-dependent fields) and the append-only logs"""
    links = []
    for model_name, Model in Pool().iterobject():
        if (not issubclass(Model, ModelSQL)
                or callable(getattr(Model, 'table_query', None))
                or issubclass(Model, (AppendOnlyMixin, ValueMixin))
                or model_name == PARTY):
            continue
        for field_name, field in Model._fields.items():
            if (isinstance(field, fields.Many2One)
                    and field.model_name == PARTY):
                links.append((model_name, field_name))
    return sorted(links)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def crm_merge(cls, customer, others):
        """Merge the customers others into customer. The user must be
        allowed to delete the others (they disappear) and to change the
        customer kept."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Rule = pool.get('ir.rule')
        Replace = pool.get('party.replace', type='wizard')
        Session = pool.get('ir.session.wizard')
        others = [o for o in others if o.id != customer.id]
        if not others or not all(
                c.crm_customer_type for c in [customer, *others]):
            raise MergeError(gettext('xtools_crm_base.msg_merge_customers'))
        ModelAccess.check(cls.__name__, 'delete')
        Rule.check(cls.__name__, [o.id for o in others], 'delete')
        Rule.check(cls.__name__, [customer.id], 'write')
        # The user confirmed the merge in the wizard, after seeing both
        # names: Tryton's similarity warnings would only repeat it. The
        # replace wizard is run directly (Tryton gives its menu entry to
        # party administrators only): the checks above are the CRM's.
        with Transaction().set_context(_crm_merge_confirmed=True):
            for other in others:
                session, = Session.create([{}])
                replace = Replace(session.id)
                replace.ask.source = other
                replace.ask.destination = customer
                replace.transition_replace()
                Session.delete([session])

    @classmethod
    def _crm_merge_prepare(cls, source, destination):
        """Before the links of source move to destination: drop what
        would clash there. A user who has a share of both keeps the one of
        destination; a share with destination's owner is pointless."""
        Share = Pool().get('crm.customer.share')
        kept_users = {s.user for s in destination.crm_shares}
        kept_users.add(destination.crm_owner)
        clashes = [s for s in source.crm_shares if s.user in kept_users]
        if clashes:
            Share.delete(clashes)


class Replace(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'party.replace'
    # The source party goes: as deleting it
    _state_access = {'replace': 'delete'}

    @classmethod
    def fields_to_replace(cls):
        links = super().fields_to_replace()
        known = set(links)
        links += [l for l in party_links() if l not in known]
        pool = Pool()
        for model_name in RESOURCE_MODELS:
            if (model_name, 'resource') not in known and pool.get(
                    model_name)._fields.get('resource'):
                links.append((model_name, 'resource'))
        return links

    def check_similarity(self):
        if not Transaction().context.get('_crm_merge_confirmed'):
            super().check_similarity()

    def transition_replace(self):
        pool = Pool()
        Party = pool.get(PARTY)
        Log = pool.get('crm.customer.merge.log')
        source, destination = self.ask.source, self.ask.destination
        is_crm = bool(
            source.crm_customer_type or destination.crm_customer_type)
        if is_crm:
            Party._crm_merge_prepare(source, destination)
            moved = self._crm_count_links(source)
        result = super().transition_replace()
        if is_crm:
            Party.crm_update_followup([source.id, destination.id])
            Log.log([{
                        'customer': destination.id,
                        'customer_name': destination.rec_name,
                        'merged_customer': source.id,
                        'merged_name': source.rec_name,
                        'moved': moved,
                        }])
        return result

    def _crm_count_links(self, source):
        "What moves from source, as lines 'Model: count'"
        pool = Pool()
        cursor = Transaction().connection.cursor()
        counts = {}
        for model_name, field_name in self.fields_to_replace():
            Model = pool.get(model_name)
            table = Model.__table__()
            column = getattr(table, field_name)
            value = (str(source)
                if Model._fields[field_name]._type == 'reference'
                else source.id)
            cursor.execute(*table.select(
                    Count(table.id), where=column == value))
            count, = cursor.fetchone()
            if count:
                name = Model.__names__()['model']
                counts[name] = counts.get(name, 0) + count
        return '\n'.join(f'{n}: {c}' for n, c in sorted(counts.items()))


class CustomerMergeLog(AppendOnlyLog):
    "Customer merge log"
    __name__ = 'crm.customer.merge.log'
    __string__ = "Customer Merge Log"
    _nullable_links = {'customer', 'merged_customer'}

    customer = fields.Many2One(
        PARTY, "Kept Customer", readonly=True, ondelete='SET NULL')
    customer_name = fields.Char("Kept Customer Name", readonly=True)
    merged_customer = fields.Many2One(
        PARTY, "Merged Customer", readonly=True, ondelete='SET NULL')
    merged_name = fields.Char("Merged Customer Name", readonly=True)
    moved = fields.Text(
        "Moved Records", readonly=True,
        help="The records that moved to the kept customer, by kind.")


class CustomerMergeStart(ModelView):
    "Merge customers"
    __name__ = 'crm.customer.merge.start'
    __string__ = "Merge Customers"

    customers = fields.Many2Many(
        PARTY, None, None, "Customers", readonly=True,
        help="The customers selected: all but the one kept are merged "
        "into it.")
    customer = fields.Many2One(
        PARTY, "Keep", required=True,
        domain=[('id', 'in', Eval('customers', []))],
        help="The customer that remains, with the contacts, tasks, "
        "activities, deals … of all the others.")


class CustomerMerge(CheckedWizardMixin, Wizard):
    "Merge customers"
    __name__ = 'crm.customer.merge'
    __string__ = "Merge Customers"
    # crm_merge runs with the user's access checks: writing the kept
    # customer, deleting the merged ones
    _state_access = {'merge': 'write'}

    start = StateView(
        'crm.customer.merge.start',
        'xtools_crm_base.customer_merge_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Merge", 'merge', 'tryton-ok', default=True),
            ])
    merge = StateTransition()

    def default_start(self, fields):
        customers = [r for r in self.records if r.crm_customer_type]
        if len(customers) < 2:
            raise MergeError(gettext('xtools_crm_base.msg_merge_customers'))
        # The oldest record is usually the one the others duplicate
        kept = min(customers, key=lambda c: c.id)
        return {
            'customers': [c.id for c in customers],
            'customer': kept.id,
            }

    def transition_merge(self):
        customer = self.start.customer
        others = [c for c in self.start.customers if c != customer]
        # Wizards run without access checks: the merge is the user's
        with check_access():
            self.model.crm_merge(customer, others)
        return 'end'
