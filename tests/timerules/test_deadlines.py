"""A request's deadline follows its history, and is acted on once at expiry."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from dossiers.models import Campaign, RequestState
from dossiers.workflow import perform
from tests.dossiers.helpers import applicant_of, manager_of, officer_of, other_federation_member
from tests.factories import CampaignFactory, make_request
from tests.timerules.helpers import SVA_REASON, instruction_rule
from timerules.deadlines import act_on_expired, in_plain_words, recompute_campaign, send_notices
from timerules.models import DeadlineRule, DeadlineStatus, RequestDeadline

pytestmark = pytest.mark.django_db

A = DeadlineRule.Action


def submitted(campaign=None):
    request = make_request(campaign=campaign or CampaignFactory())
    perform(request, "submit", actor=applicant_of(request))
    return request


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def deadline_of(request) -> RequestDeadline:
    return RequestDeadline.objects.get(request=request)


def test_submitting_starts_the_deadline_of_the_campaigns_rule():
    campaign = CampaignFactory()
    instruction_rule(campaign)
    request = submitted(campaign)
    today = timezone.localdate()
    deadline = deadline_of(request)
    assert (deadline.status, deadline.started_on) == (DeadlineStatus.RUNNING, today)
    assert deadline.due_on == today + timedelta(days=31)


def test_a_campaign_without_rules_gives_its_requests_no_deadline():
    request = submitted()
    assert not RequestDeadline.objects.filter(request=request).exists()


def test_asking_for_changes_suspends_the_deadline_and_the_correction_resumes_it():
    campaign = CampaignFactory()
    instruction_rule(campaign)
    request = submitted(campaign)
    officer = officer_of(request)
    perform(request, "start_review", actor=officer)
    perform(request, "request_changes", actor=officer, note="Devis manquant")
    deadline = deadline_of(request)
    assert (deadline.status, deadline.due_on) == (DeadlineStatus.SUSPENDED, None)
    assert deadline.paused_since == timezone.localdate()

    perform(request, "resubmit", actor=applicant_of(request))
    assert deadline_of(request).status == DeadlineStatus.RUNNING


def test_a_rule_deciding_alone_must_cite_its_legal_reason():
    with pytest.raises(ValidationError) as error:
        instruction_rule(CampaignFactory(), legal_reason="")
    assert "legal_reason" in error.value.message_dict


def test_a_start_event_of_another_stage_is_refused():
    with pytest.raises(ValidationError) as error:
        instruction_rule(CampaignFactory(), start_event="send")
    assert "start_event" in error.value.message_dict


def test_at_expiry_silence_means_acceptance_once_done_by_the_system_with_the_legal_reason():
    campaign = CampaignFactory()
    instruction_rule(campaign)
    request = submitted(campaign)
    due = deadline_of(request).due_on

    assert act_on_expired(today=due - timedelta(days=1)) == {"acted": 0, "failed": 0, "skipped": 0}
    assert act_on_expired(today=due) == {"acted": 1, "failed": 0, "skipped": 0}
    assert act_on_expired(today=due) == {"acted": 0, "failed": 0, "skipped": 0}
    assert act_on_expired(today=due + timedelta(days=1))["acted"] == 0

    request.refresh_from_db()
    assert request.state == RequestState.ELIGIBLE
    system = list(request.history.filter(actor=None).values_list("transition", "note"))
    assert system == [
        ("start_review", "Instruction ouverte par le système à l'échéance du délai."),
        ("mark_eligible", SVA_REASON),
    ]
    deadline = deadline_of(request)
    assert (deadline.status, deadline.due_on) == (DeadlineStatus.ACTED, due)


def test_at_expiry_silence_means_rejection_when_the_rule_says_so():
    campaign = CampaignFactory()
    instruction_rule(campaign, action=A.REJECT, legal_reason="Rejet implicite (art. L. 231-4)")
    request = submitted(campaign)
    perform(request, "start_review", actor=officer_of(request))
    act_on_expired(today=deadline_of(request).due_on)
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED
    assert request.history.last().note == "Rejet implicite (art. L. 231-4)"


def test_a_decision_the_guards_refuse_is_recorded_as_failed_and_not_retried():
    campaign = CampaignFactory()
    instruction_rule(campaign)
    request = submitted(campaign)
    # The campaign narrowed its territory after the submission: the SME (23) is now outside.
    Campaign.objects.filter(pk=campaign.pk).update(eligible_departements=["75"])
    due = deadline_of(request).due_on
    assert act_on_expired(today=due)["failed"] == 1
    deadline = deadline_of(request)
    assert deadline.status == DeadlineStatus.FAILED
    assert "Le département 23" in deadline.outcome
    assert act_on_expired(today=due)["failed"] == 0
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED  # the review opened for it rolled back too


def test_a_reminder_at_expiry_mails_the_reviewers_once(mailoutbox, after_commit):
    campaign = CampaignFactory()
    instruction_rule(campaign, action=A.REMIND, legal_reason="")
    request = submitted(campaign)
    officer = officer_of(request)
    due = deadline_of(request).due_on
    with after_commit(execute=True):
        act_on_expired(today=due)
        act_on_expired(today=due)
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert request.reference in mailoutbox[0].subject
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_an_escalation_mails_only_the_federations_managers(mailoutbox, after_commit):
    campaign = CampaignFactory()
    instruction_rule(campaign, action=A.ESCALATE, legal_reason="")
    request = submitted(campaign)
    officer_of(request)
    manager = manager_of(request)
    with after_commit(execute=True):
        act_on_expired(today=deadline_of(request).due_on)
    assert [m.to for m in mailoutbox] == [[manager.email]]


def test_a_later_transition_does_not_revive_a_deadline_already_acted_on(mailoutbox):
    campaign = CampaignFactory()
    instruction_rule(campaign, action=A.REMIND, legal_reason="")
    request = submitted(campaign)
    officer = officer_of(request)
    due = deadline_of(request).due_on
    act_on_expired(today=due)
    perform(request, "start_review", actor=officer)
    assert deadline_of(request).status == DeadlineStatus.ACTED
    assert act_on_expired(today=due) == {"acted": 0, "failed": 0, "skipped": 0}


def test_notices_go_at_j30_and_j7_once_each_with_the_date_announced(mailoutbox):
    campaign = CampaignFactory()
    instruction_rule(campaign, amount=60)
    request = submitted(campaign)
    officer_of(request)
    due = deadline_of(request).due_on
    for days_before in (45, 30, 29, 8, 7, 6, 1):
        send_notices(today=due - timedelta(days=days_before))
    assert len(mailoutbox) == 2
    due_words = due.strftime("%d/%m/%Y")
    assert all(due_words in m.subject for m in mailoutbox)
    assert "dans 30 jour(s)" in mailoutbox[0].body and "dans 7 jour(s)" in mailoutbox[1].body


def test_the_request_page_says_the_deadline_in_plain_words(client):
    campaign = CampaignFactory()
    instruction_rule(campaign)
    request = submitted(campaign)
    deadline = deadline_of(request)
    words = in_plain_words(deadline, today=deadline.due_on - timedelta(days=3))
    assert words.tone == "warning"
    assert words.text == (
        f"Délai (Instruction par la fédération) : échéance le {deadline.due_on:%d/%m/%Y}, "
        "dans 3 jour(s). Sans réponse d'ici là : acceptation automatique (silence vaut accord)."
    )
    client.force_login(applicant_of(request))
    page = client.get(reverse("portals:request_detail", args=[request.reference]))
    assert f"échéance le {deadline.due_on:%d/%m/%Y}, dans 31 jour(s)" in page.content.decode()


def test_federations_see_their_upcoming_expiries_and_nobody_elses(client):
    campaign = CampaignFactory()
    instruction_rule(campaign)
    request = submitted(campaign)
    client.force_login(officer_of(request))
    page = client.get(reverse("portals:deadlines")).content.decode()
    assert request.reference in page

    client.force_login(other_federation_member())
    assert request.reference not in client.get(reverse("portals:deadlines")).content.decode()

    client.force_login(applicant_of(request))
    assert client.get(reverse("portals:deadlines")).status_code == 404


def test_a_rule_set_after_the_fact_gives_every_request_of_the_campaign_its_deadline():
    campaign = CampaignFactory()
    first, second = submitted(campaign), submitted(campaign)
    perform(second, "start_review", actor=officer_of(second))
    perform(second, "request_changes", actor=officer_of(second), note="Kbis")
    instruction_rule(campaign)
    assert RequestDeadline.objects.count() == 0

    assert recompute_campaign(campaign.pk) == 2
    assert deadline_of(first).due_on == timezone.localdate() + timedelta(days=31)
    assert deadline_of(second).status == DeadlineStatus.SUSPENDED

    DeadlineRule.objects.filter(campaign=campaign).update(amount=10)
    recompute_campaign(campaign.pk)
    assert deadline_of(first).due_on == timezone.localdate() + timedelta(days=11)


def test_the_deadline_reads_in_english_for_english_readers():
    campaign = CampaignFactory()
    instruction_rule(campaign)
    deadline = deadline_of(submitted(campaign))
    with translation.override("en"):
        words = in_plain_words(deadline, today=deadline.due_on - timedelta(days=10))
    assert words.text == (
        f"Time limit (Review by the federation): due on {deadline.due_on:%d/%m/%Y}, in 10 "
        "day(s). Without an answer by then: automatic acceptance (silence means consent)."
    )
