"""Why a transition is refused, in plain words.

A guard returns the list of problems that stop a transition (empty: it may proceed).
The workflow service runs the guard of a transition before doing it, and the portals
show the same list next to a disabled button.
"""

from datetime import date
from decimal import Decimal

from dossiers.eligibility.rules import campaign_problems, document_requirement_problems
from dossiers.formatting import euros, format_date
from dossiers.models import (
    Enterprise,
    FundingRequest,
    MissingParameter,
    SchemeParameter,
    SupportingDocument,
)
from dossiers.undertaking import CEILING_KEY

P = SchemeParameter.Key
D = SupportingDocument.Kind
DE_MINIMIS_CEILING_KEY = CEILING_KEY  # the sector's ceiling key, also read by exports

# docs/rules.md#lender-documents: the documents every member brings. Statutes only for companies,
# tax returns or, for a firm younger than two years, a forecast.
ALWAYS_REQUIRED = (D.KBIS, D.MANAGER_ID, D.RIB)
NO_STATUTES = (Enterprise.LegalForm.EI,)
NOTE_REQUIRED = {"request_changes", "reject", "reopen", "decline"}


def balance_problem(uses_total: Decimal, sources_total: Decimal) -> str | None:
    if uses_total == sources_total:
        return None
    gap = sources_total - uses_total
    return (
        f"Le plan de financement n'est pas équilibré : besoins {euros(uses_total)}, "
        f"ressources {euros(sources_total)} (écart {euros(gap)})."
    )


def _param(key: str, on: date) -> Decimal:
    return SchemeParameter.value_on(key, on)


def plan_problems(request: FundingRequest, on: date) -> list[str]:
    problems = []
    if request.total_cost <= 0:
        problems.append("Le plan de financement est vide : indiquez le coût du projet.")
    unbalanced = balance_problem(request.total_cost, request.total_sources)
    if unbalanced:
        problems.append(unbalanced)
    cap = _param(P.GRANT_CAP, on)
    if request.grant_amount > cap:
        problems.append(
            f"Subvention demandée {euros(request.grant_amount)} au-dessus du plafond "
            f"par entreprise de {euros(cap)}."
        )
    rate = _param(P.GRANT_AID_RATE, on)
    rate_cap = (request.eligible_cost * rate).quantize(Decimal("0.01"))
    if request.grant_amount > rate_cap:
        problems.append(
            f"Subvention demandée {euros(request.grant_amount)} au-dessus de "
            f"{rate * 100:.0f} % du coût éligible HT ({euros(rate_cap)})."
        )
    return problems


def plan_warnings(request: FundingRequest, on: date) -> list[str]:
    """Not blocking: things an analyst will ask about (docs/rules.md#financing-plan)."""
    warn_at = _param(P.LOAN_TO_INVESTMENT_WARNING, on)
    return loan_warnings(request.loan_amount, request.eligible_cost, warn_at)


def loan_warnings(loan: Decimal, investment: Decimal, warn_at: Decimal) -> list[str]:
    """The warning of :func:`plan_warnings` for figures already read (the collective file
    reads the parameter once for all its members)."""
    if investment and loan > investment * warn_at:
        return [
            f"Le prêt bancaire ({euros(loan)}) dépasse {warn_at * 100:.0f} % "
            f"de l'investissement ({euros(investment)})."
        ]
    return []


def de_minimis_problems(request: FundingRequest, on: date) -> list[str]:
    """The undertaking's de minimis check with ``on`` as the grant date."""
    from dossiers.undertaking import check_de_minimis

    return check_de_minimis(request, grant_date=on)


def undertaking_problems(request: FundingRequest, on: date) -> list[str]:
    """One active request per undertaking and campaign; the grant cap per undertaking."""
    from dossiers.undertaking import grant_cap_problem, lock_undertaking, second_request_problem

    lock_undertaking(request.enterprise)
    problems = []
    second = second_request_problem(request.campaign, request.enterprise, excluding=request)
    if second:
        problems.append(second)
    if request.grant_amount <= _param(P.GRANT_CAP, on):  # above it, plan_problems says so
        capped = grant_cap_problem(request, at=on)
        if capped:
            problems.append(capped)
    return problems


def document_problems(request: FundingRequest, on: date) -> list[str]:
    enterprise = request.enterprise
    kbis_days = int(_param(P.KBIS_VALIDITY_DAYS, on))
    letter_days = int(_param(P.BANK_LETTER_VALIDITY_DAYS, on))
    documents = list(request.documents.all())
    problems = []
    for document in documents:
        until = document.valid_until(kbis_days=kbis_days, bank_letter_days=letter_days)
        if until is not None and until < on:
            problems.append(
                f"{document.get_kind_display()} ({document.stored_file.original_name}) "
                f"périmé depuis le {format_date(until)}."
            )
    present = {d.kind for d in documents}
    required = list(ALWAYS_REQUIRED)
    if enterprise.legal_form not in NO_STATUTES:
        required.append(D.STATUTES)
    young = enterprise.age_in_years(on) < 2
    if D.TAX_RETURN not in present and not (young and D.FORECAST in present):
        required.append(D.FORECAST if young else D.TAX_RETURN)
    for kind in required:
        if kind not in present:
            problems.append(f"Pièce manquante : {D(kind).label}.")
    if not request.quotes.exists():
        problems.append("Au moins un devis fournisseur est nécessaire.")
    return problems + document_requirement_problems(request, on)


def applicant_problems(request: FundingRequest, on: date) -> list[str]:
    enterprise = request.enterprise
    problems = list(request.campaign.eligibility_problems(enterprise))
    problems += campaign_problems(request, on)
    if enterprise.sme_category == Enterprise.Category.LARGE:
        problems.append(
            "L'entreprise n'est pas une PME au sens de l'UE (effectif, chiffre d'affaires et "
            "bilan, ou détention publique ≥ 25 %)."
        )
    if enterprise.insolvency_proceedings:
        problems.append("L'entreprise fait l'objet d'une procédure collective.")
    if not request.activity_confirmed:
        problems.append(
            "Le demandeur doit confirmer son activité (le code APE seul ne suffit pas)."
        )
    if not (request.mandate_signed_by and request.mandate_signed_on):
        problems.append("Le mandat donné à la fédération chef de file n'est pas signé.")
    return problems


def submission_problems(request: FundingRequest, on: date) -> list[str]:
    problems = []
    if not request.campaign.accepts_submissions_on(on):
        problems.append(
            f"La campagne {request.campaign.reference} n'accepte pas de dépôt le "
            f"{format_date(on)} (date limite : {format_date(request.campaign.deadline)})."
        )
    return (
        problems
        + applicant_problems(request, on)
        + plan_problems(request, on)
        + undertaking_problems(request, on)
        + de_minimis_problems(request, on)
        + document_problems(request, on)
    )


def eligibility_problems(request: FundingRequest, on: date) -> list[str]:
    # Re-checked at review time: documents may have expired since submission.
    return (
        applicant_problems(request, on)
        + plan_problems(request, on)
        + undertaking_problems(request, on)
        + de_minimis_problems(request, on)
        + document_problems(request, on)
    )


def approval_problems(request: FundingRequest, on: date, *, amount: Decimal) -> list[str]:
    """Before a grant: the amount, and de minimis with the decision's date as grant date."""
    asked = request.grant_amount + request.loan_amount
    if amount is None or amount <= 0:
        return ["Le montant accordé doit être positif."]
    if amount > asked:
        return [f"Montant accordé {euros(amount)} supérieur au montant demandé {euros(asked)}."]
    return de_minimis_problems(request, on)


def reopen_problems(request: FundingRequest, on: date) -> list[str]:
    """A reopened request asks again: the undertaking's rules hold as at submission."""
    return undertaking_problems(request, on) + de_minimis_problems(request, on)


def problems_for(
    transition: str, request: FundingRequest, on: date, *, note: str = "", **kwargs
) -> list[str]:
    problems = []
    if transition in NOTE_REQUIRED and not note.strip():
        problems.append("Un motif est obligatoire pour cette décision.")
    try:
        if transition in ("submit", "resubmit"):
            problems += submission_problems(request, on)
        elif transition == "mark_eligible":
            problems += eligibility_problems(request, on)
        elif transition == "approve":
            problems += approval_problems(request, on, amount=kwargs.get("amount"))
        elif transition == "reopen":
            problems += reopen_problems(request, on)
    except MissingParameter as exc:
        # A date the parameter table does not cover is a refusal that says which row is
        # missing, never a crash (docs/rules.md#parameters-cover-every-date).
        problems.append(str(exc))
    return problems
