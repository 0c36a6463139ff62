"""Retention: dates fixed before notices, archive for managers only, aid records, legal
hold, purge with a tombstone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Enterprise, FundingRequest, RequestTransition, StoredFile
from dossiers.workflow import perform
from tests.dossiers.helpers import applicant_of, manager_of, officer_of, request_in
from tests.factories import UserFactory, add_document, make_request
from timerules import retention
from timerules.models import (
    AidRecord,
    ArchiveAccess,
    LegalHold,
    RetentionPolicy,
    RetentionSchedule,
    Tombstone,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def untouched_draft(*, months: int):
    draft = make_request(complete=False)
    long_ago = timezone.now() - relativedelta(months=months)
    FundingRequest.objects.filter(pk=draft.pk).update(updated_at=long_ago, created_at=long_ago)
    return draft


def schedule_of(request) -> RetentionSchedule:
    return RetentionSchedule.objects.get(request=request)


def test_a_closed_request_gets_its_archive_and_purge_dates_from_its_campaigns_policy():
    request = request_in("approved")
    RetentionPolicy.objects.create(campaign=request.campaign, active_months=6, archive_months=24)
    retention.fix_dates(today=today())
    schedule = schedule_of(request)
    assert schedule.archive_on == today() + relativedelta(months=6)
    assert schedule.purge_on == today() + relativedelta(months=30)


def test_a_draft_left_alone_three_months_is_given_a_purge_date_at_least_30_days_ahead():
    fresh = untouched_draft(months=1)
    old = untouched_draft(months=5)
    retention.fix_dates(today=today())
    assert not RetentionSchedule.objects.filter(request=fresh).exists()
    assert schedule_of(old).purge_on == today() + timedelta(days=30)


def test_the_draft_period_is_a_campaign_parameter():
    draft = untouched_draft(months=5)
    RetentionPolicy.objects.create(campaign=draft.campaign, draft_months=12)
    retention.fix_dates(today=today())
    assert not RetentionSchedule.objects.filter(request=draft).exists()


def test_notices_at_j30_and_j7_announce_the_date_the_purge_keeps(
    mailoutbox, django_capture_on_commit_callbacks
):
    draft = untouched_draft(months=5)
    retention.fix_dates(today=today())
    day = schedule_of(draft).purge_on
    for before in (31, 30, 20, 7, 3):
        retention.run(today=day - timedelta(days=before))
    assert len(mailoutbox) == 2
    assert all(day.strftime("%d/%m/%Y") in mail.subject for mail in mailoutbox)
    assert FundingRequest.objects.filter(pk=draft.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        retention.run(today=day)
    assert not FundingRequest.objects.filter(pk=draft.pk).exists()
    assert Tombstone.objects.get(reference=draft.reference).final_state == "draft"


def test_a_draft_taken_up_again_loses_its_purge_date():
    draft = untouched_draft(months=5)
    retention.fix_dates(today=today())
    draft.project_title = "Repris"
    draft.save()
    retention.fix_dates(today=today())
    assert not RetentionSchedule.objects.filter(request=draft).exists()


def test_a_legal_hold_blocks_the_purge_until_it_is_lifted(django_capture_on_commit_callbacks):
    draft = untouched_draft(months=5)
    retention.fix_dates(today=today())
    day = schedule_of(draft).purge_on
    hold = LegalHold.objects.create(
        request=draft, reason="Contrôle de la Commission", placed_by=UserFactory(is_staff=True)
    )
    assert retention.run(today=day)["purged"] == 0
    assert FundingRequest.objects.filter(pk=draft.pk).exists()

    hold.lifted_at = timezone.now()
    hold.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.run(today=day + timedelta(days=1))["purged"] == 1


def test_the_purge_erases_the_files_and_leaves_a_tombstone_with_a_hash_and_the_reason(
    django_capture_on_commit_callbacks,
):
    draft = untouched_draft(months=5)
    document = add_document(draft, "kbis")
    name, enterprise = document.stored_file.file.name, draft.enterprise_id
    retention.fix_dates(today=today())
    with django_capture_on_commit_callbacks(execute=True):
        retention.run(today=schedule_of(draft).purge_on)
    assert not default_storage.exists(name)
    assert not StoredFile.objects.filter(pk=document.stored_file_id).exists()
    assert not Enterprise.objects.filter(pk=enterprise).exists()
    stone = Tombstone.objects.get(reference=draft.reference)
    assert len(stone.content_hash) == 64 and stone.reason == "Durée de conservation échue."
    assert stone.erased["documents"] == 1


def test_an_archived_request_is_for_the_federations_managers_and_each_read_is_logged(client):
    request = request_in("approved")
    retention.fix_dates(today=today())
    retention.archive_due(today=schedule_of(request).archive_on)
    url = reverse("portals:review", args=[request.reference])

    client.force_login(officer_of(request))
    assert client.get(url).status_code == 404
    client.force_login(applicant_of(request))
    assert (
        client.get(reverse("portals:request_detail", args=[request.reference])).status_code == 404
    )

    manager = manager_of(request)
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert list(ArchiveAccess.objects.values_list("request", "user")) == [(request.pk, manager.pk)]


def test_a_granted_aid_is_kept_ten_years_pseudonymised_and_still_counts_for_cumulation(
    django_capture_on_commit_callbacks,
):
    request = request_in("approved")
    siren = request.enterprise.siren
    retention.fix_dates(today=today())
    schedule = schedule_of(request)
    retention.archive_due(today=schedule.archive_on)
    record = AidRecord.objects.get()
    granted_on = timezone.localtime(
        RequestTransition.objects.get(request=request, transition="approve").at
    ).date()
    assert record.keep_until == granted_on + relativedelta(years=10)
    assert siren not in record.beneficiary_key and record.amount == request.grant_amount

    with django_capture_on_commit_callbacks(execute=True):
        retention.purge_due(today=schedule.purge_on)
    assert not FundingRequest.objects.filter(pk=request.pk).exists()
    since = granted_on - relativedelta(years=3)
    assert retention.aid_received(siren, since=since) == request.grant_amount
    assert retention.aid_received("732829320", since=since) == Decimal("0.00")


def test_a_reopened_request_loses_its_archive_dates():
    request = request_in("rejected")
    retention.fix_dates(today=today())
    perform(request, "reopen", actor=None, note="Erreur d'instruction")
    retention.fix_dates(today=today())
    assert not RetentionSchedule.objects.filter(request=request).exists()
