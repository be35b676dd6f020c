"""Merging customers kept by the public pool (SPEC P4, P5).

A merge (客户合并, xtools_crm_base/merge.py) moves everything of the
customers merged away onto the customer kept. Under the pool rules it
would otherwise let an owner around them: merge a customer under
protection, or one about to return, into a fresh duplicate. So:

- a customer whose protection runs is merged only into one claimed with a
  protection ending no later;
- a customer in a library is merged only into an owned library customer
  (private, temporary, claimed), which takes the older no-contact clock;
- a customer of the public or special pool only into another one of the
  pool;
- the customer merged away leaves its library, in the pool log."""
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta

from .customer_updates import update_customers
from .library import MANAGED, OWNED, UNOWNED
from .today import format_date

# Libraries whose customers run on the no-contact clock
NO_CONTACT = {'private', 'temporary'}


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _crm_merge_prepare(cls, source, destination):
        Log = Pool().get('crm.pool.log')
        super()._crm_merge_prepare(source, destination)
        if source.crm_library in {None, 'normal'}:
            return
        cls._crm_pool_check_merge(source, destination)
        if (source.crm_library in NO_CONTACT
                and destination.crm_library in NO_CONTACT
                and source.crm_library_date
                and (not destination.crm_library_date
                    or source.crm_library_date
                    < destination.crm_library_date)):
            update_customers([destination.id], {
                    'crm_library_date': source.crm_library_date,
                    })
        entries = Log.entries(
            [source], 'merge', reason=destination.rec_name)
        update_customers([source.id], {name: None for name in MANAGED})
        Log.log(entries)

    @classmethod
    def _crm_pool_check_merge(cls, source, destination):
        "Refuse a merge that would take source out of the pool's clocks"
        values = {
            'customer': source.rec_name,
            'library': source.crm_library_string,
            'other': destination.rec_name,
            'other_library': destination.crm_library_string or '-',
            }
        if source.crm_library in UNOWNED:
            if destination.crm_library not in UNOWNED:
                raise AccessError(gettext(
                        'xtools_crm_pool.msg_merge_from_pool', **values))
            return
        if source.crm_library == 'claimed' and source.crm_protection_end:
            end = destination.crm_protection_end
            if (destination.crm_library != 'claimed' or not end
                    or end > source.crm_protection_end):
                raise AccessError(gettext(
                        'xtools_crm_pool.msg_merge_protected',
                        end=format_date(source.crm_protection_end),
                        **values))
        elif destination.crm_library not in OWNED:
            raise AccessError(gettext(
                    'xtools_crm_pool.msg_merge_out_of_library', **values))
