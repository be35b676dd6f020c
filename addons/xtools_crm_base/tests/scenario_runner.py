"""Run a module's scenario doctests under pytest as well as unittest.

pytest ignores unittest's ``load_tests`` hook, so without this the
``scenario_*.rst`` files would silently not run under pytest.
"""
import pathlib
import unittest

from trytond.tests.test_tryton import drop_db, load_doc_tests


def scenarios(test_file):
    "Names of the scenario files beside test_file"
    return sorted(
        p.name for p in pathlib.Path(test_file).parent.glob('scenario_*.rst'))


def run_scenario(module_name, test_file, scenario):
    "Run one scenario file and fail with the doctest report if it fails"
    # Scenarios restore the module's cached database, shared with its unit
    # tests; on PostgreSQL the restore drops the test database, which fails
    # while the unit tests' pooled connections still hold it.
    drop_db()
    loader = unittest.TestLoader()
    loader.testNamePatterns = [scenario]
    suite = load_doc_tests(
        module_name, test_file, loader, unittest.TestSuite(), None)
    assert suite.countTestCases() == 1, f"scenario {scenario} not found"
    result = unittest.TextTestRunner(verbosity=0).run(suite)
    report = '\n'.join(text for _, text in result.failures + result.errors)
    assert result.wasSuccessful(), report
