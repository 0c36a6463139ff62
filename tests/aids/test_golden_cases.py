"""Every scheme of the shipped catalogue has golden cases, and the evaluator (and the
matrix that routes campaigns) answers each of them exactly."""

import json
from decimal import Decimal

import pytest

from aids.catalogue import check_catalogue
from aids.evaluator import evaluate
from aids.matrix import ApplicantArrays, CompiledCatalogue
from tests.aids.golden import CATALOGUE, load_cases

SCHEMES = {
    scheme.slug: scheme
    for _, scheme in check_catalogue(json.loads(CATALOGUE.read_text(encoding="utf-8")))
}
CASES = load_cases()
STATUS_CODES = {"eligible": 0, "unknown": 1, "not_eligible": 2}


def test_every_scheme_of_the_catalogue_has_golden_cases():
    assert {case.scheme for case in CASES} == set(SCHEMES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.scheme}: {c.name}")
def test_the_evaluator_answers_the_golden_case(case):
    verdict = evaluate(case.applicant, SCHEMES[case.scheme], case.on)
    expected = case.expected
    assert verdict.status == expected["verdict"], [c for c in verdict.criteria]
    amount = expected.get("amount")
    assert verdict.amount == (None if amount is None else Decimal(amount))
    statuses = {c.name: c.status for c in verdict.criteria}
    for name, status in expected.get("criteria", {}).items():
        assert statuses[name] == status, name
    if "missing" in expected:
        assert verdict.missing == expected["missing"]
    assert all(c.reason for c in verdict.criteria), "every criterion gives its reason"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.scheme}: {c.name}")
def test_the_campaign_matrix_gives_the_same_verdict(case):
    catalogue = CompiledCatalogue([SCHEMES[case.scheme]], case.on)
    status = catalogue.statuses(ApplicantArrays.from_applicants([case.applicant], case.on))
    assert status[0, 0] == STATUS_CODES[case.expected["verdict"]]
