#!/usr/bin/env python
"""Try candidate fixes for the customer rules on scratch copies of a
benchmark database, and time them like bench_permissions.py does.

Each --try is a '+'-joined set of the changes below (or 'current'); each set
gets its own copy of the database made by a `bench_permissions.py --keep`
run, is timed, and the copy is dropped. Nothing in addons/ is edited: the
indexes are declared the way the addon would (Index objects added to the
model's _sql_indexes, created by Tryton's own _update_sql_indexes), the rule
domains are written to the copy's ir.rule records and the rule context is
extended by monkeypatching ir.rule in this process.

    .venv/bin/python bench/bench_permissions.py --backend postgresql --keep
    .venv/bin/python bench/permission_experiments.py --backend postgresql \\
        --reuse xtools_bench_… --try current --try type_index+shared_ids
"""
import argparse
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_permissions as bp  # noqa: E402
from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import ms, table  # noqa: E402


# --- the changes ----------------------------------------------------------

def _index(model, make):
    "Declare an index as the addon would and let Tryton create it"
    def apply():
        from trytond.pool import Pool
        Model = Pool().get(model)
        Model._sql_indexes.add(make(Model.__table__()))
        Model._update_sql_indexes()
    return apply


def _share_user_index(t):
    from trytond.model import Index
    return Index(t, (t.user, Index.Equality()))


def _type_index(t):
    from trytond.model import Index
    return Index(t, (t.crm_customer_type, Index.Equality(cardinality='low')))


def _not_customer_index(t):
    from sql import Null

    from trytond.model import Index
    return Index(t, (t.id, Index.Range()), where=t.crm_customer_type == Null)


def _name_index(t):
    from trytond.model import Index
    return Index(t,
        (t.name, Index.Range(order='ASC')), (t.id, Index.Range(order='ASC')))


def _read_domain(customers_only=False):
    """The read rule with the shares as ids from the rule context; with
    customers_only, without its arm for non-customers when the context says
    the search is about customers only"""
    from trytond.pyson import Eval, If
    arms = [
        ('crm_owner', 'in', Eval('crm_owners', [])),
        ('id', 'in', Eval('crm_shared', [])),
        ]
    domain = ['OR', ('crm_customer_type', '=', None)] + arms
    if customers_only:
        domain = If(Eval('crm_customers_only', False), ['OR'] + arms, domain)
    return If(Eval('crm_read_all', False), [], domain)


def _write_domain():
    from trytond.pyson import Eval, If
    return If(Eval('crm_see_all', False), [], ['OR',
            ('crm_customer_type', '=', None),
            ('crm_owner', 'in', Eval('crm_owners', [])),
            ('id', 'in', Eval('crm_shared_write', [])),
            ])


def _set_rule_domains(read, write):
    from trytond.pool import Pool
    from trytond.pyson import PYSONEncoder
    pool = Pool()
    Rule = pool.get('ir.rule')
    ModelData = pool.get('ir.model.data')
    # The addon names one rule per reason in each group: the experiment
    # replaces them by its one rule
    for fs_id, domain in [('rule_group_customer_read', read),
            ('rule_group_customer_write', write)]:
        group_id = ModelData.get_id(bp.MODULE, fs_id)
        Rule.delete(Rule.search([('rule_group', '=', group_id)]))
        Rule.create([{'rule_group': group_id,
                    'domain': PYSONEncoder().encode(domain)}])


def _shared_ids_rules():
    _set_rule_domains(_read_domain(), _write_domain())


def _customers_only_rules():
    _set_rule_domains(_read_domain(customers_only=True), _write_domain())


def _customers_only_context(pool):
    """The customer list's action context says it shows customers only
    (emulated here: every timed call is that list); the read rule then
    leaves out its arm for non-customers, which the list's own domain
    excludes anyway. Dropping an arm only narrows what is visible, so a
    client sending the flag elsewhere sees less, never more. The flag is
    part of the rule cache key."""
    from trytond.transaction import Transaction
    _shared_ids_context(pool)
    Rule = pool.get('ir.rule')
    get_context = Rule._get_context.__func__
    get_cache_key = Rule._get_cache_key.__func__

    def _get_context(cls, model_name):
        context = get_context(cls, model_name)
        context['crm_customers_only'] = bool(
            Transaction().context.get('crm_customers_only'))
        return context

    def _get_cache_key(cls, model_names):
        return (*get_cache_key(cls, model_names),
            bool(Transaction().context.get('crm_customers_only')))
    Rule._get_context = classmethod(_get_context)
    Rule._get_cache_key = classmethod(_get_cache_key)
    # What the customer action would send with every call of its screen
    bp.SCREEN_CONTEXT['crm_customers_only'] = True


def _shared_ids_context(pool):
    """ir.rule._get_context also gives the ids of the customers shared with
    the user (read: all shares, write: write shares). In the addon this
    belongs in user_visibility, cleared when a share changes."""
    from sql import Table

    from trytond.transaction import Transaction
    Rule = pool.get('ir.rule')
    original = Rule._get_context.__func__

    def _get_context(cls, model_name):
        context = original(cls, model_name)
        share = Table('crm_customer_share')
        cursor = Transaction().connection.cursor()
        cursor.execute(*share.select(share.customer, share.mode,
                where=share.user == Transaction().user))
        shared, shared_write = [], []
        for customer, mode in cursor:
            shared.append(customer)
            if mode == 'write':
                shared_write.append(customer)
        context['crm_shared'] = sorted(shared)
        context['crm_shared_write'] = sorted(shared_write)
        return context
    Rule._get_context = classmethod(_get_context)


def _analyze():
    "Planner statistics: PostgreSQL has them anyway (autovacuum)"
    from trytond import backend
    from trytond.transaction import Transaction
    if backend.name == 'sqlite':
        Transaction().connection.cursor().execute('ANALYZE')


# name: (description, database change in a transaction as root or None,
#        process patch taking the pool or None)
CHANGES = {
    'current': ("the addon as it is", None, None),
    'share_user_index': (
        "index on crm_customer_share.user",
        _index('crm.customer.share', _share_user_index), None),
    'type_index': (
        "index on party_party.crm_customer_type",
        _index('party.party', _type_index), None),
    'not_customer_index': (
        "partial index party_party(id) WHERE crm_customer_type IS NULL",
        _index('party.party', _not_customer_index), None),
    'name_index': (
        "index on party_party(name, id): the default order",
        _index('party.party', _name_index), None),
    'shared_ids': (
        "rules test ('id', 'in', shared ids from the rule context) "
        "instead of the crm_shares subquery",
        _shared_ids_rules, _shared_ids_context),
    'analyze': (
        "SQLite: ANALYZE (Tryton never runs it; PostgreSQL's autovacuum "
        "does)", _analyze, None),
    'customers_only': (
        "shared_ids, and the read rule drops its non-customer arm when the "
        "customer list's context says customers only",
        _customers_only_rules, _customers_only_context),
    }


# --- running --------------------------------------------------------------

def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="changes: " + '; '.join(
            f"{k}: {v[0]}" for k, v in CHANGES.items()))
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        required=True)
    parser.add_argument('--reuse', metavar='NAME', required=True,
        help="the database kept by bench_permissions.py --keep")
    parser.add_argument('--workdir', help="its directory (SQLite)")
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default())
    parser.add_argument('--try', dest='tries', action='append',
        metavar='CHANGE[+CHANGE…]', help="repeatable; default: current")
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--cold', type=int, default=5)
    parser.add_argument('--explain', action='store_true')
    parser.add_argument('--trace', action='store_true')
    args = parser.parse_args()
    if args.backend == 'sqlite' and not args.workdir:
        parser.error("--workdir is needed with sqlite")
    args.tries = args.tries or ['current']
    for attempt in args.tries:
        for change in attempt.split('+'):
            if change not in CHANGES:
                parser.error(f"unknown change {change!r}")
    return args


def run_attempt(args, attempt):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from benchlib import organisation
    changes = attempt.split('+')
    bp.SCREEN_CONTEXT.clear()
    scratch = benchdb.ThrowawayDatabase(
        args.backend, pg_uri=args.pg_uri, workdir=args.workdir,
        name='xtools_scratch_%s' % uuid.uuid4().hex[:8])
    scratch.copy_from(args.reuse)
    try:
        pool = Pool(scratch.name)
        pool.init()
        with Transaction().start(scratch.name, 0):
            for change in changes:
                apply = CHANGES[change][1]
                if apply:
                    apply()
        with Transaction().start(scratch.name, 0):
            organisation.analyze()
        for change in changes:
            patch = CHANGES[change][2]
            if patch:
                patch(pool)
        return bp.time_database(args, scratch, {}, label=attempt)
    finally:
        scratch.drop()


def summary(results):
    rows = []
    for result in results:
        timings = result['timings']
        for variant in bp.VARIANTS:
            base = timings['baseline'][variant]['total']['median_ms']
            row = [result['label'], variant, ms(base)]
            for role in bp.ROLES:
                median = timings[role][variant]['total']['median_ms']
                row.append(f"{ms(median)} ({median / base:.2f}×)")
            for role in bp.ROLES:
                cold = timings[role][variant]['cold']['median_ms']
                row.append(f"{cold / base:.2f}×")
            rows.append(row)
    return table(
        ['changes', 'variant', 'baseline ms']
        + [f'{r} ms (ratio)' for r in bp.ROLES]
        + [f'{r} cold' for r in bp.ROLES],
        rows, align=['l', 'l'] + ['r'] * (1 + 2 * len(bp.ROLES)))


def main():
    args = parse_args()
    args.users = None
    kept = benchdb.ThrowawayDatabase(
        args.backend, pg_uri=args.pg_uri, workdir=args.workdir,
        name=args.reuse, reuse=True)
    kept.configure()
    if not kept.exists():
        sys.exit(f"no database {kept.location}")
    try:
        results = [run_attempt(args, attempt) for attempt in args.tries]
    finally:
        kept.drop()  # kept: only forgets its generated directory
    print(f"\n## {args.backend}: median ms (ratio to admin without rules)")
    print(summary(results))
    reference = results[0]
    for result in results[1:]:
        same = all(
            result['timings'][r]['visible']
            == reference['timings'][r]['visible']
            and result['timings'][r]['first_ids']
            == reference['timings'][r]['first_ids']
            for r in bp.ROLES + ['baseline'])
        print(f"{result['label']}: same visible counts and first page as "
            f"{reference['label']}: {'yes' if same else 'NO'}")


if __name__ == '__main__':
    main()
