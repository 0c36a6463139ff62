"""What each role may see: everything else must answer 404, never 403."""

import pytest
from django.contrib.auth.models import AnonymousUser

from dossiers.models import Campaign, Enterprise, FundingRequest
from tests.dossiers.helpers import applicant_of, officer_of, receiving_funder_of, request_in
from tests.factories import CampaignFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two federations' campaigns, one request sent to a funder, one still a draft."""
    sent = request_in("sent")
    draft = make_request()
    closed_campaign = CampaignFactory(is_open=False, federation=sent.campaign.federation)
    return sent, draft, closed_campaign


def visible(model, user):
    return set(model.objects.visible_to(user))


def test_an_sme_representative_sees_only_its_own_enterprise_and_requests(world):
    sent, draft, closed_campaign = world
    applicant = applicant_of(draft)

    assert visible(FundingRequest, applicant) == {draft}
    assert visible(Enterprise, applicant) == {draft.enterprise}
    assert visible(Campaign, applicant) == {sent.campaign, draft.campaign}  # the open ones


def test_a_federation_member_sees_the_requests_of_its_campaigns_only(world):
    sent, draft, closed_campaign = world
    officer = officer_of(sent)

    assert visible(FundingRequest, officer) == {sent}
    assert visible(Enterprise, officer) == {sent.enterprise}
    assert visible(Campaign, officer) == {sent.campaign, closed_campaign}


def test_a_funder_sees_only_the_requests_sent_to_it(world):
    sent, draft, closed_campaign = world
    analyst = receiving_funder_of(sent)

    assert visible(FundingRequest, analyst) == {sent}
    assert visible(Enterprise, analyst) == {sent.enterprise}
    assert visible(Campaign, analyst) == {sent.campaign}


def test_a_funder_of_the_campaign_sees_no_request_it_did_not_receive(world):
    sent, draft, closed_campaign = world
    co_funder = draft.campaign.funders.get()
    analyst = UserFactory(funder=True, organisation=co_funder)

    assert visible(FundingRequest, analyst) == set()
    assert visible(Enterprise, analyst) == set()
    assert visible(Campaign, analyst) == {draft.campaign}


def test_staff_sees_everything(world):
    sent, draft, closed_campaign = world
    staff = UserFactory(officer=True, is_staff=True)

    assert visible(FundingRequest, staff) == {sent, draft}
    assert visible(Campaign, staff) == {sent.campaign, draft.campaign, closed_campaign}


@pytest.mark.parametrize("model", [FundingRequest, Enterprise, Campaign])
def test_an_anonymous_visitor_sees_nothing(world, model):
    assert not model.objects.visible_to(AnonymousUser()).exists()


def test_an_enterprise_with_several_requests_is_listed_once():
    request = make_request()
    # One request per campaign (docs/rules.md#single-undertaking): the other is in a second one.
    make_request(
        enterprise=request.enterprise,
        campaign=CampaignFactory(federation=request.campaign.federation),
    )

    assert Enterprise.objects.visible_to(officer_of(request)).count() == 1
