"""Grouping a campaign as a background job: the progress page sees it end, or why not."""

import pytest

from grouping.models import Bundle
from tests.factories import CampaignFactory
from tests.grouping.builders import campaign_with_policy, eligible_request, officer_of
from workers.jobs import enqueue_job
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_a_grouping_job_proposes_the_bundles_and_says_how_many(django_capture_on_commit_callbacks):
    campaign = campaign_with_policy()
    for _ in range(2):
        eligible_request(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue_job(Job.Kind.RUN_GROUPING, campaign, created_by=officer_of(campaign))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.result["bundles"] == Bundle.objects.count() == 1
    assert job.result["unplaced"] == 0
    assert (job.progress_done, job.progress_total) == (1, 1)


def test_a_campaign_without_grouping_rules_fails_the_job_with_the_reason(
    django_capture_on_commit_callbacks,
):
    campaign = CampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue_job(Job.Kind.RUN_GROUPING, campaign, created_by=officer_of(campaign))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("Regroupement impossible : La campagne")
    assert "n'a pas de règles de regroupement" in job.error
