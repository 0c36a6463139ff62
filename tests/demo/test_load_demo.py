"""The demo data: every state, coherent histories, valid identifiers, collective files
made by the bundles' own services, and idempotent."""

import pytest
from django.db import transaction
from django.utils import timezone
from stdnum.fr import siret

from accounts.models import User
from demo.collective import load_collective_files
from dossiers import demo
from dossiers.eligibility.rules import campaign_problems
from dossiers.models import Enterprise, FundingRequest, RequestState, RequestTransition
from dossiers.models.funding_request import CLOSED
from dossiers.permissions import is_receiving_funder
from dossiers.undertaking import ENDED, undertaking_grant_room, undertaking_sirens
from exports.build import latest_build
from grouping.models import Bundle, BundleMember, UnplacedRequest

pytestmark = pytest.mark.django_db
SMES = 150  # enough for coinciding collectives decided on both lines


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """Load the demo once for the module, in a transaction rolled back after its last test.

    Each test runs in a savepoint inside it, as with Django's ``setUpTestData``.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        counts = demo.load_demo(smes=SMES, seed=7)
        counts["bundles"] = load_collective_files(seed=7)
        yield counts
        transaction.set_rollback(True)


def test_it_creates_what_it_reports(counts):
    assert counts["campaigns"] == 3
    assert counts["organisations"] == 6
    assert counts["enterprises"] == counts["requests"] == SMES
    # The collective files add their members' group, send and decision rows afterwards.
    assert SMES < counts["transitions"] < RequestTransition.objects.count()


def test_every_state_is_present(counts):
    present = set(FundingRequest.objects.values_list("state", flat=True))

    assert present == set(RequestState.values)


def test_each_history_is_a_chain_from_draft_to_the_current_state(counts):
    for request in FundingRequest.objects.prefetch_related("history"):
        rows = list(request.history.all())
        if request.state == "draft":
            assert rows == []
            continue
        assert rows[0].from_state == "draft"
        assert all(a.to_state == b.from_state for a, b in zip(rows, rows[1:], strict=False))
        assert rows[-1].to_state == request.state
        assert request.version == 2 + len(rows)  # created, plan set, then one per transition


def test_decisions_were_made_by_the_receiving_funder_and_grouping_by_the_federation(counts):
    for log in RequestTransition.objects.select_related("actor", "request__campaign"):
        if log.transition in ("group", "send"):
            assert log.actor.organisation_id == log.request.campaign.federation_id
        elif log.transition in ("approve", "decline"):  # by the funder of the last line
            assert is_receiving_funder(log.request, log.actor)
        else:
            assert log.actor is not None
    for request in FundingRequest.objects.filter(state__in=["sent", *CLOSED]):
        if request.sent_to_id:
            assert request.campaign.funders.filter(pk=request.sent_to_id).exists()


def test_identifiers_and_activities_are_valid(counts):
    for enterprise in Enterprise.objects.select_related():
        siret.validate(enterprise.siret)
        assert enterprise.siret.startswith(enterprise.siren)
        enterprise.full_clean()


def test_grouped_sent_and_decided_requests_are_members_of_real_bundles(counts):
    assert counts["bundles"]["sealed"] and counts["bundles"]["submitted"]
    assert counts["bundles"]["decided"]
    later = FundingRequest.objects.filter(state__in=["grouped", "sent", "approved", "declined"])
    for request in later:
        # Every financed line in a collective at least as far on as the request.
        lines = {
            m.line: m for m in BundleMember.objects.select_related("bundle").filter(request=request)
        }
        assert set(lines) == set(request.financed_lines)
        expected = {"grouped": {"sealed", "ready", "submitted", "decided", "closed"}}
        expected["sent"] = {"submitted", "decided", "closed"}
        for member in lines.values():
            assert member.bundle.state in expected.get(request.state, {"decided", "closed"})
            assert request.history.filter(note__contains=member.bundle.reference).exists()


def test_no_eligible_request_stays_unplaced_for_asking_no_loan(counts):
    grant_only = FundingRequest.objects.filter(state="eligible", loan_amount=0, grant_amount__gt=0)
    assert grant_only.exists()
    for request in grant_only:
        reasons = UnplacedRequest.objects.filter(request=request)
        assert not reasons.filter(reason__startswith="Aucun prêt demandé").exists()
    placed = BundleMember.objects.filter(request__in=grant_only, line="grant")
    assert placed.exists()


def test_bundles_past_sealing_have_their_documents_and_reach_their_funder(counts):
    for bundle in Bundle.objects.exclude(state__in=["draft", "sealed"]):
        build = latest_build(bundle)
        assert build is not None and build.member_count == bundle.members.count()
        if bundle.state != "ready":
            analyst = User.objects.get(organisation=bundle.funder, role="funder_officer")
            assert Bundle.objects.visible_to(analyst).filter(pk=bundle.pk).exists()


def test_nobody_is_notified_of_the_replayed_history(counts):
    from workers.models import Job, Notification

    assert not Job.objects.exists()
    assert not Notification.objects.exists()


def test_the_demo_logins_work_with_the_documented_password(counts):
    for username, _role in demo.demo_logins():
        user = User.objects.get(username=username)
        assert user.check_password("grappe-demo"), username
    assert User.objects.get(username="admin").is_superuser
    assert FundingRequest.objects.visible_to(User.objects.get(username="sme")).count() == 2


def test_a_second_run_adds_nothing(counts):
    before = RequestTransition.objects.count(), FundingRequest.objects.count()

    bundles = Bundle.objects.count()

    again = demo.load_demo(smes=SMES, seed=7)

    assert set(again.values()) == {0}
    assert set(load_collective_files(seed=7).values()) == {0}
    assert Bundle.objects.count() == bundles
    assert (RequestTransition.objects.count(), FundingRequest.objects.count()) == before


def test_quotes_price_the_eligible_investment_from_suppliers_with_valid_sirets(counts):
    from dossiers.models import SupplierQuote

    quotes = SupplierQuote.objects.select_related("request")
    assert quotes.exists()
    for quote in quotes:
        siret.validate(quote.supplier_siret)
        assert quote.amount_excl_vat == quote.request.eligible_cost


def test_a_bank_analyst_finds_every_submitted_member_consistent_with_the_rules(counts):
    """Category, certificates, undertaking and amounts, as a bank's analyst checks them."""
    today = timezone.localdate()
    assessed = FundingRequest.objects.exclude(state__in=["draft", "withdrawn"]).select_related(
        "enterprise", "campaign"
    )
    assert assessed.exists()
    for request in assessed:
        enterprise = request.enterprise
        assert enterprise.sme_category == enterprise.compute_sme_category(today)
        assert enterprise.sme_category == "micro", request.reference
        assert campaign_problems(request, today) == []
        kinds = {d.kind for d in request.documents.all()}
        assert {"tax_certificate", "social_certificate", "quote"} <= kinds, request.reference
        aids = request.de_minimis.aids.all()
        assert all(a.granted_on >= enterprise.creation_date and a.amount >= 0 for a in aids)
        if request.state not in ENDED:
            room = undertaking_grant_room(enterprise, at=today, excluding_request=request)
            assert request.grant_amount <= room, request.reference
    for enterprise in Enterprise.objects.all():
        for campaign_id in set(enterprise.funding_requests.values_list("campaign", flat=True)):
            active = FundingRequest.objects.filter(
                campaign_id=campaign_id, enterprise__siren__in=undertaking_sirens(enterprise)
            ).exclude(state__in=ENDED)
            assert active.count() <= 1
