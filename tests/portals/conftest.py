"""The portals' cast: one federation's campaign with a request, and everyone around it."""

from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import User
from dossiers import workflow
from dossiers.models import FundingRequest, SupportingDocument
from tests.factories import (
    CampaignFactory,
    FederationFactory,
    FunderFactory,
    UserFactory,
    add_document,
    make_request,
)

ROLES = (
    "anonymous", "sme_owner", "other_sme", "fed_officer", "fed_manager", "other_fed",
    "funder", "staff",
)  # fmt: skip


@dataclass
class World:
    users: dict[str, User | None]
    request: FundingRequest  # needs changes: submitted once, editable again
    document: SupportingDocument

    def client(self, role: str) -> Client:
        client = Client()
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client


def returned_for_changes(request: FundingRequest, officer: User) -> FundingRequest:
    workflow.perform(request, "submit", actor=None)
    workflow.perform(request, "start_review", actor=officer)
    return workflow.perform(
        request, "request_changes", actor=officer, note="Merci de joindre un Kbis récent."
    )


@pytest.fixture
def world(db) -> World:
    federation, other_federation = FederationFactory(), FederationFactory()
    funder = FunderFactory()
    campaign = CampaignFactory(federation=federation, funders=[funder])
    users = {
        "anonymous": None,
        "sme_owner": UserFactory(username="owner", first_name="Claire", last_name="Martin"),
        "other_sme": UserFactory(username="other-sme"),
        "fed_officer": UserFactory(
            username="officer", officer=True, organisation=federation, first_name="Paul"
        ),
        "fed_manager": UserFactory(username="manager", manager=True, organisation=federation),
        "other_fed": UserFactory(username="other-fed", officer=True, organisation=other_federation),
        "funder": UserFactory(username="funder", funder=True, organisation=funder),
        "staff": UserFactory(username="staff", is_staff=True),
    }
    elsewhere = make_request(
        representative=users["other_sme"], campaign=CampaignFactory(), complete=False
    )
    add_document(elsewhere, "kbis")
    request = make_request(campaign=campaign, representative=users["sme_owner"])
    request = returned_for_changes(request, users["fed_officer"])
    return World(users=users, request=request, document=request.documents.first())
