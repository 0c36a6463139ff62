"""Creating and editing a funding request's own data (not its state)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from dossiers.models import Campaign, Enterprise, FundingRequest
from dossiers.workflow import lock_for_edit

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
        request = FundingRequest(
            campaign=campaign, enterprise=enterprise, created_by=created_by, **fields
        )
        # A placeholder under the field's 20 characters until the primary key is known.
        request.reference = f"TMP-{uuid.uuid4().hex[:16]}"
        request.save()
        request.reference = f"DEM-{request.created_at.year}-{request.pk:06d}"
        FundingRequest.objects.filter(pk=request.pk).update(reference=request.reference)
    return request


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
