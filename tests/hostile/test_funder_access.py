"""Reopening a declined request (or withdrawing it afterwards) ends the funder's access to
the request and to what is added to it afterwards (docs/rules.md#funder-access)."""

import pytest
from django.urls import reverse

from dossiers import workflow
from grouping.decisions import record_decision
from tests.factories import add_document
from tests.portals.conftest import submitted_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def reopened(world):
    bundle = submitted_bundle(world)
    member = bundle.members.select_related("request").order_by("request_id").first()
    record_decision(
        bundle,
        member,
        actor=world.users["funder"],
        approved=False,
        decline_code="financials",
        reason="Fonds propres",
    )
    request = workflow.perform(
        member.request, "reopen", actor=world.users["fed_manager"], note="Nouveau plan"
    )
    return request


def test_after_reopen_the_funder_no_longer_reads_the_request_nor_a_new_document(world, reopened):
    rib = add_document(reopened, "rib")
    funder = world.client("funder")

    page = funder.get(reverse("portals:funder_request", args=[reopened.reference]))
    download = funder.get(reverse("portals:document_download", args=[reopened.reference, rib.pk]))

    assert reopened.sent_to_id is None
    assert page.status_code == 404
    assert download.status_code == 404


def test_a_reopened_request_withdrawn_stays_out_of_the_funders_reach(world, reopened):
    withdrawn = workflow.perform(reopened, "withdraw", actor=None)

    assert withdrawn.sent_to_id is None
    funder = world.client("funder")
    assert (
        funder.get(reverse("portals:funder_request", args=[withdrawn.reference])).status_code == 404
    )
