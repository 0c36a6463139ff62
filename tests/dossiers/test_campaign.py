"""A campaign accepts submissions between its opening and its deadline, while open."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.formatting import format_date
from tests.factories import CampaignFactory, make_request

pytestmark = pytest.mark.django_db


def test_it_refuses_a_submission_after_the_deadline():
    today = timezone.localdate()
    campaign = CampaignFactory(
        opens_on=today - timedelta(days=60), deadline=today - timedelta(days=1)
    )
    request = make_request(campaign=campaign)

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    assert caught.value.problems == [
        f"La campagne {campaign.reference} n'accepte pas de dépôt le {format_date(today)} "
        f"(date limite : {format_date(today - timedelta(days=1))})."
    ]


def test_the_deadline_day_itself_is_accepted():
    campaign = CampaignFactory(deadline=timezone.localdate())

    request = workflow.perform(make_request(campaign=campaign), "submit", actor=None)

    assert request.state == "submitted"


@pytest.mark.parametrize(
    "fields",
    [
        {"is_open": False},
        {"opens_on": timezone.localdate() + timedelta(days=1)},
    ],
)
def test_it_refuses_a_submission_to_a_closed_or_not_yet_open_campaign(fields):
    request = make_request(campaign=CampaignFactory(**fields))

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    [problem] = caught.value.problems
    assert "n'accepte pas de dépôt" in problem


def test_a_request_under_review_is_not_held_to_the_deadline():
    request = make_request()
    workflow.perform(request, "submit", actor=None)
    workflow.perform(request, "start_review", actor=None)
    request.campaign.deadline = request.campaign.opens_on
    request.campaign.save()

    assert workflow.perform(request, "mark_eligible", actor=None).state == "eligible"
