"""A federation prefills a request for one of its SMEs: enterprise, draft, financing plan.

All or nothing, in one transaction, through the same services the portals use
(``create_request``, ``set_financing_plan``), so the model validators and the plan rules
are the ones every other interface applies.
"""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from dossiers.models import Campaign, Enterprise, FundingRequest
from dossiers.plan import PlanLine, set_financing_plan
from dossiers.requests import create_request
from dossiers.workflow import Conflict


class EnterpriseElsewhere(Conflict):
    """The SIRET belongs to an enterprise this organisation has no business with."""

    api_code = "enterprise_registered_elsewhere"


def _enterprise(actor, fields: Mapping[str, Any]) -> Enterprise:
    existing = Enterprise.objects.filter(siret=fields["siret"]).first()
    if existing is None:
        enterprise = Enterprise(**fields)
        enterprise.full_clean()
        try:
            with transaction.atomic():
                enterprise.save()
        except IntegrityError as exc:  # the same SIRET created at the same moment
            raise Conflict("Cette entreprise vient d'être enregistrée : réessayez.") from exc
        return enterprise
    # The enterprise's own record is not changed from here: the SME keeps it.
    if not Enterprise.objects.visible_to(actor).filter(pk=existing.pk).exists():
        raise EnterpriseElsewhere(
            f"L'entreprise {existing.siret} est déjà enregistrée dans Grappe : "
            "son représentant doit créer la demande lui-même ou vous y inviter."
        )
    return existing


def prefill_request(
    *,
    actor,
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
