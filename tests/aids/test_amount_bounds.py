"""Property: whatever the scheme and the request, the estimated amount never exceeds the
scheme's ceiling, the de minimis room left, or the plan's eligible cost; and a grant added
to the plan never makes grants exceed the cost."""

from hypothesis import given, settings

from aids.evaluator import FAIL, evaluate
from tests.aids.strategies import applicants, days, schemes


@settings(max_examples=400, deadline=None)
@given(scheme=schemes(), applicant=applicants(), on=days)
def test_the_estimated_amount_respects_every_bound(scheme, applicant, on):
    verdict = evaluate(applicant, scheme, on)
    if verdict.status == FAIL:
        assert verdict.amount is None
        return
    amount = verdict.amount
    assert 0 < amount <= scheme.ceiling
    if scheme.regime == "de_minimis" and applicant.de_minimis_room is not None:
        assert amount <= applicant.de_minimis_room
    cost = applicant.eligible_cost
    if cost is not None:
        assert amount <= cost
        if scheme.rate is not None:
            assert amount <= cost * scheme.rate
        if scheme.aid_type == "grant":
            assert applicant.planned_grant + amount <= cost
        if scheme.max_public_rate is not None:
            assert applicant.planned_grant + amount <= cost * scheme.max_public_rate


@settings(max_examples=200, deadline=None)
@given(scheme=schemes(), applicant=applicants(), on=days)
def test_every_verdict_gives_a_reason_per_criterion_and_names_what_is_missing(
    scheme, applicant, on
):
    verdict = evaluate(applicant, scheme, on)
    assert len(verdict.criteria) >= 12
    assert all(c.reason for c in verdict.criteria)
    if verdict.status == "unknown":
        assert verdict.missing
