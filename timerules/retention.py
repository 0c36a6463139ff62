"""Retention: active base, intermediate archive, purge (docs/rules.md#retention).

The daily ``run`` does, in order:

1. fix the dates: a request closed (or a draft left alone) gets its archive and purge
   dates written in a ``RetentionSchedule`` row, at least 30 days ahead, before any
   notice is queued: the date a notice announces is the date the purge keeps;
2. archive: past the active period the request is readable only by its federation's
   managers, each read logged (``may_read``); a granted aid is copied, pseudonymised,
   into an ``AidRecord`` kept for the legal period (docs/rules.md#aid-records);
3. notices at J-30 and J-7 to the SME, with the fixed date;
4. purge what is due and not under legal hold: the request and everything derived
   from it (files on disk, bundle packages, webhook payloads, job rows, e-mail records),
   leaving a ``Tombstone`` with a SHA-256 of what was erased and the reason. The
   bundles keep their totals and history.

Every step works by batches of primary keys: memory stays flat whatever the volume.
"""

import hashlib
import hmac
import json
import logging
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q, Sum, TextField
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Cast
from django.utils import timezone, translation

from accounts.models import User
from api.models import IdempotentRequest
from dossiers.formatting import format_date
from dossiers.models import (
    Enterprise,
    FundingRequest,
    RequestMessage,
    RequestState,
    RequestTransition,
    StoredFile,
    SupportingDocument,
)
from dossiers.models.funding_request import CLOSED
from exports.erase import erase_bundle_documents
from grouping.models import BundleMember
from timerules.models import (
    AidRecord,
    ArchiveAccess,
    LegalHold,
    RetentionPolicy,
    RetentionSchedule,
    Tombstone,
)
from webhooks.models import WebhookDelivery
from workers.delivery import tell
from workers.models import Job, Notification

logger = logging.getLogger(__name__)

NOTICE_DAYS = (30, 7)
AID_RECORD_YEARS = 10  # Regulation (EU) 2023/2831, art. 6(4): docs/rules.md#aid-records
BATCH = 500
DEFAULT_POLICY = RetentionPolicy(active_months=12, archive_months=48, draft_months=3)


def run(*, today: date) -> dict:
    return {
        "fixed": fix_dates(today=today),
        "archived": archive_due(today=today),
        "notices": send_notices(today=today),
        "purged": purge_due(today=today),
        "aid_records_expired": AidRecord.objects.filter(keep_until__lt=today).delete()[0],
    }


def _policies() -> dict[int, RetentionPolicy]:
    return {p.campaign_id: p for p in RetentionPolicy.objects.all()}


def _batches(queryset, size: int = BATCH):
    """Primary keys of ``queryset`` in ascending batches (keyset paging, flat memory)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


# --- 1. Dates -------------------------------------------------------------------------------


def fix_dates(*, today: date) -> int:
    """Write the archive and purge dates of requests newly closed or abandoned; drop the
    dates of requests that came back to life (reopened, a draft edited or submitted)."""
    RetentionSchedule.objects.filter(archive_on__isnull=False).exclude(
        request__state__in=CLOSED
    ).delete()
    RetentionSchedule.objects.filter(archive_on__isnull=True).filter(
        ~Q(request__state=RequestState.DRAFT) | Q(request__updated_at__gt=F("fixed_at"))
    ).delete()

    policies, fixed, earliest = _policies(), 0, today + timedelta(days=max(NOTICE_DAYS))
    closed = FundingRequest.objects.filter(state__in=CLOSED, retention__isnull=True)
    for ids in _batches(closed):
        closed_at = dict(
            RequestTransition.objects.filter(request_id__in=ids, to_state__in=CLOSED)
            .values_list("request_id")
            .annotate(Max("at"))
        )
        rows = []
        for pk, campaign_id in FundingRequest.objects.filter(pk__in=ids).values_list(
            "pk", "campaign_id"
        ):
            policy = policies.get(campaign_id, DEFAULT_POLICY)
            closed_on = timezone.localtime(closed_at[pk]).date() if pk in closed_at else today
            archive_on = closed_on + relativedelta(months=policy.active_months)
            purge_on = archive_on + relativedelta(months=policy.archive_months)
            rows.append(
                RetentionSchedule(
                    request_id=pk, archive_on=archive_on, purge_on=max(purge_on, earliest)
                )
            )
        RetentionSchedule.objects.bulk_create(rows, ignore_conflicts=True)
        fixed += len(rows)

    # Drafts: only those whose purge comes within the notice period get a date.
    for campaign_id, months in _draft_months(policies):
        cutoff = _aware(earliest - relativedelta(months=months) + timedelta(days=1))
        drafts = FundingRequest.objects.filter(
            campaign_id=campaign_id,
            state=RequestState.DRAFT,
            updated_at__lt=cutoff,
            retention__isnull=True,
        )
        for ids in _batches(drafts):
            rows = [
                RetentionSchedule(
                    request_id=pk,
                    purge_on=max(
                        timezone.localtime(updated).date() + relativedelta(months=months), earliest
                    ),
                )
                for pk, updated in FundingRequest.objects.filter(pk__in=ids).values_list(
                    "pk", "updated_at"
                )
            ]
            RetentionSchedule.objects.bulk_create(rows, ignore_conflicts=True)
            fixed += len(rows)
    return fixed


def _draft_months(policies) -> list[tuple[int, int]]:
    from dossiers.models import Campaign

    campaigns = Campaign.objects.filter(funding_requests__state=RequestState.DRAFT).distinct()
    return [
        (pk, policies.get(pk, DEFAULT_POLICY).draft_months)
        for pk in campaigns.values_list("pk", flat=True)
    ]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- 2. Archive -----------------------------------------------------------------------------


def archive_due(*, today: date) -> int:
    due = RetentionSchedule.objects.filter(archive_on__lte=today, archived_at__isnull=True)
    done = 0
    for ids in _batches(due):
        with transaction.atomic():
            request_ids = list(
                RetentionSchedule.objects.filter(pk__in=ids).values_list("request_id", flat=True)
            )
            record_aids(request_ids)
            done += RetentionSchedule.objects.filter(pk__in=ids, archived_at__isnull=True).update(
                archived_at=timezone.now()
            )
    return done


def siren_key(siren: str) -> str:
    """A keyed hash of a SIREN: the same undertaking always gets the same pseudonym, which
    nobody can reverse without the key (GDPR art. 4(5))."""
    secret = (settings.SECRET_KEY + ":aid-records").encode()
    return hmac.new(secret, siren.encode(), hashlib.sha256).hexdigest()


def record_aids(request_ids) -> int:
    """Copy the granted aids of these requests into pseudonymised aid records (once)."""
    granted = dict(
        RequestTransition.objects.filter(request_id__in=request_ids, transition="approve")
        .values_list("request_id")
        .annotate(Max("at"))
    )
    rows = []
    for pk, reference, campaign_id, siren, grant, approved in FundingRequest.objects.filter(
        pk__in=list(granted), state=RequestState.APPROVED
    ).values_list(
        "pk", "reference", "campaign_id", "enterprise__siren", "grant_amount", "approved_amount"
    ):
        aid = min(grant, approved if approved is not None else grant)
        if aid <= 0:
            continue
        granted_on = timezone.localtime(granted[pk]).date()
        rows.append(
            AidRecord(
                beneficiary_key=siren_key(siren),
                campaign_id=campaign_id,
                request_reference=reference,
                granted_on=granted_on,
                amount=aid,
                keep_until=granted_on + relativedelta(years=AID_RECORD_YEARS),
            )
        )
    AidRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def aid_received(siren: str, *, since: date) -> Decimal:
    """De minimis cumulation: aid granted through Grappe to this undertaking since ``since``,
    still answered after its requests were purged."""
    total = AidRecord.objects.filter(
        beneficiary_key=siren_key(siren), granted_on__gte=since
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def may_read(user, request: FundingRequest) -> bool:
    """An archived request is for its federation's managers (and staff) only; every read
    is logged. A request not archived: the usual rules apply (True here)."""
    archived = RetentionSchedule.objects.filter(request=request, archived_at__isnull=False).exists()
    if not archived:
        return True
    manager = user.is_federation_manager and user.organisation_id == request.campaign.federation_id
    if not (manager or user.is_staff):
        return False
    ArchiveAccess.objects.create(request=request, user=user)
    return True


# --- 3. Notices -----------------------------------------------------------------------------

TEXTS = {
    "fr": (
        "Grappe : la demande {ref} sera supprimée le {day}",
        "Bonjour,\n\nLa durée de conservation de la demande {ref} ({title}) arrive à son "
        "terme : elle et ses pièces seront supprimées le {day}, dans {days} jour(s).\n"
        "Pour un brouillon, il suffit de le reprendre depuis votre espace Grappe pour le "
        "garder.\n",
    ),
    "en": (
        "Grappe: request {ref} will be deleted on {day}",
        "Hello,\n\nThe retention period of request {ref} ({title}) is ending: it and its "
        "documents will be deleted on {day}, in {days} day(s).\nA draft is kept if you "
        "resume it from your Grappe space.\n",
    ),
}


def send_notices(*, today: date) -> int:
    """J-30 and J-7 notices to the SME's representatives, with the date fixed in the schedule."""
    horizon = today + timedelta(days=max(NOTICE_DAYS))
    due = RetentionSchedule.objects.filter(purge_on__gt=today, purge_on__lte=horizon)
    sent = 0
    for ids in _batches(due):
        for schedule in RetentionSchedule.objects.filter(pk__in=ids).select_related("request"):
            request, day = schedule.request, schedule.purge_on
            notice = min(n for n in NOTICE_DAYS if (day - today).days <= n)
            people = User.objects.filter(enterprises=request.enterprise_id, is_active=True).exclude(
                email=""
            )

            def compose(person, request=request, day=day):
                language = "en" if (translation.get_language() or "").startswith("en") else "fr"
                subject, body = TEXTS[language]
                values = {
                    "ref": request.reference,
                    "title": request.project_title,
                    "day": format_date(day),
                    "days": (day - today).days,
                }
                return subject.format(**values), body.format(**values)

            key = f"retention-notice:{request.pk}:{day.isoformat()}:J-{notice}"
            sent += tell(people, key=key, compose=compose)
    return sent


# --- 4. Purge -------------------------------------------------------------------------------


def held_ids():
    return LegalHold.objects.filter(lifted_at__isnull=True).values("request_id")


def purge_due(*, today: date, progress=None) -> int:
    due = RetentionSchedule.objects.filter(purge_on__lte=today).exclude(request_id__in=held_ids())
    purged = 0
    for ids in _batches(due):
        request_ids = list(
            RetentionSchedule.objects.filter(pk__in=ids).values_list("request_id", flat=True)
        )
        purged += purge(request_ids, reason="Durée de conservation échue.", today=today)
        if progress:
            progress(purged)
    return purged


def purge(request_ids, *, reason: str, today: date) -> int:
    """Erase these requests and all that derives from them; returns how many were erased.

    One transaction per batch: a purge stopped anywhere resumes where it stopped (the
    tombstones and the erased rows commit together). A request under legal hold, or
    whose purge date moved beyond ``today``, is left alone.
    """
    with transaction.atomic():
        ids = list(
            FundingRequest.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(request_ids), retention__purge_on__lte=today)
            .exclude(pk__in=held_ids())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        record_aids(ids)
        tombstones = _tombstones(ids, reason)
        names = _erase_derived(ids)
        file_ids = list(
            SupportingDocument.objects.filter(request_id__in=ids).values_list(
                "stored_file_id", flat=True
            )
        )
        enterprise_ids = set(
            FundingRequest.objects.filter(pk__in=ids).values_list("enterprise_id", flat=True)
        )
        FundingRequest.objects.filter(pk__in=ids).delete()
        orphans = StoredFile.objects.filter(pk__in=file_ids).exclude(
            pk__in=SupportingDocument.objects.values("stored_file_id")
        )
        names += list(orphans.values_list("file", flat=True))
        orphans.delete()
        _erase_lonely_enterprises(enterprise_ids)
        Tombstone.objects.bulk_create(tombstones, ignore_conflicts=True)
        transaction.on_commit(lambda: _erase_files(names))
    return len(ids)


def _tombstones(ids: list[int], reason: str) -> list[Tombstone]:
    """The proof of each erasure: a SHA-256 over what is erased, no personal data."""
    history, documents, counts = defaultdict(list), defaultdict(list), defaultdict(dict)
    for row in (
        RequestTransition.objects.filter(request_id__in=ids)
        .order_by("at", "pk")
        .values_list("request_id", "transition", "to_state", "at", "note")
    ):
        history[row[0]].append([str(value) for value in row[1:]])
    for request_id, sha in SupportingDocument.objects.filter(request_id__in=ids).values_list(
        "request_id", "stored_file__sha256"
    ):
        documents[request_id].append(sha)
    for request_id in RequestMessage.objects.filter(request_id__in=ids).values_list(
        "request_id", flat=True
    ):
        counts[request_id]["messages"] = counts[request_id].get("messages", 0) + 1
    bundles = defaultdict(list)
    for request_id, reference in BundleMember.objects.filter(request_id__in=ids).values_list(
        "request_id", "bundle__reference"
    ):
        bundles[request_id].append(reference)
    stones = []
    for row in FundingRequest.objects.filter(pk__in=ids).values():
        pk = row["id"]
        content = {
            "request": {key: str(value) for key, value in sorted(row.items())},
            "history": history[pk],
            "documents": sorted(documents[pk]),
        }
        digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        stones.append(
            Tombstone(
                reference=row["reference"],
                campaign_id=row["campaign_id"],
                final_state=row["state"],
                content_hash=digest,
                reason=reason,
                erased={
                    "documents": len(documents[pk]),
                    "history": len(history[pk]),
                    "messages": counts[pk].get("messages", 0),
                    "bundles": bundles[pk],
                },
            )
        )
    return stones


def _erase_derived(ids: list[int]) -> list[str]:
    """Rows outside the request's own cascade that carry its data; returns files to erase."""
    references = list(FundingRequest.objects.filter(pk__in=ids).values_list("reference", flat=True))
    history = RequestTransition.objects.filter(request_id__in=ids).values_list("pk", flat=True)
    messages = RequestMessage.objects.filter(request_id__in=ids).values_list("pk", flat=True)
    types = ContentType.objects.get_for_models(FundingRequest, RequestTransition, RequestMessage)
    targets = (
        Q(target_type=types[FundingRequest], target_id__in=ids)
        | Q(target_type=types[RequestTransition], target_id__in=list(history))
        | Q(target_type=types[RequestMessage], target_id__in=list(messages))
    )
    jobs = list(Job.objects.filter(targets).values_list("pk", flat=True))
    # One pattern for the whole batch: each table is read once per batch, not once per request.
    named = "|".join(re.escape(reference) for reference in references)
    Notification.objects.filter(
        Q(transition__request_id__in=ids) | Q(job_id__in=jobs) | Q(subject__regex=named)
    ).delete()
    Job.objects.filter(pk__in=jobs).delete()
    for model, field in ((WebhookDelivery, "payload"), (IdempotentRequest, "response_body")):
        texts = model.objects.annotate(text=Cast(field, TextField()))
        texts.filter(text__regex=named).delete()
    memberships = BundleMember.objects.filter(request_id__in=ids)
    names = erase_bundle_documents(memberships.values_list("bundle_id", flat=True).distinct())
    memberships.delete()  # the bundle keeps its totals and its history
    return names


def _erase_lonely_enterprises(enterprise_ids) -> None:
    """An enterprise left without any request goes too (a sole trader's identity)."""
    lonely = list(
        Enterprise.objects.filter(pk__in=enterprise_ids, funding_requests__isnull=True).values_list(
            "pk", flat=True
        )
    )
    try:
        with transaction.atomic():
            Enterprise.objects.filter(pk__in=lonely).delete()
            return
    except (ProtectedError, RestrictedError):
        pass  # one of them is still referenced elsewhere: one by one, keep that one
    for pk in lonely:
        try:
            with transaction.atomic():
                Enterprise.objects.filter(pk=pk).delete()
        except (ProtectedError, RestrictedError):
            logger.warning("Enterprise %s is still referenced: kept", pk)


def _erase_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not erase stored file %s", name, exc_info=True)
