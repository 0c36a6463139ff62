"""An invitation is e-mailed by a job, through the one delivery that sends each notice once."""

import pytest
from django.core import mail

from dossiers.invitations import invite, send_invitation
from tests.factories import UserFactory, make_request
from workers.jobs import task_for
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_an_invitation_delivered_twice_is_mailed_once(django_capture_on_commit_callbacks):
    request = make_request(complete=False)
    officer = UserFactory(officer=True, organisation=request.campaign.federation)

    with django_capture_on_commit_callbacks(execute=True):
        invite(
            funding_request=request,
            email="Gerante@Boulangerie.example",
            invited_by=officer,
            base_url="http://testserver/",
        )

    job = Job.objects.get(kind=Job.Kind.SEND_INVITATION)
    assert (job.state, job.result, job.created_by) == (JobState.DONE, {"sent": 1}, officer)
    assert [m.to for m in mail.outbox] == [["gerante@boulangerie.example"]]
    # The broker hands the same message over again, or the work itself is run again.
    task_for(Job.Kind.SEND_INVITATION).apply(args=(job.pk,))
    assert send_invitation(job.target_id, job=job) == 0
    assert len(mail.outbox) == 1


def test_nothing_is_mailed_before_the_invitation_commits(django_capture_on_commit_callbacks):
    request = make_request(complete=False)
    officer = UserFactory(officer=True, organisation=request.campaign.federation)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(
            funding_request=request,
            email="gerante@boulangerie.example",
            invited_by=officer,
            base_url="http://testserver/",
        )

    assert len(callbacks) == 1  # the job is sent after commit only
    assert mail.outbox == []
