"""Creating and editing a funding request's own data (not its state)."""

import uuid

from django.db import transaction
from django.db.models import F

from dossiers.models import Campaign, Enterprise, FundingRequest
from dossiers.workflow import Refused, lock_for_edit

EDITABLE_FIELDS = {
    "project_category", "project_title", "project_description", "activity_confirmed",
    "mandate_signed_by", "mandate_signed_on",
}  # fmt: skip


def create_request(
    *, campaign: Campaign, enterprise: Enterprise, created_by, **fields
) -> FundingRequest:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable on a request: {sorted(unknown)}")
    with transaction.atomic():
        refuse_second_request(campaign, enterprise)
        request = FundingRequest(
            campaign=campaign, enterprise=enterprise, created_by=created_by, **fields
        )
        # A placeholder under the field's 20 characters until the primary key is known.
        request.reference = f"TMP-{uuid.uuid4().hex[:16]}"
        request.save()
        request.reference = f"DEM-{request.created_at.year}-{request.pk:06d}"
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


def update_request(
    request: FundingRequest, *, actor, expected_version: int, **fields
) -> FundingRequest:
    """Change a draft's own fields; a stale ``expected_version`` is a Conflict, nothing saved."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable on a request: {sorted(unknown)}")
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["reference", "state"])
        locked.version = F("version") + 1
        locked.save()
        locked.refresh_from_db()
    return locked
