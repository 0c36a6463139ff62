"""A grouping policy refuses settings that cannot describe a funder's rules."""

import pytest

from grouping.engine import Policy, TerritoryLevel, TradeLevel

SUBCLASS_DEPARTEMENT = (TradeLevel.SUBCLASS, TerritoryLevel.DEPARTEMENT)
SUBCLASS_REGION = (TradeLevel.SUBCLASS, TerritoryLevel.REGION)
CLASS_DEPARTEMENT = (TradeLevel.CLASS, TerritoryLevel.DEPARTEMENT)


def policy(**changes):
    settings = {
        "ladder": (SUBCLASS_DEPARTEMENT, SUBCLASS_REGION),
        "min_members": 2,
        "max_members": 10,
        "lender_minimum": 2_000_000,
        "grant_cap": 1_000_000,
        "loan_min": 500_000,
        "loan_max": 5_000_000,
    }
    settings.update(changes)
    return Policy(**settings)


def test_a_sensible_policy_is_accepted():
    assert policy().ladder == (SUBCLASS_DEPARTEMENT, SUBCLASS_REGION)


def test_a_ladder_given_as_a_list_is_stored_as_a_tuple():
    assert policy(ladder=[list(SUBCLASS_DEPARTEMENT)]).ladder == (SUBCLASS_DEPARTEMENT,)


def test_it_refuses_bundles_of_fewer_than_two_members():
    with pytest.raises(ValueError, match="min_members must be at least 2"):
        policy(min_members=1)


def test_it_refuses_a_member_cap_below_the_member_floor():
    with pytest.raises(ValueError, match=r"max_members \(3\) is below min_members \(4\)"):
        policy(min_members=4, max_members=3)


def test_it_refuses_an_empty_ladder():
    with pytest.raises(ValueError, match="ladder is empty"):
        policy(ladder=())


def test_it_refuses_a_ladder_that_narrows():
    with pytest.raises(ValueError, match="ladder is not monotone"):
        policy(ladder=(SUBCLASS_REGION, SUBCLASS_DEPARTEMENT))


def test_it_refuses_a_ladder_step_that_widens_one_way_and_narrows_the_other():
    with pytest.raises(ValueError, match="ladder is not monotone"):
        policy(ladder=(SUBCLASS_REGION, CLASS_DEPARTEMENT))


def test_it_refuses_a_repeated_ladder_step():
    with pytest.raises(ValueError, match="ladder repeats the step"):
        policy(ladder=(SUBCLASS_DEPARTEMENT, SUBCLASS_DEPARTEMENT))


def test_it_refuses_a_ladder_step_that_is_not_a_pair_of_levels():
    with pytest.raises(ValueError, match="is not a"):
        policy(ladder=(("subclass", "departement"),))


def test_it_refuses_amounts_that_are_not_integer_cents():
    with pytest.raises(ValueError, match="integer cents"):
        policy(lender_minimum=20_000.0)


def test_it_refuses_a_target_size_outside_the_member_bounds():
    with pytest.raises(ValueError, match="target_members"):
        policy(target_members=11)


def test_it_refuses_a_non_positive_target_loan():
    with pytest.raises(ValueError, match="target_loan must be positive"):
        policy(target_loan=0)


def test_it_refuses_a_lender_maximum_below_the_lender_minimum():
    with pytest.raises(ValueError, match="lender_maximum"):
        policy(lender_maximum=1_000_000)


def test_it_refuses_an_upside_down_loan_band():
    with pytest.raises(ValueError, match="loan_max"):
        policy(loan_min=5_000_000, loan_max=500_000)


def test_it_refuses_a_negative_grant_cap():
    with pytest.raises(ValueError, match="grant_cap"):
        policy(grant_cap=-1)
