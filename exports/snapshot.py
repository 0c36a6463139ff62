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

    @property
    def totals(self) -> Totals:
        return Totals(
            total_cost=sum((m.plan.total_cost for m in self.members), ZERO),
            grant=sum((m.plan.grant for m in self.members), ZERO),
            loan=sum((m.plan.loan for m in self.members), ZERO),
            own_funds=sum((m.plan.own_funds for m in self.members), ZERO),
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
