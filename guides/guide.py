"""What a project guide page puts together for one project type, for one reader."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from aids.evaluator import Applicant, Verdict
from aids.routing import compiled_catalogue, route
from costs.models import CostReference
from dossiers.models import Enterprise, FundingRequest
from dossiers.nomenclature import departements
from guides.content import STEPS
from guides.models import Testimonial
from providers.directory import find_providers
from providers.models import Provider


@dataclass(frozen=True)
class Guide:
    project_type: str
    label: str
    steps: list
    references: list[CostReference]
    providers: list[Provider]
    aids: list[Verdict]
    testimonials: list[tuple[str, str]]  # (who, text)


def _who(testimonial: Testimonial) -> str:
    enterprise = testimonial.request.enterprise
    if testimonial.show_name:
        return f"{enterprise.name} ({enterprise.departement_name})"
    return f"Une TPE de {enterprise.departement_name} ({enterprise.naf_label.lower()})"


def build_guide(project_type: str, *, enterprise: Enterprise | None, departement: str) -> Guide:
    today = timezone.localdate()
    region = departements()[departement].region
    references = list(
        CostReference.objects.filter(
            project_type=project_type, region=region, published=True
        ).order_by("-year", "-count")[:10]
    )
    applicant = Applicant(
        departement=departement,
        naf_code=enterprise.naf_code if enterprise else None,
        headcount=enterprise.headcount if enterprise else None,
        turnover=enterprise.turnover if enterprise else None,
        sme_category=enterprise.sme_category if enterprise else None,
        creation_date=enterprise.creation_date if enterprise else None,
        project_category=project_type,
    )
    testimonials = Testimonial.objects.filter(
        request__project_category=project_type
    ).select_related("request__enterprise")[:5]
    return Guide(
        project_type=project_type,
        label=str(FundingRequest.ProjectCategory(project_type).label),
        steps=STEPS[project_type],
        references=references,
        providers=find_providers(departement=departement, project_type=project_type)[:5],
        aids=route(applicant, compiled_catalogue(today))[:10],
        testimonials=[(_who(t), t.text) for t in testimonials],
    )


def give_testimonial(request: FundingRequest, *, actor, text: str, show_name: bool) -> Testimonial:
    """The SME's words on its approved request, with its consent given now."""
    testimonial, _ = Testimonial.objects.update_or_create(
        request=request,
        defaults={
            "text": text,
            "show_name": show_name,
            "consent_given_at": timezone.now(),
            "given_by": actor,
        },
    )
    return testimonial
