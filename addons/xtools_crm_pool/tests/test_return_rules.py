"""The auto-return rules are declared once (return_rules.py): every
declared rule has all its parts, and every place that knows the rules —
the run, the simulator, the log, the locks, the settings and their forms —
knows exactly the declared ones."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .. import return_rules
from ..auto_return import ReturnSettings
from ..configuration import DAY_LIMITS, DEFAULTS
from ..library import LIBRARY_STATES, OWNED
from ..log import LOCK_DAYS
from ..return_rules import CLOCKS, LIMITS, NO_CONTACT, RETURN_RULES
from .tools import TODAY, days

# The log's rules that are not automatic returns
OTHER_LOG_RULES = {
    None, 'manual', 'maturity', 'goal_met', 'release', 'pool_switched_off'}
CODES = {r.code for r in RETURN_RULES}


class ReturnRuleDeclarationTestCase(unittest.TestCase):
    "Each declared rule has every part (no database)"

    def test_rules_complete(self):
        "Code, label, library, clock, fact, lock and limit of each rule"
        libraries = dict(LIBRARY_STATES)
        for rule in RETURN_RULES:
            with self.subTest(rule=rule.code):
                self.assertTrue(rule.code and rule.label and rule.lock_label)
                self.assertIn(rule.library, OWNED)
                self.assertIn(rule.library, libraries)
                self.assertIn(rule.clock, CLOCKS)
                self.assertTrue(rule.fact.startswith('msg_fact_'))
                if rule.clock == NO_CONTACT:
                    # Measured against a day limit the settings hold
                    self.assertTrue(rule.limit)
                    self.assertEqual(rule.setting, f'pool_{rule.limit}')
                    self.assertIsNotNone(rule.default_days)
                else:
                    self.assertIsNone(rule.limit)
                if rule.lock_setting:
                    self.assertIsNotNone(rule.default_lock_days)
                for setting in rule.settings:
                    self.assertTrue(setting.startswith('pool_'), setting)

    def test_rules_distinct(self):
        "One rule per code and per library; limits are not shared"
        self.assertEqual(len(CODES), len(RETURN_RULES))
        self.assertEqual(
            len({r.library for r in RETURN_RULES}), len(RETURN_RULES))
        self.assertEqual(len(set(LIMITS)), len(LIMITS))
        self.assertFalse(CODES & OTHER_LOG_RULES)

    def test_selections(self):
        "return_rules' helpers agree with the declaration"
        self.assertEqual(
            [c for c, _ in return_rules.selection()],
            [r.code for r in RETURN_RULES])
        self.assertEqual(
            [c for c, _ in return_rules.lock_selection()],
            [r.code for r in RETURN_RULES])

    def test_settings_declared(self):
        "The rules' day limits and locks are checked limits with defaults"
        for rule in RETURN_RULES:
            for setting, default in [
                    (rule.setting, rule.default_days),
                    (rule.lock_setting, rule.default_lock_days)]:
                if setting:
                    self.assertIn(setting, DAY_LIMITS)
                    self.assertEqual(DEFAULTS[setting], default)
            self.assertEqual(LOCK_DAYS[rule.code], rule.lock_setting)
        self.assertEqual(set(LOCK_DAYS) - {'release'}, CODES)

    def test_settings_take_every_limit(self):
        "ReturnSettings holds the limit of each rule, and no other"
        settings = ReturnSettings(TODAY, **{n: 7 for n in LIMITS})
        for rule in RETURN_RULES:
            if rule.limit:
                self.assertEqual(settings.rule_days(rule), 7)
        with self.assertRaises(TypeError):
            ReturnSettings(TODAY, unknown_days=3)


class ReturnRuleTestCase(unittest.TestCase):
    "Every place that knows the rules knows the declared ones"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_pool')

    def selection(self, model, field):
        Model = Pool().get(model)
        return {k for k, _ in Model.fields_get([field])[field]['selection']}

    def view_fields(self, model, xml_id):
        pool = Pool()
        Model = pool.get(model)
        ModelData = pool.get('ir.model.data')
        view = Model.fields_view_get(
            view_id=ModelData.get_id('xtools_crm_pool', xml_id))
        return set(view['fields'])

    @with_transaction()
    def test_log_selection(self):
        "The log's return rules are the declared rules"
        self.assertEqual(
            self.selection('crm.pool.log', 'rule') - OTHER_LOG_RULES, CODES)
        self.assertEqual(
            self.selection('crm.pool.lock', 'rule') - {'release'}, CODES)
        for model, field in [
                ('party.party', 'crm_return_rule'),
                ('crm.pool.simulate.line', 'rule')]:
            self.assertLessEqual(CODES, self.selection(model, field))

    @with_transaction()
    def test_labels(self):
        "The log shows each rule by its declared label"
        Log = Pool().get('crm.pool.log')
        labels = dict(Log.fields_get(['rule'])['rule']['selection'])
        for rule in RETURN_RULES:
            self.assertEqual(labels[rule.code], rule.label)

    @with_transaction()
    def test_facts(self):
        "Each rule's facts are put into words by its message"
        pool = Pool()
        Log = pool.get('crm.pool.log')
        ModelData = pool.get('ir.model.data')
        for rule in RETURN_RULES:
            with self.subTest(rule=rule.code):
                self.assertTrue(
                    ModelData.get_id('xtools_crm_pool', rule.fact))
                facts = Log(
                    operation='return', rule=rule.code,
                    reference_date=TODAY - days(30), limit_days=30,
                    protection_end=TODAY - days(1),
                    )._facts(str, {})
                # In tests a missing message or value raises
                self.assertTrue(facts)

    @with_transaction()
    def test_settings_fields(self):
        "The settings hold what each rule reads, and their form shows it"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        shown = self.view_fields(
            'crm.configuration', 'configuration_view_form')
        for rule in RETURN_RULES:
            for setting in rule.settings:
                self.assertIn(setting, Configuration._fields)
                self.assertIn(setting, shown)

    @with_transaction()
    def test_simulator_fields(self):
        "The simulator tries and saves each rule's day limit"
        SimulateStart = Pool().get('crm.pool.simulate.start')
        shown = self.view_fields(
            'crm.pool.simulate.start', 'simulate_start_view_form')
        for name in LIMITS:
            self.assertIn(name, SimulateStart._fields)
            self.assertIn(name, shown)

    @with_transaction()
    def test_run_selects_every_rule(self):
        "With every limit set, the run has a condition for each rule"
        Party = Pool().get('party.party')
        settings = ReturnSettings(TODAY, **{n: 10 for n in LIMITS})
        rules = Party._crm_pool_rules(Party.__table__(), settings, TODAY)
        self.assertEqual([code for code, _ in rules],
            [r.code for r in RETURN_RULES])
        # A rule whose limit is empty is off
        for name in LIMITS:
            settings = ReturnSettings(TODAY, **{
                    n: 10 for n in LIMITS if n != name})
            rules = Party._crm_pool_rules(
                Party.__table__(), settings, TODAY)
            off = {r.code for r in RETURN_RULES if r.limit == name}
            self.assertEqual(
                {code for code, _ in rules}, CODES - off)
