"""The documents are built as a background job, started by the API or a service."""

from pathlib import Path

import pytest
from django.conf import settings

from api.tokens import issue_token
from exports.models import DocumentBuild
from exports.tasks import build_documents
from grouping.models import BundleTransition
from tests.api.conftest import caller
from tests.exports.bundles import sealed_bundle
from tests.grouping.builders import bundle_of, campaign_with_policy, officer_of, reviewed_request
from workers.jobs import enqueue_job
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_root():
    # WhiteNoise warns (an error here) when STATIC_ROOT does not exist yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def world():
    return sealed_bundle(2)


def test_a_build_job_writes_the_record_and_makes_the_bundle_ready(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue_job(Job.Kind.BUILD_DOCUMENTS, world.bundle, created_by=world.officer)

    job.refresh_from_db()
    build = DocumentBuild.objects.get()
    assert job.state == JobState.DONE
    assert job.result == {
        "build": build.pk,
        "bundle": world.bundle.reference,
        "fingerprint": build.fingerprint,
        "package_sha256": build.package_sha256,
        "members": 2,
    }
    assert (job.progress_done, job.progress_total) == (8, 8), "2 members: 2 × 2 + 4 steps"
    assert build.built_by == world.officer
    assert world.refresh().state == "ready"


def test_the_job_runs_on_the_heavy_queue():
    assert settings.CELERY_TASK_ROUTES[build_documents.name] == {"queue": "heavy"}


def test_a_job_run_again_after_a_crash_writes_nothing_twice(world):
    job = Job.objects.create(
        kind=Job.Kind.BUILD_DOCUMENTS,
        key="test",
        target=world.bundle,
        created_by=world.officer,
    )

    first = build_documents.work(job, lambda done, total=None: None)
    second = build_documents.work(job, lambda done, total=None: None)

    assert first == second
    assert DocumentBuild.objects.count() == 1
    assert BundleTransition.objects.filter(transition="mark_ready").count() == 1


def test_a_draft_bundle_fails_the_job_with_the_reason(django_capture_on_commit_callbacks):
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    draft = bundle_of(campaign, *(reviewed_request(campaign, officer=officer) for _ in range(2)))

    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue_job(Job.Kind.BUILD_DOCUMENTS, draft, created_by=officer)

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == (
        f"Le dossier {draft.reference} est « Proposé » : ses documents ne se construisent "
        "qu'une fois scellé."
    )
    assert not DocumentBuild.objects.exists()


def test_the_api_build_endpoint_starts_the_build(world, django_capture_on_commit_callbacks):
    federation = world.bundle.campaign.federation
    lead = caller(issue_token(organisation=federation, name="SI", scopes=["write"]))

    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(f"/api/v1/bundles/{world.bundle.reference}/documents/")

    assert response.status_code == 202
    done = lead.get(f"/api/v1/jobs/{response.json()['id']}/").json()
    assert (done["state"], done["percent"]) == ("done", 100)
    assert done["result"]["build"] == DocumentBuild.objects.get().pk
    assert lead.get(f"/api/v1/bundles/{world.bundle.reference}/").json()["state"] == "ready"
