"""The lists of bench_views.py on two copies of a database, alternately.

For a change of the schema (an index, a column) measured on a noisy
machine: build one database with bench_views.py --keep, copy it
(CREATE DATABASE b TEMPLATE a), change the copy, then

    .venv/bin/python bench/bench_lists_ab.py A B --list deals --list opportunities

For a change of the code, B may be A itself with --b-off: B is then A
with the named switches off (--b-off is repeatable; e.g.
xtools_crm_base.rule_arm_count.ENABLED, the ruled counts arm by arm:
Tryton's count without it).

Each page of each role is opened on A and on B one right after the other
(the order swapped every round), so both see the same machine; the medians
and the ratios to the unruled page of the same database are printed, with
the steps (search / count / read / tab counters) as bench_views.py times
them.
"""
import argparse
import importlib
import statistics
import time

import bench_views as bv


def keyed_on_switches(Rule, switches):
    "Rule's domain cache keyed on the switches' values"
    key = Rule._get_cache_key

    def _get_cache_key(model_names):
        return (*key(model_names), *(getattr(*s) for s in switches))
    Rule._get_cache_key = _get_cache_key


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('a')
    parser.add_argument('b')
    parser.add_argument('--list', action='append', choices=list(bv.LISTS),
        required=True)
    parser.add_argument('--repeat', type=int, default=15)
    parser.add_argument('--pg-uri', default=bv.benchdb.pg_uri_default())
    parser.add_argument('--b-off', metavar='MODULE.NAME',
        action='append', default=[],
        help="a module's boolean switch, set to False while B is timed")
    args = parser.parse_args(argv)
    from trytond.pool import Pool
    bv.NO_JIT = True
    setups = {}
    for name in dict.fromkeys((args.a, args.b)):
        database = bv.benchdb.ThrowawayDatabase('postgresql',
            pg_uri=args.pg_uri, name=name, keep=True, reuse=True)
        database.configure()
        Pool(name).init()
        users = bv.pick_users(name)
        for key in ['_big', '_customers', '_activities']:
            users.pop(key)
        plan_args = bv.parse_args(['--backend', 'postgresql', '--no-view']
            + [a for n in args.list for a in ['--list', n]])
        setups[name] = (users, bv.plans(plan_args, name, users, None))
    switches = []
    for b_off in args.b_off:
        # After the databases are configured: the module imports the ORM,
        # which takes its backend from the configuration
        module, _, name = b_off.rpartition('.')
        switches.append((importlib.import_module(module), name))
    if switches:
        for db in setups:
            # The rule domains are cached: keyed on the switch too, so that
            # a switch read by the rules (B may be A itself) is not served
            # the other side's domain
            keyed_on_switches(Pool(db).get('ir.rule'), switches)
    roles = bv.ROLES + ['baseline']
    labels = {'A': args.a, 'B': args.b}
    samples = {}
    for i in range(args.repeat + 2):    # two warm-up rounds
        order = ('A', 'B') if i % 2 else ('B', 'A')
        for name in args.list:
            for role in roles:
                for label in order:
                    db = labels[label]
                    users, plan = setups[db]
                    parts = {}
                    for switch in switches:
                        setattr(*switch, label == 'A')
                    with bv.request(db, users[role]):
                        start = time.perf_counter()
                        bv.list_page(plan[role]['lists'][name], parts)
                        parts['total'] = time.perf_counter() - start
                    if i >= 2:
                        for part, seconds in parts.items():
                            samples.setdefault(
                                (name, role, label, part), []).append(seconds)

    def ms(*key):
        return statistics.median(samples[key]) * 1000
    for name in args.list:
        print(f"\n{name}: median ms (ratio to no rules) [search / count / "
            f"read / tabs]; A = {args.a}, B = {args.b}"
            + (f" without {', '.join(args.b_off)}" if switches else ''))
        for role in roles:
            cells = []
            for label in ('A', 'B'):
                total = ms(name, role, label, 'total')
                steps = ' / '.join(f"{ms(name, role, label, p):.1f}"
                    for p in ['search', 'count', 'read', 'tabs'])
                cells.append(f"{total:6.1f} "
                    f"({total / ms(name, 'baseline', label, 'total'):.2f}×) "
                    f"[{steps}]")
            print(f"  {role:9} A {cells[0]}   B {cells[1]}")


if __name__ == '__main__':
    main()
