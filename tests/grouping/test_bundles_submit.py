"""Submitting a ready bundle sends every member's request to the bundle's funder."""

from datetime import date, timedelta

import pytest

from dossiers.models import SupportingDocument
from dossiers.workflow import Conflict, Forbidden, Refused
from grouping.bundles import mark_ready, seal_bundle, submit_bundle
from grouping.models import BundleTransition
from tests.factories import UserFactory
from tests.grouping.builders import bundle_of, campaign_with_policy, officer_of, reviewed_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return campaign_with_policy()


@pytest.fixture
def officer(campaign):
    return officer_of(campaign)


@pytest.fixture
def requests_(campaign, officer):
    return [reviewed_request(campaign, officer=officer) for _ in range(2)]


@pytest.fixture
def sealed(campaign, requests_, officer):
    return seal_bundle(bundle_of(campaign, *requests_), actor=officer)


def test_the_documents_build_marks_a_sealed_bundle_ready(sealed):
    ready = mark_ready(sealed, actor=None)

    assert ready.state == "ready"
    log = BundleTransition.objects.filter(bundle=sealed).last()
    assert (log.transition, log.actor) == ("mark_ready", None)


def test_a_federation_member_cannot_mark_a_bundle_ready(sealed, officer):
    with pytest.raises(Forbidden):
        mark_ready(sealed, actor=officer)


def test_not_even_staff_can_mark_a_bundle_ready_without_its_documents(sealed):
    with pytest.raises(Forbidden):
        mark_ready(sealed, actor=UserFactory(is_staff=True, is_superuser=True))
    sealed.refresh_from_db()
    assert sealed.state == "sealed"


def test_submitting_sends_every_member_to_the_funder(sealed, requests_, officer):
    mark_ready(sealed, actor=None)

    submitted = submit_bundle(sealed, actor=officer)

    assert submitted.state == "submitted"
    assert submitted.submitted_at is not None
    log = BundleTransition.objects.filter(bundle=sealed).last()
    assert (log.transition, log.from_state, log.to_state) == ("submit", "ready", "submitted")
    for request in requests_:
        request.refresh_from_db()
        assert request.state == "sent"
        assert request.sent_to == sealed.funder
        assert sealed.reference in request.history.last().note


def test_it_refuses_while_a_members_kbis_is_out_of_date(sealed, requests_, officer):
    mark_ready(sealed, actor=None)
    stale = requests_[1]
    SupportingDocument.objects.filter(request=stale, kind="kbis").update(
        issued_on=date.today() - timedelta(days=120)
    )

    with pytest.raises(Refused) as refused:
        submit_bundle(sealed, actor=officer)

    [problem] = refused.value.problems
    assert problem.startswith(f"{stale.reference} ({stale.enterprise.name}) : Extrait Kbis")
    assert "périmé depuis le" in problem
    for request in requests_:
        request.refresh_from_db()
        assert request.state == "grouped"  # nobody was sent
    sealed.refresh_from_db()
    assert sealed.state == "ready"


def test_a_sealed_bundle_without_its_documents_cannot_be_submitted(sealed, officer):
    with pytest.raises(Conflict) as conflict:
        submit_bundle(sealed, actor=officer)

    assert "est « Scellé »" in conflict.value.message
