"""Federations start a grouping run or a document build, then follow the job."""

import pytest

from grouping.models import GroupingPolicy
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


class _NoWorker:
    """Stands for the job kind's Celery task: the row is what these tests look at."""

    sent: list = []

    def apply_async(self, *args, **kwargs):
        self.sent.append((args, kwargs))


@pytest.fixture
def no_worker(monkeypatch):
    monkeypatch.setattr("workers.jobs.task_for", lambda kind: _NoWorker())


@pytest.fixture(autouse=True)
def rules(campaign, funder):
    """The campaign's grouping rules: a run of a campaign without them is refused."""
    return GroupingPolicy.objects.create(
        campaign=campaign,
        trade_level="subclass",
        territory_level="departement",
        widening=[],
        min_members=2,
        max_members=10,
        funder=funder,
    )


def test_a_grouping_run_of_a_campaign_without_rules_is_refused_at_once(
    fed, campaign, rules, no_worker
):
    rules.delete()

    response = fed.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "transition_refused"
    assert "n'a pas de règles de regroupement" in error["details"][0]["message"]
    assert not Job.objects.exists()


def test_a_federation_starts_a_grouping_run_and_follows_it(fed, campaign, no_worker):
    response = fed.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/")

    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.kind, job.target, job.created_by) == (
        Job.Kind.RUN_GROUPING,
        campaign,
        fed.token.service_user,
    )
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, progress_done=3, progress_total=12)
    progress = fed.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (progress["state"], progress["done"], progress["total"], progress["percent"]) == (
        "running",
        3,
        12,
        25,
    )


def test_asking_again_while_it_runs_returns_the_same_job(fed, campaign, no_worker):
    first = fed.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/").json()
    second = fed.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/").json()

    assert first["id"] == second["id"]


def test_funders_do_not_start_jobs(bank, campaign, no_worker):
    response = bank.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "federation_only"


def test_another_federations_campaign_and_jobs_are_404(fed, other_fed, campaign, no_worker):
    job = fed.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/").json()

    assert (
        other_fed.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/").status_code == 404
    )
    assert other_fed.get(f"/api/v1/jobs/{job['id']}/").status_code == 404
    assert other_fed.post("/api/v1/bundles/DC-NONE/documents/").status_code == 404


def test_a_grouping_run_started_through_the_api_proposes_bundles(
    django_capture_on_commit_callbacks,
):
    from api.tokens import issue_token
    from tests.api.conftest import caller
    from tests.grouping.builders import campaign_with_policy, eligible_request

    campaign = campaign_with_policy()
    for _ in range(2):
        eligible_request(campaign)
    lead = caller(issue_token(organisation=campaign.federation, name="SI", scopes=["write"]))

    with django_capture_on_commit_callbacks(execute=True):
        started = lead.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/").json()

    done = lead.get(f"/api/v1/jobs/{started['id']}/").json()
    assert (done["state"], done["percent"]) == ("done", 100)
    assert (done["result"]["bundles"], done["result"]["unplaced"]) == (1, 0)
    # The result holds counts; the bundles themselves are listed by campaign and state.
    listed = lead.get(f"/api/v1/bundles/?campaign={campaign.reference}&state=draft").json()
    [bundle] = listed["results"]
    assert bundle["member_count"] == 2


def test_a_campaign_restricted_token_follows_only_its_own_jobs(
    fed, federation, campaign, no_worker
):
    from api.tokens import issue_token
    from tests.api.conftest import caller

    restricted = caller(
        issue_token(
            organisation=federation, name="Campagne", scopes=["write"], campaigns=[campaign]
        )
    )
    colleagues = fed.post(f"/api/v1/campaigns/{campaign.reference}/grouping-runs/").json()

    assert restricted.get(f"/api/v1/jobs/{colleagues['id']}/").status_code == 404
    assert fed.get(f"/api/v1/jobs/{colleagues['id']}/").status_code == 200
