"""The grouping engine bundles requests along the policy's ladder and explains the rest."""

import pytest

from dossiers.formatting import euros_from_cents
from grouping.engine import (
    Candidate,
    Policy,
    TerritoryLevel,
    TradeLevel,
    UnplacedCode,
    group,
    upper_bound,
)
from grouping.engine.checks import violations

EURO = 100
REGION_OF = {"19": "75", "23": "75", "87": "75", "75": "11"}
SUBCLASS_DEPARTEMENT = (TradeLevel.SUBCLASS, TerritoryLevel.DEPARTEMENT)
SUBCLASS_REGION = (TradeLevel.SUBCLASS, TerritoryLevel.REGION)


def request(request_id, *, dep="23", naf="10.71C", loan=10_000, grant=5_000, nafa=None):
    return Candidate(
        request_id=request_id,
        naf_section="C",
        naf_code=naf,
        nafa_code=nafa,
        departement=dep,
        region=REGION_OF[dep],
        loan=loan * EURO,
        grant=grant * EURO,
    )


def policy(**changes):
    settings = {
        "ladder": (SUBCLASS_DEPARTEMENT, SUBCLASS_REGION),
        "min_members": 2,
        "max_members": 10,
        "lender_minimum": 20_000 * EURO,
        "grant_cap": 10_000 * EURO,
        "loan_min": 5_000 * EURO,
        "loan_max": 50_000 * EURO,
    }
    settings.update(changes)
    return Policy(**settings)


def grouped(candidates, rules):
    result = group(candidates, rules, format_cents=euros_from_cents)
    assert violations(candidates, rules, result) == []
    return result


def test_requests_sharing_trade_and_departement_form_one_bundle():
    result = grouped([request(1), request(2), request(3)], policy())

    [bundle] = result.bundles
    assert bundle.key == ("10.71C", "23")
    assert bundle.level == 0
    assert bundle.member_ids == (1, 2, 3)
    assert bundle.loan_total == 30_000 * EURO
    assert bundle.grant_total == 15_000 * EURO
    assert result.unplaced == []


def test_leftovers_of_a_departement_are_placed_at_region_level():
    candidates = [
        request(1, dep="23", loan=12_000),
        request(2, dep="23", loan=10_000),
        request(3, dep="87", loan=6_000),
        request(4, dep="19", loan=15_000),
    ]

    result = grouped(candidates, policy())

    assert [(b.level, b.key, b.member_ids) for b in result.bundles] == [
        (0, ("10.71C", "23"), (1, 2)),
        (1, ("10.71C", "75"), (3, 4)),
    ]


def test_an_empty_campaign_gives_an_empty_result():
    result = grouped([], policy())

    assert result.bundles == [] and result.unplaced == []


def test_bundles_keep_between_min_and_max_members():
    candidates = [request(i) for i in range(1, 8)]

    result = grouped(candidates, policy(max_members=3, target_members=3))

    assert sorted(len(b.member_ids) for b in result.bundles) == [2, 2, 3]
    assert result.placed == 7


def test_bundles_are_sized_near_the_target_member_count():
    result = grouped([request(i) for i in range(1, 13)], policy(target_members=4))

    assert [len(b.member_ids) for b in result.bundles] == [4, 4, 4]


def test_a_loan_target_gives_fewer_larger_bundles():
    result = grouped([request(i) for i in range(1, 13)], policy(target_loan=60_000 * EURO))

    assert [b.loan_total for b in result.bundles] == [60_000 * EURO, 60_000 * EURO]


def test_the_lender_maximum_splits_bundles():
    candidates = [request(i, loan=30_000) for i in range(1, 5)]

    result = grouped(candidates, policy(lender_maximum=70_000 * EURO))

    assert [b.loan_total for b in result.bundles] == [60_000 * EURO, 60_000 * EURO]


def test_a_loan_outside_the_product_band_is_rejected_with_its_reason():
    result = grouped([request(1, loan=3_000), request(2), request(3)], policy())

    [refused] = result.unplaced
    assert refused.request_id == 1
    assert refused.code == UnplacedCode.LOAN_OUT_OF_BAND
    assert euros_from_cents(300_000) in refused.reason
    assert "fourchette" in refused.reason
    assert result.bundles[0].member_ids == (2, 3)


def test_a_request_without_a_loan_is_told_the_bundles_go_to_a_lender():
    result = grouped([request(1, loan=0), request(2), request(3)], policy())

    [refused] = result.unplaced
    assert refused.code == UnplacedCode.LOAN_OUT_OF_BAND
    assert refused.reason.startswith("Aucun prêt demandé : ")
    assert "Prêt demandé 0,00" not in refused.reason


def test_a_grant_above_the_cap_is_rejected_with_its_reason():
    result = grouped([request(1, grant=12_000), request(2), request(3)], policy())

    [refused] = result.unplaced
    assert refused.code == UnplacedCode.GRANT_ABOVE_CAP
    assert euros_from_cents(1_200_000) in refused.reason
    assert euros_from_cents(1_000_000) in refused.reason


def test_a_loan_above_the_lender_maximum_is_rejected():
    rules = policy(lender_maximum=40_000 * EURO)

    result = grouped([request(1, loan=45_000), request(2), request(3)], rules)

    assert [u.code for u in result.unplaced] == [UnplacedCode.LOAN_ABOVE_LENDER_MAXIMUM]


def test_the_reason_for_a_short_group_gives_counts_totals_and_the_widest_level():
    candidates = [
        request(1, loan=5_000),
        request(2, loan=4_200),
        request(3, loan=5_000),
    ]
    seen = []

    def labels(trade, territory, key):
        seen.append((trade, territory, key))
        return "Boulangerie (10.71C) en Nouvelle-Aquitaine"

    rules = policy(loan_min=1_000 * EURO)
    result = group(candidates, rules, describe_key=labels, format_cents=euros_from_cents)

    assert result.bundles == []
    assert {u.code for u in result.unplaced} == {UnplacedCode.BELOW_LENDER_MINIMUM}
    reason = result.unplaced[0].reason
    assert reason.startswith("Boulangerie (10.71C) en Nouvelle-Aquitaine : 3 demandes")
    assert f"prêts totaux {euros_from_cents(1_420_000)} < minimum prêteur" in reason
    assert euros_from_cents(2_000_000) in reason
    assert reason.endswith("même au niveau sous-classe NAF × région")
    assert seen == [(TradeLevel.SUBCLASS, TerritoryLevel.REGION, ("10.71C", "75"))]


def test_a_lone_request_is_reported_as_too_few_members_with_raw_codes_by_default():
    result = group([request(1, naf="62.01Z")], policy(), format_cents=euros_from_cents)

    [alone] = result.unplaced
    assert alone.code == UnplacedCode.TOO_FEW_MEMBERS
    assert alone.reason.startswith("sous-classe 62.01Z, région 75 : 1 demande sans dossier")
    assert "au moins 2 par dossier" in alone.reason


def test_a_leftover_joins_a_bundle_with_room_rather_than_stay_out():
    candidates = [request(1, loan=12_000), request(2, loan=10_000), request(3, dep="87")]

    result = grouped(candidates, policy())

    [bundle] = result.bundles
    assert bundle.member_ids == (1, 2, 3)
    assert (bundle.level, bundle.key) == (1, ("10.71C", "75"))


def test_the_nafa_level_falls_back_to_the_naf_code():
    rules = policy(ladder=((TradeLevel.NAFA, TerritoryLevel.DEPARTEMENT),))
    candidates = [
        request(1, nafa="10.71CA"),
        request(2, nafa="10.71CA"),
        request(3),
        request(4),
    ]

    result = grouped(candidates, rules)

    assert [b.key for b in result.bundles] == [("10.71C", "23"), ("10.71CA", "23")]


def test_the_upper_bound_accounts_for_the_member_cap_and_the_lender_minimum():
    candidates = [request(i) for i in range(1, 6)]  # 5 x 10 000 EUR: two bundles at most
    rules = policy(max_members=2, target_members=2)

    bounds = upper_bound(candidates, rules)

    assert (bounds.finest, bounds.total, bounds.per_level) == (4, 4, (4, 4))
    assert grouped(candidates, rules).placed == 4


def test_the_same_request_twice_is_refused():
    with pytest.raises(ValueError, match="request_id 1 appears more than once"):
        group([request(1), request(1)], policy(), format_cents=euros_from_cents)


def test_a_departement_filed_under_two_regions_is_refused():
    odd = Candidate(
        request_id=2,
        naf_section="C",
        naf_code="10.71C",
        departement="23",
        region="84",
        loan=1_000_000,
        grant=0,
    )
    with pytest.raises(ValueError, match="inconsistent candidate data"):
        group([request(1), odd], policy(), format_cents=euros_from_cents)


def test_amounts_are_written_the_french_way():
    assert euros_from_cents(1_420_000) == "14\u202f200,00\u00a0€"
    assert euros_from_cents(5) == "0,05\u00a0€"
    assert euros_from_cents(-123_456_789) == "-1\u202f234\u202f567,89\u00a0€"


def test_candidates_may_come_from_a_generator():
    result = group((request(i) for i in range(1, 4)), policy(), format_cents=euros_from_cents)

    assert result.placed == 3
