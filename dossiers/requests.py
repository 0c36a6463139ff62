"""Creating and editing a funding request's own data (not its state)."""

import uuid
from datetime import UTC

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast, Concat, ExtractYear, LPad

from dossiers.models import Campaign, Enterprise, FundingRequest
from dossiers.workflow import Refused, lock_for_edit

EDITABLE_FIELDS = {
    "project_category", "project_title", "project_description", "activity_confirmed",
    "mandate_signed_by", "mandate_signed_on",
}  # fmt: skip
# The free texts' sensible length (docs/rules.md#text-lengths): a project described in two
# pages at most; the PDF dossier prints it whole.
TEXT_LIMITS = {"project_description": 4000}


def check_text_lengths(fields: dict) -> None:
    """Refuse, naming the field, a free text longer than its limit; nothing is saved."""
    errors = {
        name: f"{len(fields[name])} caractères : {limit} au plus."
        for name, limit in TEXT_LIMITS.items()
        if len(fields.get(name) or "") > limit
    }
    if errors:
        raise ValidationError(errors)


def create_request(
    *, campaign: Campaign, enterprise: Enterprise, created_by, **fields
) -> FundingRequest:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable on a request: {sorted(unknown)}")
    check_text_lengths(fields)
    with transaction.atomic():
        refuse_second_request(campaign, enterprise)
        request = FundingRequest(
            campaign=campaign, enterprise=enterprise, created_by=created_by, **fields
        )
        # A placeholder under the field's 20 characters until the primary key is known.
        request.reference = f"TMP-{uuid.uuid4().hex[:16]}"
        request.save()
        request.reference = _reference(request)
        FundingRequest.objects.filter(pk=request.pk).update(reference=request.reference)
    return request


def refuse_second_request(campaign: Campaign, enterprise: Enterprise) -> None:
    """Raise ``Refused`` naming the undertaking's active request in ``campaign``, if any.

    Call inside a transaction: the undertaking's enterprise rows stay locked until it ends,
    so two creations at once for one undertaking are one after the other, and the second
    sees the first (docs/rules.md#single-undertaking).
    """
    from dossiers.undertaking import lock_undertaking, second_request_problem

    lock_undertaking(enterprise)
    problem = second_request_problem(campaign, enterprise)
    if problem:
        raise Refused("Demande refusée :", [problem])


def _reference(request: FundingRequest) -> str:
    return f"DEM-{request.created_at.year}-{request.pk:06d}"


def create_requests(requests: list[FundingRequest]) -> list[FundingRequest]:
    """``create_request`` for many unsaved drafts at once (a member import): two queries per
    batch instead of two per request, the same references."""
    if not requests:
        return []
    with transaction.atomic():
        for request in requests:
            request.reference = f"TMP-{uuid.uuid4().hex[:16]}"
        created = FundingRequest.objects.bulk_create(requests)
        # One UPDATE writes every reference as _reference does (year in UTC, 6-digit id).
        number = Cast("pk", CharField())
        FundingRequest.objects.filter(pk__in=[r.pk for r in created]).update(
            reference=Concat(
                Value("DEM-"),
                Cast(ExtractYear("created_at", tzinfo=UTC), CharField()),
                Value("-"),
                Case(When(pk__gte=1_000_000, then=number), default=LPad(number, 6, Value("0"))),
            )
        )
        for request in created:
            request.reference = _reference(request)
    return created


def update_request(
    request: FundingRequest, *, actor, expected_version: int, **fields
) -> FundingRequest:
    """Change a draft's own fields; a stale ``expected_version`` is a Conflict, nothing saved."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable on a request: {sorted(unknown)}")
    check_text_lengths(fields)
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["reference", "state"])
        locked.version = F("version") + 1
        locked.save()
        locked.refresh_from_db()
    return locked
