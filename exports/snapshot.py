"""Immutable snapshots of what the collective-file documents show.

The renderers in this package never touch the database: they take one of these frozen
dataclasses and return bytes. An adapter (``snapshot_bundle(bundle) -> DossierSnapshot``)
builds the snapshot from the models once, so every document of a package shows the same
figures, and the renderers stay pure and easy to test.

Conventions:
- amounts are ``Decimal`` quantised to the cent (2 places), never floats;
- SIREN, SIRET, NAF and département codes are strings (leading zeros, "2A", "971");
- dates are ``date`` objects; the build date is passed in, renderers never ask the clock.

The **dossier fingerprint** (:func:`fingerprint`) is the SHA-256 of a canonical JSON
serialisation of a snapshot. It is printed on every page of the PDF and written into the
package manifest, so a page printed on its own can be matched with the package it came
from. (The ZIP's own hash cannot be used: it cannot be printed inside a file the ZIP
contains.)
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")


class FunderKind(enum.StrEnum):
    BANK = "bank"
    BPIFRANCE = "bpifrance"
    EU_PROGRAMME = "eu_programme"

    @property
    def label(self) -> str:
        return _FUNDER_KIND_LABELS[self]


_FUNDER_KIND_LABELS = {
    FunderKind.BANK: "Banque",
    FunderKind.BPIFRANCE: "Bpifrance",
    FunderKind.EU_PROGRAMME: "Autorité de gestion d’un programme européen",
}


class CollectiveKind(enum.StrEnum):
    """The two kinds of collective application (docs/rules.md#package-contents): an EU grant
    collective, whose members carry their grant line, and a lender bundle, their loan."""

    GRANT = "grant"
    LOAN = "loan"

    @property
    def title(self) -> str:
        return _COLLECTIVE_TITLES[self]

    @property
    def line_label(self) -> str:
        return _LINE_LABELS[self]

    @property
    def asked_label(self) -> str:
        """The heading of the line's amounts: "Subventions sollicitées", "Prêts sollicités"."""
        return _ASKED_LABELS[self]


_COLLECTIVE_TITLES = {
    CollectiveKind.GRANT: "Opération collective — subventions FEDER",
    CollectiveKind.LOAN: "Dossier prêteur",
}
_LINE_LABELS = {CollectiveKind.GRANT: "Subvention", CollectiveKind.LOAN: "Prêt"}
_ASKED_LABELS = {
    CollectiveKind.GRANT: "Subventions sollicitées",
    CollectiveKind.LOAN: "Prêts sollicités",
}


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "France"


@dataclass(frozen=True, slots=True)
class LeadPartner:
    """The federation or trade union that carries the collective file (chef de file)."""

    name: str
    siren: str
    address: Address


@dataclass(frozen=True, slots=True)
class Funder:
    name: str
    kind: FunderKind
    programme: str


@dataclass(frozen=True, slots=True)
class SupplierQuote:
    supplier: str
    siret: str
    quoted_on: date
    amount_excl_vat: Decimal
    description: str = ""


@dataclass(frozen=True, slots=True)
class PlanLine:
    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FinancingPlan:
    """One member's financing plan: uses must equal sources to the cent.

    ``grant``, ``loan`` and ``own_funds`` summarise the source lines by nature; the
    renderers show them as given and flag any gap between uses and sources.
    """

    uses: tuple[PlanLine, ...]
    sources: tuple[PlanLine, ...]
    total_cost: Decimal
    grant: Decimal
    loan: Decimal
    own_funds: Decimal

    @property
    def total_uses(self) -> Decimal:
        return sum((line.amount for line in self.uses), ZERO)

    @property
    def total_sources(self) -> Decimal:
        return sum((line.amount for line in self.sources), ZERO)


@dataclass(frozen=True, slots=True)
class PriorAid:
    granting_body: str
    regulation: str
    granted_on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class DeMinimisDeclaration:
    """The applicant's declaration of de minimis aid received over the window."""

    prior_aids: tuple[PriorAid, ...]
    window_start: date
    window_end: date
    total_over_window: Decimal
    ceiling: Decimal
    regulation: str
    declared_by: str
    declared_on: date


@dataclass(frozen=True, slots=True)
class Mandate:
    """The member's mandate to the lead partner."""

    signed_by: str
    signatory_role: str
    signed_on: date


@dataclass(frozen=True, slots=True)
class SupportingDocument:
    kind: str
    filename: str
    sha256: str
    size: int
    issued_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class EnterpriseFigures:
    """What an analyst checks the SME category and "loan ≤ equity" with, for the financial
    year ``year`` (None: not given). ``equity`` may be unknown (None) or negative."""

    headcount: Decimal
    turnover: Decimal
    balance_sheet: Decimal
    equity: Decimal | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class LoanAsked:
    """The loan terms a member asks for (the guarantee asked is the bundle's)."""

    duration_months: int | None = None
    deferral_months: int | None = None


@dataclass(frozen=True, slots=True)
class MemberSnapshot:
    request_reference: str
    company_name: str
    siren: str
    siret: str
    legal_form: str
    created_on: date
    naf_code: str
    naf_label: str
    nafa_code: str | None
    departement_code: str
    departement_name: str
    region_code: str
    region_name: str
    headcount: Decimal
    sme_category: str
    project_category: str
    project_description: str
    quotes: tuple[SupplierQuote, ...]
    plan: FinancingPlan
    de_minimis: DeMinimisDeclaration
    mandate: Mandate
    documents: tuple[SupportingDocument, ...]
    # The line this member carries in the collective and its amount: a grant collective
    # carries the grant only, a lender bundle the loan only (the plan shows both).
    line: CollectiveKind = CollectiveKind.LOAN
    amount: Decimal = ZERO
    naf_division: str = ""
    naf_division_label: str = ""
    figures: EnterpriseFigures | None = None
    loan_asked: LoanAsked = LoanAsked()
    warnings: tuple[str, ...] = ()

    @property
    def loan_above_equity(self) -> bool | None:
        """Whether the loan asked exceeds the equity (None: equity unknown)."""
        if self.figures is None or self.figures.equity is None:
            return None
        return self.plan.loan > self.figures.equity


@dataclass(frozen=True, slots=True)
class Guarantee:
    """The guarantee a lender bundle asks for its loans (docs/rules.md#guarantee)."""

    guarantor: str  # its name, e.g. "Bpifrance"
    share: Decimal | None = None  # percent of each loan


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One row of a summary of the collective: a trade or a région, its members and the
    total of the line the collective carries."""

    code: str
    label: str
    members: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    total_cost: Decimal
    grant: Decimal
    loan: Decimal
    own_funds: Decimal


@dataclass(frozen=True, slots=True)
class DossierSnapshot:
    reference: str
    campaign_name: str
    lead_partner: LeadPartner
    funder: Funder
    grouping_key: str
    build_date: date
    members: tuple[MemberSnapshot, ...]
    kind: CollectiveKind = CollectiveKind.LOAN
    guarantee: Guarantee | None = None

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def totals(self) -> Totals:
        """Cost and own funds over the members' whole plans; grants and loans over the
        lines the collective carries (as the bundle's totals: one of them is zero)."""
        return Totals(
            total_cost=sum((m.plan.total_cost for m in self.members), ZERO),
            grant=sum((m.amount for m in self.members if m.line == CollectiveKind.GRANT), ZERO),
            loan=sum((m.amount for m in self.members if m.line == CollectiveKind.LOAN), ZERO),
            own_funds=sum((m.plan.own_funds for m in self.members), ZERO),
        )

    @property
    def line_total(self) -> Decimal:
        return sum((m.amount for m in self.members), ZERO)

    def by_trade(self) -> list[Breakdown]:
        """Members and line total per trade (NAF division), by code."""
        return _breakdown(self.members, lambda m: (m.naf_division, m.naf_division_label))

    def by_region(self) -> list[Breakdown]:
        """Members and line total per région, by code."""
        return _breakdown(self.members, lambda m: (m.region_code, m.region_name))


def _breakdown(members: Iterable[MemberSnapshot], key) -> list[Breakdown]:
    rows: dict[tuple[str, str], list] = {}
    for member in members:
        row = rows.setdefault(key(member), [0, ZERO])
        row[0] += 1
        row[1] += member.amount
    return [
        Breakdown(code, label, count, total)
        for (code, label), (count, total) in sorted(rows.items())
    ]


def canonical_collective(snapshot: DossierSnapshot) -> bytes:
    """The collective as a bank can rebuild it from the API (docs/api.md, "Recomputing a
    collective's fingerprint"): sorted keys, no whitespace, amounts as strings with two
    decimals, members by request reference, each with its SIRET, line and amount."""
    members = sorted(snapshot.members, key=lambda m: m.request_reference)
    document = {
        "reference": snapshot.reference,
        "kind": snapshot.kind.value,
        "funder": snapshot.funder.name,
        "key": snapshot.grouping_key,
        "members": [
            {"siret": m.siret, "line": m.line.value, "amount": f"{m.amount:.2f}"} for m in members
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


@dataclass(frozen=True, slots=True)
class ReceiptSnapshot:
    """What the SME's deposit receipt shows for one submitted request."""

    request_reference: str
    submitted_at: datetime
    company_name: str
    siren: str
    siret: str
    campaign_name: str
    lead_partner_name: str
    funder_name: str
    programme: str
    project_category: str
    project_description: str
    total_cost: Decimal
    grant: Decimal
    loan: Decimal
    own_funds: Decimal
    de_minimis_declared_on: date
    mandate_signed_on: date | None
    documents: tuple[SupportingDocument, ...]
    contact_email: str = ""


def aggregate_lines(plans: Iterable[FinancingPlan], side: str) -> list[PlanLine]:
    """Sum plan lines by label over several plans, first-seen order ("uses" or "sources")."""
    totals: dict[str, Decimal] = {}
    for plan in plans:
        for line in getattr(plan, side):
            totals[line.label] = totals.get(line.label, ZERO) + line.amount
    return [PlanLine(label, amount) for label, amount in totals.items()]


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _canonical(value: Any) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is Decimal:
        # 12500, 12500.0 and 12500.00 are the same amount: one spelling.
        return format(value.normalize(), "f")
    if kind is tuple or kind is list:
        return [_canonical(item) for item in value]
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(kind):
        names = _FIELD_NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    if names is not None:
        return {name: _canonical(getattr(value, name)) for name in names}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):  # also datetime
        return value.isoformat()
    raise TypeError(f"cannot canonicalise {kind.__name__}")


def canonical_json(snapshot: Any) -> bytes:
    """Canonical UTF-8 JSON of a snapshot: sorted keys, no spaces, decimals as strings."""
    return json.dumps(
        _canonical(snapshot), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


_last_fingerprint: tuple[Any, str] = (None, "")


def fingerprint(snapshot: Any) -> str:
    """The dossier fingerprint: SHA-256 (hex) of :func:`canonical_json`.

    The PDF, the XLSX and the manifest of one package all print it: the last result is
    kept (snapshots are immutable), so a package computes it once.
    """
    global _last_fingerprint
    last, digest = _last_fingerprint
    if last is not snapshot:
        digest = hashlib.sha256(canonical_json(snapshot)).hexdigest()
        _last_fingerprint = (snapshot, digest)
    return digest
