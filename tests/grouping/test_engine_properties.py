"""Properties of the grouping engine over random instances (Hypothesis)."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers.formatting import euros_from_cents
from grouping.engine import Candidate, Policy, TerritoryLevel, TradeLevel, group, upper_bound
from grouping.engine.checks import violations

EURO = 100
DEPARTEMENTS = {"19": "75", "23": "75", "87": "75", "33": "75", "75": "11", "77": "11"}
NAF_CODES = ["10.71C", "10.71D", "10.72Z", "11.01Z"]
LADDERS = [
    ((TradeLevel.SUBCLASS, TerritoryLevel.DEPARTEMENT),),
    (
        (TradeLevel.SUBCLASS, TerritoryLevel.DEPARTEMENT),
        (TradeLevel.SUBCLASS, TerritoryLevel.REGION),
    ),
    (
        (TradeLevel.SUBCLASS, TerritoryLevel.DEPARTEMENT),
        (TradeLevel.CLASS, TerritoryLevel.REGION),
        (TradeLevel.DIVISION, TerritoryLevel.NATIONAL),
        (TradeLevel.NONE, TerritoryLevel.NATIONAL),
    ),
    (
        (TradeLevel.GROUP, TerritoryLevel.REGION),
        (TradeLevel.SECTION, TerritoryLevel.NATIONAL),
    ),
]
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build_instance(size, seed):
    rng = random.Random(seed)
    ids = rng.sample(range(1, 10_000), size)
    result = []
    for request_id in ids:
        departement = rng.choice(sorted(DEPARTEMENTS))
        result.append(
            Candidate(
                request_id=request_id,
                naf_section="C",
                naf_code=rng.choice(NAF_CODES),
                departement=departement,
                region=DEPARTEMENTS[departement],
                loan=rng.randint(3_000, 30_000) * EURO,
                grant=rng.choice([0, 5_000, 10_000, 12_000]) * EURO,
            )
        )
    return result


def candidates(max_size=40):
    # A size and a seed rather than one draw per field: much faster to generate, and
    # Hypothesis still shrinks the size.
    return st.builds(build_instance, st.integers(0, max_size), st.integers(0, 2**32))


@st.composite
def policies(draw, uncapped=False):
    min_members = draw(st.integers(2, 3))
    max_members = 1_000 if uncapped else draw(st.integers(min_members, 6))
    target = draw(st.none() | st.integers(min_members, min(max_members, 8)))
    lender_minimum = draw(st.sampled_from([0, 10_000, 20_000, 30_000])) * EURO
    lender_maximum = None
    if not uncapped and draw(st.booleans()):
        lender_maximum = max(lender_minimum, draw(st.sampled_from([30_000, 50_000, 80_000])) * EURO)
    return Policy(
        ladder=draw(st.sampled_from(LADDERS)),
        min_members=min_members,
        max_members=max_members,
        target_members=target,
        target_loan=draw(st.none() | st.sampled_from([25_000 * EURO, 60_000 * EURO])),
        lender_minimum=lender_minimum,
        lender_maximum=lender_maximum,
        grant_cap=10_000 * EURO,
        loan_min=5_000 * EURO,
        loan_max=28_000 * EURO,
    )


@FAST
@given(candidates(), policies())
def test_every_bundle_honours_every_rule_and_every_request_is_accounted_for_once(instance, rules):
    assert violations(instance, rules, group(instance, rules, format_cents=euros_from_cents)) == []


@FAST
@given(candidates(), policies(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_input_order(instance, rules, rng):
    shuffled = list(instance)
    rng.shuffle(shuffled)

    assert group(shuffled, rules, format_cents=euros_from_cents) == group(
        instance, rules, format_cents=euros_from_cents
    )


@FAST
@given(candidates(), policies())
def test_no_grouping_places_more_than_the_upper_bound(instance, rules):
    result = group(instance, rules, format_cents=euros_from_cents)
    bounds = upper_bound(instance, rules)

    assert result.placed <= bounds.total
    placed_so_far = 0
    for level, bound in enumerate(bounds.per_level):
        placed_so_far += result.placed_at_level(level)
        assert placed_so_far <= bound


@FAST
@given(candidates(), policies(uncapped=True))
def test_without_member_cap_or_lender_maximum_every_placeable_request_is_placed(instance, rules):
    # The bound is tight here: a widest-step group reaching the lender minimum with
    # enough members fits in one bundle, and leftovers can always join a bundle.
    assert (
        group(instance, rules, format_cents=euros_from_cents).placed
        == upper_bound(instance, rules).total
    )


@FAST
@given(candidates(), policies(uncapped=True))
def test_on_a_one_step_ladder_without_caps_the_finest_bound_is_met(instance, rules):
    rules = Policy(
        ladder=rules.ladder[:1],
        min_members=rules.min_members,
        max_members=rules.max_members,
        target_members=rules.target_members,
        target_loan=rules.target_loan,
        lender_minimum=rules.lender_minimum,
        grant_cap=rules.grant_cap,
        loan_min=rules.loan_min,
        loan_max=rules.loan_max,
    )
    result = group(instance, rules, format_cents=euros_from_cents)

    assert result.placed_at_level(0) == upper_bound(instance, rules).finest


def test_a_large_random_campaign_is_valid_and_deterministic():
    rng = random.Random(7)
    instance = [
        Candidate(
            request_id=i,
            naf_section="C",
            naf_code=rng.choice(NAF_CODES),
            departement=(dep := rng.choice(sorted(DEPARTEMENTS))),
            region=DEPARTEMENTS[dep],
            loan=rng.randint(4_000, 29_000) * EURO,
            grant=rng.choice([0, 5_000, 11_000]) * EURO,
        )
        for i in range(3_000)
    ]
    rules = Policy(
        ladder=LADDERS[2],
        max_members=3,
        target_members=3,
        lender_minimum=20_000 * EURO,
        grant_cap=10_000 * EURO,
        loan_min=5_000 * EURO,
        loan_max=28_000 * EURO,
    )
    result = group(instance, rules, format_cents=euros_from_cents)

    assert violations(instance, rules, result) == []
    assert group(list(reversed(instance)), rules, format_cents=euros_from_cents) == result
