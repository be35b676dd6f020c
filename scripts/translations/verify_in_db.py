#!/usr/bin/env python3
"""Check our zh_CN override files against the rows of a real database.

trytond applies an override entry by looking up exactly one existing
ir.translation row (``override_translation`` in trytond/ir/translation.py);
no row or several rows abort the whole module update.  This script does the
same lookups for every entry of every override file, then imports the files
the way trytond does (inside a transaction that is rolled back) and checks
that each row ends with our value and is no longer fuzzy.

The database must have the overridden Tryton modules activated with zh_CN
loaded (``trytond-admin -d DB -u sale stock ... -l zh_CN``); the XToolsCRM
addons themselves need not be activated.

    TRYTOND_DATABASE__URI=sqlite:// TRYTOND_DATABASE__PATH=/tmp/trx \\
        .venv/bin/python scripts/translations/verify_in_db.py DBNAME [ADDON ...]

Exit status 1 when an entry would fail or not take effect.
"""
import os
import sys

import polib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zh_cn_coverage as coverage  # noqa: E402

SRC_TYPES = coverage.SRC_TYPES


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    dbname, addons = sys.argv[1], sys.argv[2:] or list(coverage.TARGETS)

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(dbname)
    pool.init()
    problems = 0
    with Transaction().start(dbname, 0, readonly=False) as transaction:
        Translation = pool.get('ir.translation')
        ModelData = pool.get('ir.model.data')
        Module = pool.get('ir.module')
        activated = {m.name for m in Module.search(
                [('state', '=', 'activated')])}
        for addon in addons:
            path = coverage.override_path(addon)
            if not os.path.exists(path):
                continue
            entries = [e for e in polib.pofile(path) if not e.obsolete]
            expected = {}
            for entry in entries:
                ttype, name, res_id = entry.msgctxt.split(':')
                module, fs_id = res_id.split('.', 1)
                where = '%s: %s %r' % (addon, entry.msgctxt, entry.msgid[:40])
                if module not in activated:
                    print('ERROR %s: module %s is not activated' % (
                            where, module))
                    problems += 1
                    continue
                if fs_id:
                    data = ModelData.search([
                            ('module', '=', module), ('fs_id', '=', fs_id)])
                    if len(data) != 1:
                        print('ERROR %s: %d model data' % (where, len(data)))
                        problems += 1
                        continue
                    db_id = data[0].db_id
                else:
                    db_id = -1
                domain = [
                    ('name', '=', name),
                    ('res_id', '=', db_id),
                    ('lang', '=', coverage.LANG),
                    ('type', '=', ttype),
                    ('module', '=', module),
                    ]
                if ttype in SRC_TYPES:
                    domain.append(('src', '=', entry.msgid))
                    domain.append(('src_plural', '=', entry.msgid_plural or None))
                rows = Translation.search(domain)
                if len(rows) != 1:
                    print('ERROR %s: %d rows (trytond needs exactly 1)' % (
                            where, len(rows)))
                    problems += 1
                    continue
                expected[rows[0].id] = (where, entry.msgstr)
            if problems:
                continue
            # Apply as trytond does when the addon is activated or updated.
            Translation.translation_import(coverage.LANG, addon, [path])
            for row in Translation.browse(list(expected)):
                where, value = expected[row.id]
                if row.value != value or row.fuzzy:
                    print('ERROR %s: after import value=%r fuzzy=%s' % (
                            where, row.value, row.fuzzy))
                    problems += 1
            print('%s: %d entries, %d rows checked' % (
                    addon, len(entries), len(expected)))
        transaction.rollback()
    print('problems: %d' % problems)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
