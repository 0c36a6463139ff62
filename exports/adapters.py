"""From the models to the documents: ``snapshot_bundle`` and ``snapshot_receipt``.

The renderers never touch the database; these functions read it once and freeze what the
documents show into :mod:`exports.snapshot` dataclasses.

- **Few queries, whatever the size.** A bundle is read in a fixed number of queries: the
  bundle with its campaign, federation and funder; the members with their requests,
  enterprises and de minimis declarations; then one query each for the plan lines, the
  quotes, the prior aids and the documents (filtered by a subquery on the bundle, so no
  list of thousands of ids is sent back to the database); and the dated parameters.
- **Deterministic.** The build date is an input (``exports.build`` passes the date the
  bundle was sealed, never today); members are ordered by request reference, every
  list by stable keys ending with the primary key; labels are the French ones whatever
  the active language. The same bundle always gives the same snapshot, hence the same
  fingerprint and the same bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone, translation

from dossiers.de_minimis import PriorAid as AidFigure
from dossiers.de_minimis import aid_in_window, window_start
from dossiers.guards import DE_MINIMIS_CEILING_KEY
from dossiers.models import (
    DeMinimisAid,
    Enterprise,
    FinancingLine,
    FundingRequest,
    SchemeParameter,
)
from dossiers.models import SupplierQuote as QuoteRow
from dossiers.models import SupportingDocument as DocumentRow
from exports.snapshot import (
    Address,
    DeMinimisDeclaration,
    DossierSnapshot,
    FinancingPlan,
    Funder,
    FunderKind,
    LeadPartner,
    Mandate,
    MemberSnapshot,
    PlanLine,
    PriorAid,
    ReceiptSnapshot,
    SupplierQuote,
    SupportingDocument,
)
from grouping.models import Bundle, BundleMember, BundleState

CENT = Decimal("0.01")
P = SchemeParameter.Key

# The regulation each de minimis sector falls under (BRIEF rule 2), as the dossier cites it.
REGULATIONS = {
    Enterprise.Sector.GENERAL: "Règlement (UE) 2023/2831",
    Enterprise.Sector.AGRICULTURE: "Règlement (UE) 2024/3118",
    Enterprise.Sector.FISHERY: "Règlement (UE) n° 717/2014",
    Enterprise.Sector.SGEI: "Règlement (UE) 2023/2832",
}
# "12 rue des Lilas, 23000 Guéret": the organisation's address is one line.
_ADDRESS = re.compile(r"^(?P<street>.*?)[,\s]+(?P<postal_code>\d{5})\s+(?P<city>\S.*)$")


class IncompleteDossier(Exception):
    """Members lack what the dossier must show (a de minimis declaration, a mandate)."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.message = message
        self.problems = problems


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """Where a document the snapshot lists is stored: what the package streams."""

    request_reference: str
    filename: str  # as the snapshot lists it (unique within the member)
    storage_name: str


@dataclass(frozen=True, slots=True)
class BundleContent:
    snapshot: DossierSnapshot
    documents: tuple[StoredDocument, ...]


def sealed_on(bundle: Bundle) -> date:
    """The date the bundle was sealed (Paris time): the build date its documents print.

    A bundle is sealed once; a bundle with no seal in its history (made by hand) uses its
    creation date. Either way the date never changes, so neither do the documents.
    """
    sealed = (
        bundle.history.filter(transition="seal", to_state=BundleState.SEALED)
        .order_by("at", "pk")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(sealed or bundle.created_at)


def snapshot_bundle(bundle: Bundle, *, build_date: date) -> DossierSnapshot:
    """What the collective file of ``bundle`` shows, its active members in reference order."""
    return collect_bundle(bundle, build_date=build_date).snapshot


def collect_bundle(bundle: Bundle, *, build_date: date) -> BundleContent:
    """The snapshot and where each listed document is stored, in one set of queries."""
    with translation.override("fr"):
        return _collect(bundle, build_date)


def _collect(bundle: Bundle, build_date: date) -> BundleContent:
    bundle = Bundle.objects.select_related("campaign__federation", "funder").get(pk=bundle.pk)
    members = list(
        BundleMember.objects.filter(bundle=bundle, active=True)
        .select_related("request__enterprise", "request__de_minimis")
        .order_by("request__reference", "pk")
    )
    requests = [member.request for member in members]
    request_ids = BundleMember.objects.filter(bundle=bundle, active=True).values("request_id")
    lines = _by_request(
        FinancingLine.objects.filter(request_id__in=request_ids).order_by(
            "request_id", "side", "position", "pk"
        )
    )
    quotes = _by_request(
        QuoteRow.objects.filter(request_id__in=request_ids).order_by(
            "request_id", "quote_date", "pk"
        )
    )
    aids = _by_request(
        DeMinimisAid.objects.filter(declaration__request_id__in=request_ids)
        .annotate(request_id=F("declaration__request_id"))
        .order_by("declaration__request_id", "granted_on", "pk")
    )
    documents = _by_request(
        DocumentRow.objects.filter(request_id__in=request_ids)
        .select_related("stored_file")
        .order_by("request_id", "kind", "-issued_on", "pk")
    )
    problems = _missing_declarations(requests)
    if problems:
        raise IncompleteDossier(
            f"Les documents du dossier {bundle.reference} ne peuvent pas être construits :",
            problems,
        )
    rules = _DeMinimisRules(build_date)
    snapshots, stored = [], []
    for request in requests:
        listed = _documents(request, documents[request.pk])
        stored += [entry for _, entry in listed]
        snapshots.append(
            _member(
                request,
                lines[request.pk],
                quotes[request.pk],
                aids[request.pk],
                tuple(document for document, _ in listed),
                rules,
            )
        )
    campaign, funder = bundle.campaign, bundle.funder
    snapshot = DossierSnapshot(
        reference=bundle.reference,
        campaign_name=campaign.name,
        lead_partner=LeadPartner(
            name=campaign.federation.name,
            siren=campaign.federation.siren,
            address=parse_address(campaign.federation.address),
        ),
        funder=Funder(
            name=funder.name,
            kind=FunderKind(funder.funder_kind or FunderKind.BANK),
            programme=campaign.programme,
        ),
        grouping_key=bundle.key_description,
        build_date=build_date,
        members=tuple(snapshots),
    )
    return BundleContent(snapshot=snapshot, documents=tuple(stored))


def _by_request(queryset: Iterable) -> defaultdict[int, list]:
    grouped: defaultdict[int, list] = defaultdict(list)
    for row in queryset:
        grouped[row.request_id].append(row)
    return grouped


def _missing_declarations(requests: list[FundingRequest]) -> list[str]:
    problems = []
    for request in requests:
        if getattr(request, "de_minimis", None) is None:
            problems.append(f"{request.reference} : la déclaration de minimis manque.")
        if not (request.mandate_signed_by and request.mandate_signed_on):
            problems.append(f"{request.reference} : le mandat au chef de file n'est pas signé.")
    return problems


def parse_address(text: str) -> Address:
    """One line ("12 rue des Lilas, 23000 Guéret") as street, postal code and city."""
    text = " ".join(text.split())
    match = _ADDRESS.match(text)
    if match is None:
        return Address(street=text, postal_code="", city="")
    return Address(
        street=match["street"].strip(" ,"),
        postal_code=match["postal_code"],
        city=match["city"],
    )


def split_signatory(signed_by: str) -> tuple[str, str]:
    """ "Claire Martin, gérante" -> ("Claire Martin", "gérante"); no comma: no role."""
    name, comma, role = signed_by.rpartition(",")
    if not comma or not name.strip() or not role.strip():
        return signed_by.strip(), ""
    return name.strip(), role.strip()


class _DeMinimisRules:
    """The window and ceilings in force on the build date, each read once."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.years = int(SchemeParameter.value_on(P.DE_MINIMIS_WINDOW_YEARS, on))
        # The window convention of dossiers.de_minimis: it starts the day after this.
        self.start = window_start(on, self.years) + timedelta(days=1)
        self._ceilings: dict[str, Decimal] = {}

    def ceiling(self, sector: str) -> Decimal:
        if sector not in self._ceilings:
            key = DE_MINIMIS_CEILING_KEY[sector]
            self._ceilings[sector] = _cents(SchemeParameter.value_on(key, self.on))
        return self._ceilings[sector]


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


def _member(
    request: FundingRequest,
    lines: list[FinancingLine],
    quotes: list[QuoteRow],
    aids: list[DeMinimisAid],
    documents: tuple[SupportingDocument, ...],
    rules: _DeMinimisRules,
) -> MemberSnapshot:
    enterprise = request.enterprise
    declaration = request.de_minimis
    signed_by, role = split_signatory(request.mandate_signed_by)
    return MemberSnapshot(
        request_reference=request.reference,
        company_name=enterprise.name,
        siren=enterprise.siren,
        siret=enterprise.siret,
        legal_form=str(enterprise.get_legal_form_display()),
        created_on=enterprise.creation_date,
        naf_code=enterprise.naf_code,
        naf_label=enterprise.naf_label,
        nafa_code=enterprise.nafa_code or None,
        departement_code=enterprise.departement,
        departement_name=enterprise.departement_name,
        region_code=enterprise.region,
        region_name=enterprise.region_name,
        headcount=_cents(enterprise.headcount),
        sme_category=str(enterprise.get_sme_category_display()),
        project_category=str(request.get_project_category_display()),
        project_description=_project(request),
        quotes=tuple(
            SupplierQuote(
                supplier=quote.supplier_name,
                siret=quote.supplier_siret,
                quoted_on=quote.quote_date,
                amount_excl_vat=_cents(quote.amount_excl_vat),
                description=quote.description,
            )
            for quote in quotes
        ),
        plan=_plan(request, lines),
        de_minimis=DeMinimisDeclaration(
            prior_aids=tuple(
                PriorAid(
                    granting_body=aid.granting_body,
                    regulation=aid.regulation,
                    granted_on=aid.granted_on,
                    amount=_cents(aid.amount),
                )
                for aid in aids
            ),
            window_start=rules.start,
            window_end=rules.on,
            total_over_window=_cents(
                aid_in_window(
                    [AidFigure(aid.amount, aid.granted_on) for aid in aids], rules.on, rules.years
                )
            ),
            ceiling=rules.ceiling(enterprise.sector),
            regulation=REGULATIONS[enterprise.sector],
            declared_by=declaration.declared_by,
            declared_on=declaration.declared_on,
        ),
        mandate=Mandate(
            signed_by=signed_by, signatory_role=role, signed_on=request.mandate_signed_on
        ),
        documents=documents,
    )


def _project(request: FundingRequest) -> str:
    title, description = request.project_title.strip(), request.project_description.strip()
    if title and description:
        return f"{title} — {description}"
    return title or description


def _plan(request: FundingRequest, lines: list[FinancingLine]) -> FinancingPlan:
    uses = tuple(
        PlanLine(line.label, _cents(line.amount))
        for line in lines
        if line.side == FinancingLine.Side.USE
    )
    sources = tuple(
        PlanLine(line.label, _cents(line.amount))
        for line in lines
        if line.side == FinancingLine.Side.SOURCE
    )
    return FinancingPlan(
        uses=uses,
        sources=sources,
        total_cost=_cents(request.total_cost),
        grant=_cents(request.grant_amount),
        loan=_cents(request.loan_amount),
        own_funds=_cents(request.own_funds),
    )


def _documents(
    request: FundingRequest, rows: list[DocumentRow]
) -> list[tuple[SupportingDocument, StoredDocument]]:
    """The member's documents, each under a filename unique within the member.

    Two uploads may share an original name (a Kbis sent again when the first expired):
    the later ones become "kbis (2).pdf", so every file the dossier lists is one file
    of the package, matched by name.
    """
    taken: set[str] = set()
    listed = []
    for row in rows:
        stored = row.stored_file
        filename = _unique(stored.original_name, taken)
        listed.append(
            (
                SupportingDocument(
                    kind=str(row.get_kind_display()),
                    filename=filename,
                    sha256=stored.sha256,
                    size=stored.size,
                    issued_on=row.issued_on,
                    expires_on=row.expires_on,
                ),
                StoredDocument(request.reference, filename, stored.file.name),
            )
        )
    return listed


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, dot, extension = name, "", ""
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{extension}"
    taken.add(candidate.casefold())
    return candidate


# --- The SME's deposit receipt ---------------------------------------------------------


def snapshot_receipt(request: FundingRequest) -> ReceiptSnapshot:
    """What the deposit receipt of a submitted ``request`` shows, as of its last submission.

    Raises ``ValueError`` for a request never submitted: it has no receipt.
    """
    with translation.override("fr"):
        return _receipt(request)


def _receipt(request: FundingRequest) -> ReceiptSnapshot:
    request = (
        FundingRequest.objects.select_related(
            "campaign__federation", "enterprise", "sent_to", "de_minimis"
        )
        .prefetch_related("campaign__funders")
        .get(pk=request.pk)
    )
    if request.submitted_at is None:
        raise ValueError(f"{request.reference} has never been submitted: no receipt.")
    campaign, enterprise = request.campaign, request.enterprise
    declaration = getattr(request, "de_minimis", None)
    rows = list(
        request.documents.select_related("stored_file").order_by("kind", "-issued_on", "pk")
    )
    if request.sent_to is not None:
        funder_name = request.sent_to.name
    else:
        funder_name = ", ".join(sorted(funder.name for funder in campaign.funders.all()))
    return ReceiptSnapshot(
        request_reference=request.reference,
        submitted_at=request.submitted_at,
        company_name=enterprise.name,
        siren=enterprise.siren,
        siret=enterprise.siret,
        campaign_name=campaign.name,
        lead_partner_name=campaign.federation.name,
        funder_name=funder_name,
        programme=campaign.programme,
        project_category=str(request.get_project_category_display()),
        project_description=_project(request),
        total_cost=_cents(request.total_cost),
        grant=_cents(request.grant_amount),
        loan=_cents(request.loan_amount),
        own_funds=_cents(request.own_funds),
        de_minimis_declared_on=(
            declaration.declared_on if declaration else timezone.localdate(request.submitted_at)
        ),
        mandate_signed_on=request.mandate_signed_on,
        documents=tuple(document for document, _ in _documents(request, rows)),
        contact_email=campaign.federation.email,
    )
