"""The portals' cast: one federation's campaign with a request, and everyone around it;
``submitted_bundle`` adds a collective file of that campaign sent to the world's funder."""

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
    "funder", "other_funder", "staff",
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
        "other_funder": UserFactory(username="other-funder", funder=True),
        "staff": UserFactory(username="staff", is_staff=True),
    }
    elsewhere = make_request(
        representative=users["other_sme"], campaign=CampaignFactory(), complete=False
    )
    add_document(elsewhere, "kbis")
    request = make_request(campaign=campaign, representative=users["sme_owner"])
    request = returned_for_changes(request, users["fed_officer"])
    return World(users=users, request=request, document=request.documents.first())


def submitted_bundle(world: World):
    """Two reviewed requests of the world's campaign, grouped, sealed, their documents
    built, sent to the world's funder. The world's SME owner represents the first member."""
    from exports.build import build_bundle_documents
    from grouping.bundles import seal_bundle, submit_bundle
    from grouping.models import Bundle, GroupingPolicy
    from tests.grouping.builders import bundle_of, reviewed_request

    campaign = world.request.campaign
    officer = world.users["fed_officer"]
    GroupingPolicy.objects.get_or_create(
        campaign=campaign,
        defaults={
            "trade_level": "subclass",
            "territory_level": "departement",
            "funder": campaign.funders.get(),
        },
    )
    members = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    members[0].enterprise.representatives.add(world.users["sme_owner"])
    bundle = seal_bundle(bundle_of(campaign, *members), actor=officer)
    build_bundle_documents(bundle)
    submit_bundle(bundle, actor=officer)
    return Bundle.objects.get(pk=bundle.pk)


@pytest.fixture(scope="session")
def _live_server_sessions(django_db_setup, django_db_blocker):
    """Torn down before the test database is dropped (it depends on its setup)."""
    yield
    from tests.portals.browser import end_live_server_sessions

    with django_db_blocker.unblock():
        end_live_server_sessions()


@pytest.fixture
def browser_page(live_server, _live_server_sessions):
    """A chromium page for the journeys (``tests.portals.browser``): skipped when chromium
    is not installed, unless REQUIRE_SERVICES=1 makes that a failure."""
    from tests.portals.browser import open_browser

    yield from open_browser(live_server)
