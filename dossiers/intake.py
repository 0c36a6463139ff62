"""A new request and, when needed, its enterprise: the services the portals and the API call.

- ``prefill_request``: a federation prefills a request for one of its SMEs (enterprise,
  draft, financing plan). An enterprise already registered and visible to the federation
  is reused as is; one registered by someone else is refused.
- ``create_request_for_enterprise``: an SME's representative starts a request for one of
  their enterprises, or describes a new one and becomes its representative.

All or nothing, in one transaction, through ``create_request`` and ``set_financing_plan``,
so the model validators and the plan rules are the ones every other interface applies.
"""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from dossiers.models import Campaign, Enterprise, FundingRequest
from dossiers.plan import PlanLine, set_financing_plan
from dossiers.requests import create_request
from dossiers.workflow import Conflict


class EnterpriseElsewhere(Conflict):
    """The SIRET belongs to an enterprise this organisation has no business with."""

    api_code = "enterprise_registered_elsewhere"


def _new_enterprise(fields: Mapping[str, Any]) -> Enterprise:
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as exc:  # the same SIRET created at the same moment
        raise Conflict("Cette entreprise vient d'être enregistrée : réessayez.") from exc
    return enterprise


def _enterprise(actor: User, fields: Mapping[str, Any]) -> Enterprise:
    existing: Enterprise | None = Enterprise.objects.filter(siret=fields["siret"]).first()
    if existing is None:
        return _new_enterprise(fields)
    # The enterprise's own record is not changed from here: the SME keeps it.
    if not Enterprise.objects.visible_to(actor).filter(pk=existing.pk).exists():
        raise EnterpriseElsewhere(
            f"L'entreprise {existing.siret} est déjà enregistrée dans Grappe : "
            "son représentant doit créer la demande lui-même ou vous y inviter."
        )
    return existing


def prefill_request(
    *,
    actor: User,
    campaign: Campaign,
    enterprise: Mapping[str, Any],
    project: Mapping[str, Any],
    uses: list[PlanLine] | None = None,
    sources: list[PlanLine] | None = None,
) -> FundingRequest:
    """Create a draft on behalf of an SME; an existing, visible enterprise is reused as is."""
    with transaction.atomic():
        company = _enterprise(actor, enterprise)
        request = create_request(
            campaign=campaign, enterprise=company, created_by=actor, **dict(project)
        )
        if uses is not None:
            request = set_financing_plan(request, actor=actor, uses=uses, sources=sources or [])
    return request


def create_request_for_enterprise(
    *,
    actor: User,
    campaign: Campaign,
    enterprise: Enterprise | None = None,
    new_enterprise: Mapping[str, Any] | None = None,
    project: Mapping[str, Any],
) -> FundingRequest:
    """A request for one of ``actor``'s enterprises, or for the new one they describe
    (``new_enterprise``: its fields), of which they become a representative."""
    with transaction.atomic():
        if enterprise is None:
            if new_enterprise is None:
                raise ValueError("Either an enterprise or a new enterprise's fields are needed.")
            enterprise = _new_enterprise(new_enterprise)
            enterprise.representatives.add(actor)
        return create_request(
            campaign=campaign, enterprise=enterprise, created_by=actor, **dict(project)
        )
