"""One member's rows, read by ``exports.adapters``, turned into its snapshot.

Functions over rows already loaded: the request with its enterprise and declaration (model
instances), its plan lines, quotes, prior aids and documents (named tuples of the columns
the documents show: no model instance per line, which for 5 000 members is 100 000
instances). The only queries are the dated parameters, read once per build by
:class:`DeMinimisRules`; the French labels of choices are read once by :class:`Labels`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import translation

from dossiers.de_minimis import window_start
from dossiers.guards import DE_MINIMIS_CEILING_KEY, loan_warnings
from dossiers.models import Enterprise, FinancingLine, FundingRequest, SchemeParameter
from dossiers.models import SupportingDocument as DocumentRow
from dossiers.nomenclature import naf_codes
from exports.package import unique_name
from exports.snapshot import (
    ZERO,
    Address,
    CollectiveKind,
    DeMinimisDeclaration,
    EnterpriseFigures,
    FinancingPlan,
    LoanAsked,
    Mandate,
    MemberSnapshot,
    PlanLine,
    PriorAid,
    SupplierQuote,
    SupportingDocument,
)

CENT = Decimal("0.01")
P = SchemeParameter.Key

# The regulation each de minimis sector falls under, as the dossier cites it
# (docs/rules.md#de-minimis).
REGULATIONS = {
    Enterprise.Sector.GENERAL: "Règlement (UE) 2023/2831",
    Enterprise.Sector.AGRICULTURE: "Règlement (UE) 2024/3118",
    Enterprise.Sector.FISHERY: "Règlement (UE) n° 717/2014",
    Enterprise.Sector.SGEI: "Règlement (UE) 2023/2832",
}
# "12 rue des Lilas, 23000 Guéret": the organisation's address is one line.
_ADDRESS = re.compile(r"^(?P<street>.*?)[,\s]+(?P<postal_code>\d{5})\s+(?P<city>\S.*)$")


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """Where a document the snapshot lists is stored: what the package streams."""

    request_reference: str
    filename: str  # as the snapshot lists it (unique within the member)
    storage_name: str


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
    """The mandate's signatory and role: "Claire Martin, gérante" gives ("Claire Martin",
    "gérante"); without a comma there is no role."""
    name, comma, role = signed_by.rpartition(",")
    if not comma or not name.strip() or not role.strip():
        return signed_by.strip(), ""
    return name.strip(), role.strip()


class DeMinimisRules:
    """The window and ceilings in force on the build date, each read once (with the loan
    share of the investment above which the documents warn)."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.loan_warning_at = SchemeParameter.value_on(P.LOAN_TO_INVESTMENT_WARNING, on)
        self.years = int(SchemeParameter.value_on(P.DE_MINIMIS_WINDOW_YEARS, on))
        # The convention of dossiers.de_minimis.aid_in_window: the window starts the day
        # after window_start() and ends on the grant date (here the build date), included.
        self.start = window_start(on, self.years) + timedelta(days=1)
        self._ceilings: dict[str, Decimal] = {}

    def ceiling(self, sector: str) -> Decimal:
        if sector not in self._ceilings:
            key = DE_MINIMIS_CEILING_KEY[sector]
            self._ceilings[sector] = cents(SchemeParameter.value_on(key, self.on))
        return self._ceilings[sector]


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


class Labels:
    """The French labels of the choices the documents show, read once per build.

    ``get_FOO_display()`` rebuilds its choices mapping, translating every label, at each
    call: for 5 000 members that was most of the time a snapshot took.
    """

    def __init__(self) -> None:
        with translation.override("fr"):
            self.legal_form = _labels(Enterprise.LegalForm)
            self.sme_category = _labels(Enterprise.Category)
            self.project_category = _labels(FundingRequest.ProjectCategory)
            self.document_kind = _labels(DocumentRow.Kind)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def member_snapshot(
    request: FundingRequest,
    *,
    lines: list[Any],
    quotes: list[Any],
    aids: list[Any],
    documents: tuple[SupportingDocument, ...],
    rules: DeMinimisRules,
    labels: Labels,
    line: CollectiveKind = CollectiveKind.LOAN,
    amount: Decimal = ZERO,
) -> MemberSnapshot:
    """``lines``, ``quotes`` and ``aids``: rows with the model's field names; ``line`` and
    ``amount``: what the member carries in the collective (its membership's line)."""
    enterprise = request.enterprise
    signed_by, role = split_signatory(request.mandate_signed_by)
    return MemberSnapshot(
        request_reference=request.reference,
        company_name=enterprise.name,
        siren=enterprise.siren,
        siret=enterprise.siret,
        legal_form=labels.legal_form.get(enterprise.legal_form, enterprise.legal_form),
        created_on=enterprise.creation_date,
        naf_code=enterprise.naf_code,
        naf_label=enterprise.naf_label,
        nafa_code=enterprise.nafa_code or None,
        departement_code=enterprise.departement,
        departement_name=enterprise.departement_name,
        region_code=enterprise.region,
        region_name=enterprise.region_name,
        headcount=cents(enterprise.headcount),
        sme_category=labels.sme_category.get(enterprise.sme_category, enterprise.sme_category),
        project_category=labels.project_category.get(
            request.project_category, request.project_category
        ),
        project_description=project_text(request),
        quotes=tuple(
            SupplierQuote(
                supplier=quote.supplier_name,
                siret=quote.supplier_siret,
                quoted_on=quote.quote_date,
                amount_excl_vat=cents(quote.amount_excl_vat),
                description=quote.description,
            )
            for quote in quotes
        ),
        plan=financing_plan(request, lines),
        de_minimis=declaration(request, aids, rules),
        mandate=Mandate(
            signed_by=signed_by, signatory_role=role, signed_on=request.mandate_signed_on
        ),
        documents=documents,
        line=line,
        amount=cents(amount),
        naf_division=enterprise.naf_division,
        naf_division_label=naf_division_label(enterprise.naf_code),
        figures=EnterpriseFigures(
            headcount=cents(enterprise.headcount),
            turnover=cents(enterprise.turnover),
            balance_sheet=cents(enterprise.balance_sheet),
            equity=None if enterprise.equity is None else cents(enterprise.equity),
            year=enterprise.figures_year,
        ),
        loan_asked=LoanAsked(
            duration_months=request.loan_duration_months,
            deferral_months=request.loan_deferral_months,
        ),
        warnings=tuple(
            loan_warnings(request.loan_amount, request.eligible_cost, rules.loan_warning_at)
        ),
    )


def naf_division_label(code: str) -> str:
    return naf_codes()[code].division_label


def declaration(
    request: FundingRequest, aids: list[Any], rules: DeMinimisRules
) -> DeMinimisDeclaration:
    """The declaration as it stands on the build date: the aids granted within the window,
    so that the rows add up to the total (an older aid no longer counts: left out)."""
    within = [aid for aid in aids if rules.start <= aid.granted_on <= rules.on]
    declaration = request.de_minimis
    return DeMinimisDeclaration(
        prior_aids=tuple(
            PriorAid(
                granting_body=aid.granting_body,
                regulation=aid.regulation,
                granted_on=aid.granted_on,
                amount=cents(aid.amount),
            )
            for aid in within
        ),
        window_start=rules.start,
        window_end=rules.on,
        total_over_window=cents(sum((aid.amount for aid in within), Decimal(0))),
        ceiling=rules.ceiling(request.enterprise.sector),
        regulation=REGULATIONS[request.enterprise.sector],
        declared_by=declaration.declared_by,
        declared_on=declaration.declared_on,
    )


def project_text(request: FundingRequest) -> str:
    """The title, then the description unless it already starts with the title."""
    title, description = request.project_title.strip(), request.project_description.strip()
    if not description or description.startswith(title):
        return description or title
    return f"{title} — {description}" if title else description


def financing_plan(request: FundingRequest, lines: list[Any]) -> FinancingPlan:
    uses = tuple(
        PlanLine(line.label, cents(line.amount))
        for line in lines
        if line.side == FinancingLine.Side.USE
    )
    sources = tuple(
        PlanLine(line.label, cents(line.amount))
        for line in lines
        if line.side == FinancingLine.Side.SOURCE
    )
    return FinancingPlan(
        uses=uses,
        sources=sources,
        total_cost=cents(request.total_cost),
        grant=cents(request.grant_amount),
        loan=cents(request.loan_amount),
        own_funds=cents(request.own_funds),
    )


def listed_documents(
    reference: str, rows: list[Any], labels: Labels
) -> list[tuple[SupportingDocument, StoredDocument]]:
    """The member's documents, each under a filename unique within the member.

    ``rows`` carry ``kind``, ``issued_on``, ``expires_on`` and the stored file's
    ``filename`` (original name), ``sha256``, ``size`` and ``storage_name``. Two uploads
    may share an original name (a Kbis sent again when the first expired): the later ones
    become "kbis (2).pdf", so every file the dossier lists is one file of the package,
    matched by name.
    """
    taken: set[str] = set()
    listed = []
    for row in rows:
        filename = unique_name(row.filename, taken)
        listed.append(
            (
                SupportingDocument(
                    kind=labels.document_kind.get(row.kind, row.kind),
                    filename=filename,
                    sha256=row.sha256,
                    size=row.size,
                    issued_on=row.issued_on,
                    expires_on=row.expires_on,
                ),
                StoredDocument(reference, filename, row.storage_name),
            )
        )
    return listed
