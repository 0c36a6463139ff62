"""The Celery application: tasks sent after commit never break a committed action, and
every periodic task beat starts exists."""

from unittest import mock

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from dossiers.messages import post_message
from dossiers.models import RequestMessage
from dossiers.tasks import notify_message
from tests.factories import UserFactory, make_request
from workers.celery_app import app as celery_app
from workers.models import Job, JobState
from workers.schedule import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


def test_a_message_posted_while_the_broker_is_down_is_kept_and_its_notice_stays_queued(
    django_capture_on_commit_callbacks, caplog, mailoutbox
):
    request = make_request(complete=False)
    author = request.enterprise.representatives.get()
    with (
        mock.patch.object(notify_message, "apply_async", side_effect=BrokerDown("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post_message(request, author=author, body="Voici le devis signé.")

    message = RequestMessage.objects.get()
    assert message.body == "Voici le devis signé."
    job = Job.objects.get(kind=Job.Kind.NOTIFY_MESSAGE)
    assert (job.state, job.target, job.dispatched_at) == (JobState.QUEUED, message, None)
    assert "stays queued: the broker is unreachable" in caplog.text
    assert mailoutbox == []  # sent by the reconciler once the broker is back


def test_every_periodic_task_is_a_registered_task():
    celery_app.autodiscover_tasks(force=True)
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_the_administration_lists_jobs_and_retries_failed_ones(
    client, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True, is_superuser=True)
    job = Job.objects.create(kind=Job.Kind.PURGE_DRAFTS, key="purge_drafts", state="failed")
    client.force_login(admin)
    for name in ("workers_job", "workers_notification", "dossiers_purgeddraft"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:workers_job_change", args=[job.pk])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:workers_job_changelist"),
            {"action": "retry", "_selected_action": [job.pk]},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1
