"""A campaign's grouping rules: validated in words, and read with the funder's dated numbers."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dossiers.workflow import Forbidden, Refused
from grouping.engine import TerritoryLevel, TradeLevel
from grouping.models import GroupingPolicy, GroupingRun
from grouping.runs import run_grouping
from tests.factories import CampaignFactory, FunderFactory
from tests.grouping.builders import (
    analyst_of,
    campaign_with_policy,
    funder_parameter,
    officer_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return campaign_with_policy()


@pytest.fixture
def policy(campaign):
    return campaign.grouping_policies.get(kind="loan")


def errors_of(policy) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as invalid:
        policy.full_clean()
    return invalid.value.message_dict


def test_the_ladder_must_widen_step_after_step(policy):
    policy.widening = [["division", "region"], ["subclass", "national"]]

    assert errors_of(policy)["widening"] == [
        "Étape 3 : « sous-classe NAF × France entière » n'élargit pas « division NAF × "
        "région » ; chaque étape doit être au moins aussi large que la précédente, en "
        "activité comme en territoire."
    ]


def test_every_step_declares_a_common_key(policy):
    policy.widening = [["subclass", "region"], ["none", "national"]]

    assert "ne déclare aucune clé commune" in errors_of(policy)["widening"][0]


def test_an_unknown_level_is_named(policy):
    policy.widening = [["metier", "region"]]

    assert errors_of(policy)["widening"][0].startswith('Étape 2 : ["metier", "region"] n')


def test_member_bounds_and_target_are_checked(policy):
    policy.min_members, policy.max_members, policy.target_members = 4, 3, 8

    errors = errors_of(policy)

    assert errors["max_members"] == ["Le maximum de membres est inférieur au minimum."]
    assert "target_members" in errors


def test_the_funder_must_fund_the_campaign(policy):
    policy.funder = FunderFactory()

    assert errors_of(policy)["funder"] == [
        "Ce financeur ne fait pas partie des financeurs de la campagne."
    ]


def test_the_engine_policy_uses_the_funders_own_dated_numbers(policy):
    funder_parameter(policy.funder, "lender_minimum", "30000", valid_from=date(2026, 1, 1))
    funder_parameter(policy.funder, "lender_maximum", "150000")

    engine = policy.to_engine_policy(date(2026, 6, 1))

    assert engine.ladder == (
        (TradeLevel.SUBCLASS, TerritoryLevel.DEPARTEMENT),
        (TradeLevel.SUBCLASS, TerritoryLevel.REGION),
    )
    assert engine.lender_minimum == 3_000_000
    assert engine.lender_maximum == 15_000_000
    assert (engine.loan_min, engine.loan_max, engine.grant_cap) == (500_000, 5_000_000, 1_000_000)
    assert policy.to_engine_policy(date(2025, 6, 1)).lender_minimum == 2_000_000  # general row


def test_no_lender_maximum_means_no_ceiling(policy):
    assert policy.to_engine_policy(date(2026, 6, 1)).lender_maximum is None


def test_a_campaign_without_rules_cannot_be_grouped():
    campaign = CampaignFactory()

    with pytest.raises(Refused) as refused:
        run_grouping(campaign, actor=None)

    assert refused.value.problems == [
        f"La campagne {campaign.reference} n'a pas de règles de regroupement des prêts : "
        "la fédération doit les saisir."
    ]
    assert not GroupingRun.objects.exists()


def test_a_missing_parameter_is_explained(policy):
    with pytest.raises(Refused) as refused:
        run_grouping(policy.campaign, actor=None, on=date(2023, 6, 1))

    assert refused.value.problems[0].startswith(
        "Aucune valeur du paramètre « Plafond de subvention par membre (€) » n'est en vigueur "
        "le 01/06/2023."
    )


def test_only_the_campaigns_federation_runs_its_grouping(campaign):
    with pytest.raises(Forbidden):
        run_grouping(campaign, actor=officer_of(CampaignFactory()))
    with pytest.raises(Forbidden):
        run_grouping(campaign, actor=analyst_of(campaign.grouping_policies.get(kind="loan").funder))


def test_policies_are_one_per_campaign(policy):
    assert GroupingPolicy.objects.filter(campaign=policy.campaign).count() == 1
