"""GET /jobs/<id>/progress: what a page polls; someone else's job is a 404."""

import pytest
from django.urls import reverse

from tests.factories import FederationFactory, UserFactory
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def job(officer):
    return Job.objects.create(
        kind=Job.Kind.BUILD_DOCUMENTS,
        key="build_documents:grouping.bundle:1",
        created_by=officer,
        state=JobState.RUNNING,
        progress_done=3,
        progress_total=12,
    )


def progress(client, user, job):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("workers:job-progress", args=[job.pk]))


def test_the_person_who_started_a_job_follows_its_progress(client, officer, job):
    response = progress(client, officer, job)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["state"] == "running" and body["state_label"] == "En cours"
    assert (body["done"], body["total"], body["percent"]) == (3, 12, 25)
    assert body["finished"] is False and body["error"] == ""


def test_a_colleague_of_the_same_organisation_follows_it_too(client, officer, job):
    colleague = UserFactory(manager=True, organisation=officer.organisation)
    assert progress(client, colleague, job).status_code == 200


def test_staff_follow_any_job(client, job):
    assert progress(client, UserFactory(is_staff=True), job).status_code == 200


@pytest.mark.parametrize(
    "who",
    [
        lambda: UserFactory(officer=True, organisation=FederationFactory()),
        lambda: UserFactory(),  # an SME representative
        lambda: UserFactory(funder=True),
        lambda: None,  # not logged in
    ],
    ids=["other-federation", "sme", "funder", "anonymous"],
)
def test_anyone_else_gets_a_404_as_if_the_job_did_not_exist(client, job, who):
    assert progress(client, who(), job).status_code == 404


def test_a_failed_job_shows_its_error(client, officer, job):
    Job.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, error="Le dossier collectif n'a plus de membres."
    )
    body = progress(client, officer, job).json()
    assert body["state"] == "failed" and body["finished"] is True
    assert body["error"] == "Le dossier collectif n'a plus de membres."


def test_only_get_is_allowed(client, officer, job):
    client.force_login(officer)
    assert client.post(reverse("workers:job-progress", args=[job.pk])).status_code == 405
