"""From the models to the documents: ``snapshot_bundle`` and ``snapshot_receipt``.

The renderers never touch the database; these functions read it once and freeze what the
documents show into :mod:`exports.snapshot` dataclasses (each member's rows are turned
into its snapshot by :mod:`exports.members`).

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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.utils import timezone, translation

from dossiers.models import DeMinimisAid, FinancingLine, FundingRequest
from dossiers.models import SupplierQuote as QuoteRow
from dossiers.models import SupportingDocument as DocumentRow
from exports.members import (
    DeMinimisRules,
    Labels,
    StoredDocument,
    cents,
    listed_documents,
    member_snapshot,
    parse_address,
    project_text,
)
from exports.snapshot import (
    CollectiveKind,
    DossierSnapshot,
    Funder,
    FunderKind,
    Guarantee,
    LeadPartner,
    ReceiptSnapshot,
)
from grappe.errors import GrappeError
from grouping.models import Bundle, BundleMember, BundleState, Guarantor

QUOTE_COLUMNS = ("request_id", "supplier_name", "supplier_siret", "quote_date",
                 "amount_excl_vat", "description")  # fmt: skip
AID_COLUMNS = ("request_id", "granting_body", "regulation", "granted_on", "amount")
DOCUMENT_COLUMNS = ("request_id", "kind", "issued_on", "expires_on", "filename", "sha256",
                    "size", "storage_name")  # fmt: skip


class IncompleteDossier(GrappeError):
    """Members lack what the dossier must show (a de minimis declaration, a mandate)."""

    api_code = "incomplete_dossier"


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
    members = BundleMember.objects.filter(bundle=bundle, active=True).values("request_id")
    # The line each member carries: its grant in a grant collective, its loan in a lender
    # bundle (the membership's amounts, as the bundle's totals and the API count them).
    carried = {
        row.request_id: (CollectiveKind(row.line), row.grant if row.line == "grant" else row.loan)
        for row in BundleMember.objects.filter(bundle=bundle, active=True).values_list(
            "request_id", "line", "grant", "loan", named=True
        )
    }
    requests = list(
        FundingRequest.objects.filter(pk__in=members)
        .select_related("enterprise", "de_minimis")
        .order_by("reference")
    )
    lines = _by_request(
        FinancingLine.objects.filter(request_id__in=members)
        .order_by("request_id", "side", "position", "pk")
        .values_list("request_id", "side", "label", "amount", named=True)
    )
    quotes = _by_request(
        QuoteRow.objects.filter(request_id__in=members)
        .order_by("request_id", "quote_date", "pk")
        .values_list(*QUOTE_COLUMNS, named=True)
    )
    aids = _by_request(
        DeMinimisAid.objects.filter(declaration__request_id__in=members)
        .annotate(request_id=F("declaration__request_id"))
        .order_by("declaration__request_id", "granted_on", "pk")
        .values_list(*AID_COLUMNS, named=True)
    )
    documents = _by_request(document_rows(DocumentRow.objects.filter(request_id__in=members)))
    problems = _missing_declarations(requests)
    if problems:
        raise IncompleteDossier(
            f"Les documents du dossier {bundle.reference} ne peuvent pas être construits :",
            problems,
        )
    rules, labels = DeMinimisRules(build_date), Labels()
    snapshots, stored = [], []
    for request in requests:
        listed = listed_documents(request.reference, documents[request.pk], labels)
        stored += [entry for _, entry in listed]
        snapshots.append(
            member_snapshot(
                request,
                lines=lines[request.pk],
                quotes=quotes[request.pk],
                aids=aids[request.pk],
                documents=tuple(document for document, _ in listed),
                rules=rules,
                labels=labels,
                line=carried[request.pk][0],
                amount=carried[request.pk][1],
            )
        )
    campaign, funder = bundle.campaign, bundle.funder
    guarantee = None
    if bundle.kind == CollectiveKind.LOAN and bundle.guarantor:
        guarantee = Guarantee(
            guarantor=str(Guarantor(bundle.guarantor).label),
            share=None if bundle.guarantee_share is None else cents(bundle.guarantee_share),
        )
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
        kind=CollectiveKind(bundle.kind),
        guarantee=guarantee,
    )
    return BundleContent(snapshot=snapshot, documents=tuple(stored))


def document_rows(queryset) -> Iterable:
    """The documents' columns the dossier shows, in a stable order, one named tuple each."""
    return (
        queryset.order_by("request_id", "kind", "-issued_on", "pk")
        .annotate(
            filename=F("stored_file__original_name"),
            sha256=F("stored_file__sha256"),
            size=F("stored_file__size"),
            storage_name=F("stored_file__file"),
        )
        .values_list(*DOCUMENT_COLUMNS, named=True)
    )


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
    rows = list(document_rows(DocumentRow.objects.filter(request=request)))
    labels = Labels()
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
        project_category=labels.project_category[request.project_category],
        project_description=project_text(request),
        total_cost=cents(request.total_cost),
        grant=cents(request.grant_amount),
        loan=cents(request.loan_amount),
        own_funds=cents(request.own_funds),
        de_minimis_declared_on=(
            declaration.declared_on if declaration else timezone.localdate(request.submitted_at)
        ),
        mandate_signed_on=request.mandate_signed_on,
        documents=tuple(d for d, _ in listed_documents(request.reference, rows, labels)),
        contact_email=campaign.federation.email,
    )
