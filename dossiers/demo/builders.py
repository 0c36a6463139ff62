"""Generic builders shared by the demo and the test factories.

Valid identifiers, a tiny real PDF, a draft completed with everything submission needs,
and ``advance``: walking a request through real transitions to any state.
"""

import io
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from stdnum import luhn

from accounts.models import User
from dossiers import workflow
from dossiers.demo import catalogue
from dossiers.eligibility.rules import required_kinds
from dossiers.guards import NOTE_REQUIRED
from dossiers.models import (
    DeMinimisAid,
    DeMinimisDeclaration,
    Enterprise,
    FinancingLine,
    FundingRequest,
    StoredFile,
    SupplierQuote,
    SupportingDocument,
)
from dossiers.plan import PlanLine, set_financing_plan
from dossiers.uploads import store_upload

D = SupportingDocument.Kind


def valid_siren(seed: int) -> str:
    """A Luhn-valid SIREN derived from ``seed`` (never La Poste's 356000000)."""
    body = f"{(seed % 89_999_999) + 10_000_000:08d}"
    return body + luhn.calc_check_digit(body)


def supplier_siret(name: str) -> str:
    """A supplier's SIRET, the same for the same name (Luhn-valid, made up for the demo)."""
    seed = 700_000 + sum(ord(c) * (i + 1) for i, c in enumerate(name)) % 99_999
    return valid_siret(valid_siren(seed))


def valid_siret(siren: str, establishment: int = 1) -> str:
    """The SIRET of establishment number ``establishment`` of ``siren``, Luhn over 14 digits."""
    body = f"{siren}{establishment:04d}"
    return body + luhn.calc_check_digit(body)


def tiny_pdf(text: str = "Grappe") -> bytes:
    """A real, minimal PDF so uploads pass content sniffing."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


def required_document_kinds(
    enterprise: Enterprise, on: date, request: FundingRequest | None = None
) -> list[str]:
    """The supporting documents ``dossiers.guards`` asks of this enterprise
    (docs/rules.md#lender-documents), plus, for a request, what its funders' products ask
    (one entry per document needed)."""
    kinds = [D.KBIS, D.MANAGER_ID, D.RIB]
    if enterprise.legal_form != Enterprise.LegalForm.EI:
        kinds.append(D.STATUTES)
    kinds.append(D.FORECAST if enterprise.age_in_years(on) < 2 else D.TAX_RETURN)
    if request is not None:
        for kind, count in required_kinds(request, on).items():
            kinds += [kind] * (count - kinds.count(kind))
    return kinds


def upload_document(kind: str, text: str) -> StoredFile:
    return store_upload(f"{kind}.pdf", tiny_pdf(text))


def complete_request(
    request: FundingRequest,
    *,
    uses: Sequence[PlanLine],
    sources: Sequence[PlanLine],
    prior_aids: Sequence[tuple[date, Decimal]] = (),
    signatory: str = "Claire Martin",
    supplier: str = "Atelier Web Creusois",
    documents: dict[str, StoredFile] | None = None,
    issued_on: date | None = None,
    on: date | None = None,
) -> FundingRequest:
    """Give a draft everything submission needs: plan, de minimis declaration, quote, documents.

    ``documents`` maps a kind to an already stored file (the demo shares a few); missing
    kinds are uploaded as fresh tiny PDFs.
    """
    on = on or timezone.localdate()
    set_financing_plan(request, actor=None, uses=list(uses), sources=list(sources))
    declaration = DeMinimisDeclaration.objects.create(
        request=request, declared_by=signatory, declared_on=on, no_aid_received=not prior_aids
    )
    DeMinimisAid.objects.bulk_create(
        DeMinimisAid(
            declaration=declaration,
            granting_body=body,
            regulation=regulation,
            granted_on=granted_on,
            amount=amount,
        )
        for (granted_on, amount), (body, regulation) in zip(
            prior_aids, _cycle(catalogue.PRIOR_AID_BODIES), strict=False
        )
    )
    # The quote prices what the grant pays for: the investment excluding VAT, from a
    # supplier with a real-looking SIRET (a directory of providers is built from quotes).
    SupplierQuote.objects.create(
        request=request,
        supplier_name=supplier,
        supplier_siret=supplier_siret(supplier),
        quote_date=on - timedelta(days=20),
        amount_excl_vat=sum(
            (u.amount for u in uses if u.kind in FinancingLine.INVESTMENT_KINDS), Decimal(0)
        ),
    )
    documents = documents or {}
    request.refresh_from_db()  # the plan's totals decide which products apply
    SupportingDocument.objects.bulk_create(
        SupportingDocument(
            request=request,
            kind=kind,
            stored_file=documents.get(kind)
            or upload_document(kind, f"{D(kind).label} — {request.reference}"),
            issued_on=issued_on or on - timedelta(days=10),
        )
        for kind in required_document_kinds(request.enterprise, on, request)
    )
    request.refresh_from_db()
    return request


def _cycle(items: Sequence) -> Iterator:
    while True:
        yield from items


# --- Walking a request through the workflow -------------------------------------------------

# The shortest way from a draft to each state. Every path is made of real transitions.
_REVIEWED = ("submit", "start_review")
_ELIGIBLE = (*_REVIEWED, "mark_eligible")
_SENT = (*_ELIGIBLE, "group", "send")
PATHS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "submitted": ("submit",),
    "in_review": _REVIEWED,
    "needs_changes": (*_REVIEWED, "request_changes"),
    "eligible": _ELIGIBLE,
    "rejected": (*_REVIEWED, "reject"),
    "grouped": (*_ELIGIBLE, "group"),
    "sent": _SENT,
    "approved": (*_SENT, "approve"),
    "declined": (*_SENT, "decline"),
    "withdrawn": ("submit", "withdraw"),
}
SYSTEM_TRANSITIONS = {"group", "ungroup", "send"}


def default_arguments(name: str, request: FundingRequest) -> dict:
    """Note and keyword arguments a transition needs, with plain defaults."""
    arguments: dict = {}
    if name in NOTE_REQUIRED:
        arguments["note"] = catalogue.NOTES[name][0]
    if name == "send":
        arguments["funder"] = request.campaign.funders.order_by("pk").first()
    elif name == "approve":
        arguments["amount"] = request.grant_amount + request.loan_amount
    elif name == "decline":
        arguments["reason"] = arguments["note"]
    return arguments


def advance(
    request: FundingRequest,
    transitions: Sequence[str],
    *,
    actor_for: Callable[[str, FundingRequest], User | None] | None = None,
    arguments_for: Callable[[str, FundingRequest], dict] = default_arguments,
    on: date | None = None,
) -> FundingRequest:
    """Run ``transitions`` in order through ``workflow.perform`` (the system acts by default).

    The demo replays a history that never happened: nobody is notified of it.
    """
    for name in transitions:
        actor = actor_for(name, request) if actor_for else None
        request = workflow.perform(
            request, name, actor=actor, on=on, notify=False, **arguments_for(name, request)
        )
    return request
