"""A transition's e-mails go out once per person, however often the task is delivered."""

import pytest

from dossiers.tasks import notify_transition
from tests.workers.helpers import notification_job, submitted_request
from workers.models import Job, JobState, Notification

pytestmark = pytest.mark.django_db


def test_a_submission_tells_the_federation_once_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        request, officer = submitted_request()
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert request.reference in mailoutbox[0].subject
    job = notification_job(request)
    assert job.state == JobState.DONE and job.result == {"sent": 1}
    note = Notification.objects.get()
    assert (note.recipient, note.transition, note.job) == (officer, request.history.get(), job)
    assert note.sent_at is not None


def test_a_notice_delivered_twice_is_sent_once(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        request, _officer = submitted_request()
    job = notification_job(request)
    # Redis redelivers the message; an operator also retries the job by hand.
    notify_transition.apply(args=[job.pk])
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    notify_transition.apply(args=[job.pk])
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 1


def test_nothing_is_sent_before_the_transition_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        request, _officer = submitted_request()
    assert mailoutbox == []
    assert notification_job(request).state == JobState.QUEUED
