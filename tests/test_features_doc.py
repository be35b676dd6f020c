"""docs/features.md stays the map of the code: it lists every feature id,
every file it names exists, and every "SPEC X9" reference in the code
names a feature it lists. (No server: these run in a second.)"""
import re

from support.env import ROOT

DOC = ROOT / 'docs' / 'features.md'
FEATURES = {'B': 12, 'S': 11, 'K': 11, 'V': 4, 'P': 7, 'R': 4, 'M': 4}
ADDONS = ['base', 'sales', 'stock', 'service', 'pool', 'reports']
FILE = re.compile(r'`([\w./-]+\.(?:py|xml|rst|cfg|md|sh))`')
# An addon named just before a file: "sales `deal_approval.py`"
ADDON_FILE = re.compile(
    r'\b(%s)\s+`([\w./-]+\.\w+)`' % '|'.join(ADDONS))
SPEC_REFERENCE = re.compile(
    r'SPEC ([BSKVPRM]\d+(?:\s*(?:[,/–-]|and)\s*[BSKVPRM]?\d+)*)')


def documented_ids():
    return set(re.findall(r'^\*\*([BSKVPRM]\d+) ', DOC.read_text(), re.M))


def test_every_feature_is_listed():
    expected = {f'{letter}{n}' for letter, count in FEATURES.items()
        for n in range(1, count + 1)}
    assert documented_ids() == expected


def blocks():
    """(addon of the section, text of each paragraph or bullet)"""
    addon = None
    for block in re.split(r'\n(?=\s*- |\n|## )', DOC.read_text()):
        section = re.match(r'\s*## \w — xtools_crm_(\w+)', block)
        if section:
            addon = section.group(1)
        elif block.lstrip().startswith('## '):
            addon = None
        yield addon, block


def named_files():
    "(path as written, the places it may be) of every file named"
    for addon, block in blocks():
        current = addon
        switches = {m.start(2) - 1: m.group(1)
            for m in ADDON_FILE.finditer(block)}
        for match in FILE.finditer(block):
            current = switches.get(match.start(), current)
            name = match.group(1)
            if '/' in name:
                yield name, [ROOT / name]
            elif current:
                folder = ROOT / 'addons' / f'xtools_crm_{current}'
                yield name, [folder / name, folder / 'tests' / name]
            else:
                yield name, [ROOT / name]


def test_named_files_exist():
    files = list(named_files())
    missing = [(name, [str(p.relative_to(ROOT)) for p in places])
        for name, places in files if not any(p.exists() for p in places)]
    assert not missing, "docs/features.md names files that are not there"
    assert len(files) > 100


def code_references():
    for folder in ('addons', 'tests', 'demo', 'bench', 'scripts'):
        for path in (ROOT / folder).rglob('*'):
            if path.suffix not in {'.py', '.xml', '.rst'} \
                    or '__pycache__' in path.parts:
                continue
            for match in SPEC_REFERENCE.finditer(path.read_text()):
                yield path.relative_to(ROOT), match.group(1)


def expand(reference):
    "'P1-P3, P5' → P1 P2 P3 P5"
    ids, letter = [], None
    for part in re.split(r'\s*(?:,|/|and)\s*', reference):
        match = re.fullmatch(
            r'([BSKVPRM])?(\d+)(?:\s*[–-]\s*[BSKVPRM]?(\d+))?', part)
        letter = match.group(1) or letter
        last = int(match.group(3) or match.group(2))
        ids += [f'{letter}{n}' for n in range(int(match.group(2)), last + 1)]
    return ids


def test_spec_references_name_listed_features():
    listed = documented_ids()
    unknown = [(str(path), ref) for path, ref in code_references()
        if not set(expand(ref)) <= listed]
    assert not unknown
    assert len(list(code_references())) > 40
