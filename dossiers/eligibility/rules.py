"""Checking a request against its campaign's eligibility and its funders' products.

``campaign_problems(request, on)`` runs at submission and at review;
``product_filter_problems(request, product)`` when a loan line goes into a lender bundle;
``document_requirement_problems(request, on)`` at the request's submission and again at
the collective's (``product_document_problems`` for one product). Each returns reasons in
plain words, empty when the request passes (docs/rules.md#programme-eligibility).
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from dossiers.eligibility.models import CampaignEligibility, FunderProduct
from dossiers.formatting import format_date
from dossiers.models import Enterprise, FundingRequest, SupportingDocument

D = SupportingDocument.Kind
CATEGORY = Enterprise.Category


def _startswith_any(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def _staff_and_age(enterprise: Enterprise, rule, on: date, what: str) -> list[str]:
    problems = []
    if rule.min_age_years is not None and enterprise.age_in_years(on) < rule.min_age_years:
        problems.append(
            f"{what} : l'entreprise doit avoir au moins {rule.min_age_years} ans "
            f"(créée le {format_date(enterprise.creation_date)})."
        )
    if rule.min_headcount is not None and enterprise.headcount < rule.min_headcount:
        problems.append(
            f"{what} : effectif de {enterprise.headcount} UTA, au moins "
            f"{rule.min_headcount} demandés."
        )
    if (
        rule.max_headcount_exclusive is not None
        and enterprise.headcount >= rule.max_headcount_exclusive
    ):
        problems.append(
            f"{what} : effectif de {enterprise.headcount} UTA, il doit être inférieur à "
            f"{rule.max_headcount_exclusive}."
        )
    return problems


def campaign_rule_on(campaign, on: date) -> CampaignEligibility | None:
    return (
        CampaignEligibility.in_force(campaign.eligibility_rules.all(), on)
        .order_by("-valid_from")
        .first()
    )


def campaign_problems(request: FundingRequest, on: date) -> list[str]:
    """The campaign's programme eligibility in force on ``on``."""
    campaign, enterprise = request.campaign, request.enterprise
    if not campaign.eligibility_rules.exists():
        return []
    rule = campaign_rule_on(campaign, on)
    what = f"Programme de la campagne {campaign.reference}"
    if rule is None:
        return [
            f"{what} : aucune règle d'éligibilité n'est en vigueur le {format_date(on)}. "
            "Un administrateur doit la dater dans la table."
        ]
    problems = []
    if rule.sme_categories and enterprise.sme_category not in rule.sme_categories:
        allowed = ", ".join(str(CATEGORY(c).label) for c in rule.sme_categories)
        problems.append(
            f"{what} : réservé aux catégories {allowed} ; l'entreprise est "
            f"« {CATEGORY(enterprise.sme_category).label} »."
        )
    problems += _staff_and_age(enterprise, rule, on, what)
    naf = enterprise.naf_code
    if rule.naf_included and not _startswith_any(naf, rule.naf_included):
        problems.append(f"{what} : l'activité {naf} ({enterprise.naf_label}) n'est pas admise.")
    if rule.naf_excluded and _startswith_any(naf, rule.naf_excluded):
        problems.append(f"{what} : l'activité {naf} ({enterprise.naf_label}) est exclue.")
    if rule.departements and enterprise.departement not in rule.departements:
        problems.append(
            f"{what} : le département {enterprise.departement} "
            f"({enterprise.departement_name}) n'est pas couvert."
        )
    if rule.regions and enterprise.region not in rule.regions:
        problems.append(
            f"{what} : la région {enterprise.region} ({enterprise.region_name}) n'est pas couverte."
        )
    return problems


def product_filter_problems(
    request: FundingRequest, product: FunderProduct, *, on: date | None = None
) -> list[str]:
    """A product's own filters: company age, staff band, NAF exclusions, insolvency."""
    on = on or timezone.localdate()
    enterprise = request.enterprise
    what = f"Produit {product.name}"
    if not product.in_force_on(on):
        return [f"{what} : pas en vigueur le {format_date(on)}."]
    problems = _staff_and_age(enterprise, product, on, what)
    naf = enterprise.naf_code
    if _startswith_any(naf, product.naf_excluded) and not _startswith_any(
        naf, product.naf_excluded_except
    ):
        problems.append(f"{what} : l'activité {naf} ({enterprise.naf_label}) est exclue.")
    if enterprise.insolvency_proceedings:
        problems.append(f"{what} : l'entreprise fait l'objet d'une procédure collective.")
    return problems


def lender_products(funder, on: date) -> list[FunderProduct]:
    """The loan and guarantee products in force for a lender's bundles (its own or general):
    their filters apply to every loan line that enters one (docs/rules.md#product-filters)."""
    found = FunderProduct.in_force(
        FunderProduct.objects.filter(
            kind__in=(FunderProduct.Kind.LOAN, FunderProduct.Kind.GUARANTEE)
        ),
        on,
    )
    return list(found.filter(Q(funder__isnull=True) | Q(funder=funder)).order_by("code"))


def products_for(request: FundingRequest, on: date) -> list[FunderProduct]:
    """The products in force that a request's financing calls on."""
    kinds = [FunderProduct.Kind.ANY]
    if request.grant_amount > 0:
        kinds.append(FunderProduct.Kind.GRANT)
    if request.loan_amount > 0:
        kinds += [FunderProduct.Kind.LOAN, FunderProduct.Kind.GUARANTEE]
    funders = request.campaign.funders.all()
    found = FunderProduct.in_force(FunderProduct.objects.filter(kind__in=kinds), on)
    return list(
        found.filter(Q(funder__isnull=True) | Q(funder__in=funders))
        .prefetch_related("documents")
        .order_by("code")
    )


def product_document_problems(
    request: FundingRequest, product: FunderProduct, on: date, *, documents=None
) -> list[str]:
    """The documents ``product`` asks for: present, enough of them, and in date on ``on``."""
    documents = list(request.documents.all()) if documents is None else documents
    problems = []
    for requirement in product.documents.all():
        kind = D(requirement.kind)
        mine = [d for d in documents if d.kind == kind]
        valid = [d for d in mine if _in_date(d, requirement.validity_days, on)]
        if len(valid) >= requirement.count:
            continue
        if mine and len(valid) < len(mine):
            stale = next(d for d in mine if d not in valid)
            problems.append(
                f"{kind.label} ({stale.stored_file.original_name}, émise le "
                f"{format_date(stale.issued_on)}) périmée le "
                f"{format_date(_last_day(stale, requirement.validity_days))} : "
                f"{product.name} en demande une en cours de validité."
            )
        else:
            asked = f"{requirement.count} × " if requirement.count > 1 else ""
            problems.append(f"Pièce manquante pour {product.name} : {asked}{kind.label}.")
    wanted = min(product.tax_returns, request.enterprise.age_in_years(on))
    present = sum(1 for d in documents if d.kind == D.TAX_RETURN)
    if wanted and present < wanted:
        problems.append(
            f"{product.name} demande les {wanted} dernières liasses fiscales : "
            f"{present} fournie(s)."
        )
    return problems


def document_requirement_problems(request: FundingRequest, on: date) -> list[str]:
    documents = list(request.documents.select_related("stored_file"))
    problems = []
    for product in products_for(request, on):
        for problem in product_document_problems(request, product, on, documents=documents):
            if problem not in problems:
                problems.append(problem)
    return problems


def required_kinds(request: FundingRequest, on: date) -> dict[str, int]:
    """kind → how many the request's products ask for (for forms and the demo)."""
    wanted: dict[str, int] = {}
    for product in products_for(request, on):
        for requirement in product.documents.all():
            wanted[requirement.kind] = max(wanted.get(requirement.kind, 0), requirement.count)
        returns = min(product.tax_returns, request.enterprise.age_in_years(on))
        if returns:
            wanted[D.TAX_RETURN] = max(wanted.get(D.TAX_RETURN, 0), returns)
    return wanted


def _last_day(document: SupportingDocument, validity_days: int | None) -> date | None:
    limits = [document.expires_on] if document.expires_on else []
    if validity_days is not None:
        limits.append(document.issued_on + timedelta(days=validity_days))
    return min(limits) if limits else None


def _in_date(document: SupportingDocument, validity_days: int | None, on: date) -> bool:
    last = _last_day(document, validity_days)
    return document.issued_on <= on and (last is None or on <= last)
