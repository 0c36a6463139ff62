"""A run bundles eligible requests by the declared key, widens for the leftovers, and
explains every request it leaves out."""

from decimal import Decimal

import pytest

from grouping.bundles import withdraw_member
from grouping.models import Bundle, BundleMember, GroupingRun, UnplacedRequest
from grouping.runs import run_grouping
from tests.grouping.builders import campaign_with_policy, eligible_request, officer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return campaign_with_policy()


@pytest.fixture
def creuse_pair(campaign):
    return [eligible_request(campaign, departement="23") for _ in range(2)]


def test_it_bundles_requests_sharing_the_declared_key(campaign, creuse_pair):
    result = run_grouping(campaign, actor=officer_of(campaign))

    bundle = Bundle.objects.get()
    assert bundle.state == "draft"
    assert bundle.reference == result.references[0]
    assert bundle.reference.startswith("GRP-")
    assert bundle.ladder_level == 0
    assert bundle.key_codes == ["10.71C", "23"]
    assert bundle.key_description == (
        "Boulangerie et boulangerie-pâtisserie (NAF 10.71C), Creuse (23)"
    )
    assert bundle.member_count == 2
    assert bundle.loan_total == Decimal("24000.00")
    assert bundle.grant_total == Decimal("0.00")  # a lender bundle carries loans only
    assert bundle.own_funds_total == Decimal("8000.00")
    assert bundle.cost_total == Decimal("32000.00")
    assert bundle.funder == campaign.grouping_policies.get(kind="loan").funder
    members = BundleMember.objects.filter(bundle=bundle, active=True)
    assert {m.request_id for m in members} == {r.pk for r in creuse_pair}
    assert {(m.loan, m.grant, m.status) for m in members} == {
        (Decimal("12000.00"), Decimal("0.00"), "active")
    }


def test_it_places_leftovers_at_region_level(campaign, creuse_pair):
    # Alone in their département, together in Nouvelle-Aquitaine: 12 000 + 9 000 ≥ 20 000.
    haute_vienne = eligible_request(campaign, departement="87")
    correze = eligible_request(campaign, departement="19", loan="9000")

    run_grouping(campaign, actor=None)

    widened = Bundle.objects.get(members__request=haute_vienne)
    assert widened.ladder_level == 1
    assert widened.territory_level == "region"
    assert widened.key_codes == ["10.71C", "75"]
    assert "région Nouvelle-Aquitaine" in widened.key_description
    assert set(widened.members.values_list("request_id", flat=True)) == {
        haute_vienne.pk,
        correze.pk,
    }
    assert Bundle.objects.get(members__request=creuse_pair[0]).ladder_level == 0


def test_it_explains_every_request_it_leaves_out(campaign, creuse_pair):
    lonely = eligible_request(campaign, naf="47.91A", departement="23")
    too_big = eligible_request(campaign, loan="60000")
    grant_only = eligible_request(campaign, loan="0", grant="8000")  # not a loan line

    result = run_grouping(campaign, actor=None)

    reasons = {u.request_id: u for u in UnplacedRequest.objects.filter(run=result.run)}
    assert set(reasons) == {lonely.pk, too_big.pk}
    assert grant_only.pk not in set(BundleMember.objects.values_list("request_id", flat=True))
    assert reasons[lonely.pk].code == "too_few_members"
    assert "Vente à distance sur catalogue général (NAF 47.91A)" in reasons[lonely.pk].reason
    assert "région Nouvelle-Aquitaine" in reasons[lonely.pk].reason
    assert reasons[too_big.pk].code == "loan_out_of_band"
    assert "hors de la fourchette" in reasons[too_big.pk].reason
    assert [u.request_id for u in result.unplaced] == sorted(reasons)


def test_the_run_records_who_what_and_how_many(campaign, creuse_pair):
    officer = officer_of(campaign)
    eligible_request(campaign, naf="47.91A")

    result = run_grouping(campaign, actor=officer)

    run = GroupingRun.objects.get()
    assert run == result.run
    assert run.status == "done"
    assert run.actor == officer
    assert not run.dry_run
    assert (run.eligible_count, run.placed_count, run.unplaced_count, run.bundle_count) == (
        3,
        2,
        1,
        1,
    )
    assert run.duration is not None
    assert set(run.timings) == {"read", "group", "write"}
    assert run.policy["ladder"] == [["subclass", "departement"], ["subclass", "region"]]
    assert run.policy["lender_minimum"] == 2_000_000  # cents, from the parameter table
    assert run.policy["funder"]["id"] == campaign.grouping_policies.get(kind="loan").funder_id


def test_a_dry_run_writes_no_bundle_but_shows_them(campaign, creuse_pair):
    result = run_grouping(campaign, actor=None, dry_run=True)

    assert not Bundle.objects.exists()
    assert not BundleMember.objects.exists()
    assert result.run.dry_run and result.run.status == "done"
    [summary] = list(result.bundles())
    assert summary.reference is None
    assert summary.key == ("10.71C", "23")
    assert summary.level_label == "sous-classe NAF × département"
    assert summary.loan_total == Decimal("24000.00")


def test_a_new_run_keeps_a_proposal_it_makes_again_unchanged(campaign, creuse_pair):
    run_grouping(campaign, actor=None)
    old = Bundle.objects.get()

    second = run_grouping(campaign, actor=None)

    assert Bundle.objects.get() == old  # same row, same reference
    assert second.references == (old.reference,)
    assert (second.run.kept_count, second.run.superseded_count) == (1, 0)
    assert BundleMember.objects.filter(active=True).count() == 2


def test_a_new_run_replaces_the_proposals_that_changed(campaign, creuse_pair):
    run_grouping(campaign, actor=None)
    old = Bundle.objects.get()
    newcomer = eligible_request(campaign, departement="23")

    second = run_grouping(campaign, actor=None)

    assert not Bundle.objects.filter(pk=old.pk).exists()
    new = Bundle.objects.get()
    assert new.reference != old.reference
    assert new.member_count == 3
    assert set(new.members.values_list("request_id", flat=True)) == {
        *(r.pk for r in creuse_pair),
        newcomer.pk,
    }
    assert (second.run.kept_count, second.run.superseded_count) == (0, 1)
    assert BundleMember.objects.count() == 3


def test_a_new_run_replaces_a_proposal_whose_member_was_withdrawn(campaign, creuse_pair):
    third = eligible_request(campaign, departement="23")
    run_grouping(campaign, actor=None)
    old = Bundle.objects.get()
    withdraw_member(old, old.members.get(request=third), actor=None)

    second = run_grouping(campaign, actor=None)

    assert not Bundle.objects.filter(pk=old.pk).exists()  # its history went with it
    assert Bundle.objects.get().member_count == 3
    assert second.run.superseded_count == 1


def test_a_dry_run_counts_the_drafts_requests_as_free(campaign, creuse_pair):
    run_grouping(campaign, actor=None)

    preview = run_grouping(campaign, actor=None, dry_run=True)

    assert preview.run.eligible_count == 2
    assert len(preview.proposed.bundles) == 1
    assert Bundle.objects.get().state == "draft"  # untouched


def test_two_runs_over_the_same_requests_give_the_same_bundles(campaign):
    for departement, loan in [("23", "7000"), ("87", "15000"), ("23", "14000"), ("19", "6000")]:
        eligible_request(campaign, departement=departement, loan=loan)
    for _ in range(3):
        eligible_request(campaign, naf="43.21A", departement="87", loan="9000")

    runs = [run_grouping(campaign, actor=None, dry_run=True) for _ in range(2)]

    assert runs[0].proposed == runs[1].proposed
