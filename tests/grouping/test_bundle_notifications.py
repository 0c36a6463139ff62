"""A bundle submitted to its funder e-mails the funder's analysts, once, in their language."""

import pytest

from grouping.bundles import mark_ready, seal_bundle, submit_bundle
from grouping.models import BundleTransition
from grouping.notifications import notify_bundle_transition
from tests.factories import UserFactory
from tests.grouping.builders import (
    analyst_of,
    bundle_of,
    campaign_with_policy,
    officer_of,
    reviewed_request,
)
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(django_capture_on_commit_callbacks):
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    requests = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        bundle = seal_bundle(bundle_of(campaign, *requests), actor=officer)
        mark_ready(bundle, actor=None)
    bundle.officer = officer
    return bundle


def submit(bundle, capture):
    with capture(execute=True):
        return submit_bundle(bundle, actor=bundle.officer)


def test_the_funders_analysts_are_emailed_once_the_bundle_is_submitted(
    ready, django_capture_on_commit_callbacks, mailoutbox
):
    french, english = analyst_of(ready.funder), analyst_of(ready.funder)
    english.language = "en"
    english.save()
    other_funder_analyst = UserFactory(funder=True)
    mailoutbox.clear()

    submit(ready, django_capture_on_commit_callbacks)

    to_funder = {m.to[0]: m for m in mailoutbox if m.to[0] in (french.email, english.email)}
    assert set(to_funder) == {french.email, english.email}
    lead = ready.campaign.federation.name
    assert to_funder[french.email].subject == (
        f"Grappe : dossier collectif {ready.reference} transmis par {lead}"
    )
    french_body = to_funder[french.email].body
    assert "2 entreprises, 24\u202f000,00\u00a0€ de prêts sollicités" in french_body
    assert to_funder[english.email].subject == (
        f"Grappe: collective file {ready.reference} sent by {lead}"
    )
    assert to_funder[english.email].body.startswith("Hello,")
    assert "2 enterprises, €24,000.00 of loans requested" in to_funder[english.email].body
    assert other_funder_analyst.email not in [m.to[0] for m in mailoutbox]
    job = Job.objects.get(kind=Job.Kind.NOTIFY_BUNDLE)
    assert (job.state, job.result) == (JobState.DONE, {"sent": 2})


def test_nothing_is_sent_when_the_submission_is_refused(
    ready, django_capture_on_commit_callbacks, mailoutbox
):
    analyst = analyst_of(ready.funder)
    ready.members.first().request.documents.filter(kind="kbis").delete()
    mailoutbox.clear()

    with pytest.raises(Exception, match="ne peut pas être transmis"):
        submit(ready, django_capture_on_commit_callbacks)

    assert analyst.email not in [m.to[0] for m in mailoutbox]
    assert not Job.objects.filter(kind=Job.Kind.NOTIFY_BUNDLE).exists()


def test_a_notice_delivered_twice_is_sent_once(
    ready, django_capture_on_commit_callbacks, mailoutbox
):
    analyst_of(ready.funder)
    submit(ready, django_capture_on_commit_callbacks)
    log = BundleTransition.objects.get(bundle=ready, transition="submit")
    mailoutbox.clear()

    assert notify_bundle_transition(log.pk) == 0
    assert mailoutbox == []
