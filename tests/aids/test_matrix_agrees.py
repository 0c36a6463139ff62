"""Property: the vectorised router (aids.matrix) gives, pair for pair, the evaluator's
verdict; a campaign's counts per scheme are the evaluator's verdicts counted."""

from hypothesis import given, settings
from hypothesis import strategies as st

from aids.evaluator import evaluate
from aids.matrix import ApplicantArrays, CompiledCatalogue
from tests.aids.strategies import applicants, days, schemes

CODES = {"eligible": 0, "unknown": 1, "not_eligible": 2}


@settings(max_examples=150, deadline=None)
@given(
    catalogue=st.lists(schemes(), min_size=1, max_size=6),
    people=st.lists(applicants(), min_size=1, max_size=6),
    on=days,
)
def test_the_matrix_agrees_with_the_evaluator(catalogue, people, on):
    compiled = CompiledCatalogue(catalogue, on)
    status = compiled.statuses(ApplicantArrays.from_applicants(people, on))
    for i, scheme in enumerate(catalogue):
        for j, person in enumerate(people):
            assert status[i, j] == CODES[evaluate(person, scheme, on).status], (scheme, person)
    eligible, unknown = compiled.counts([ApplicantArrays.from_applicants(people, on)])
    assert list(eligible) == [int((row == 0).sum()) for row in status]
    assert list(unknown) == [int((row == 1).sum()) for row in status]
