import pytest

from trytond.tests.test_tryton import load_doc_tests

from xtools_crm_base.tests.scenario_runner import run_scenario, scenarios


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)


@pytest.mark.parametrize('scenario', scenarios(__file__))
def test_scenario(scenario):
    run_scenario(__name__, __file__, scenario)
