"""The XLSX annex of a collective file: ``render_annex_xlsx(snapshot) -> bytes``.

The same figures as the PDF dossier, as typed cells a bank can filter and sum: amounts are
numbers with a euro number format, dates are dates, SIREN / SIRET / NAF / département
codes are string cells (leading zeros and "2A" survive; a string cell needs no "@" format
for that). Each sheet's columns are declared once, as an ordered tuple of :class:`Column`
(header, value function, number format, width).

Text cells coming from the applicants are neutralised against formula injection (OWASP
"CSV injection"): a value starting with ``= + - @``, a tab or a carriage return is
prefixed with an apostrophe and stored as a plain string, never as a formula
(:func:`neutralise`).

The workbook is written by :mod:`exports.xlsx_stream`, which streams each sheet's rows
into its ZIP entry (a 100 000-row annex does not sit in memory, and openpyxl's per-cell
cost is avoided) and is deterministic: the document properties carry the build date, and
every ZIP entry the same timestamp and permissions (:mod:`exports.ziputil`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from exports.formatting import guarantee_text
from exports.snapshot import (
    CollectiveKind,
    DossierSnapshot,
    MemberSnapshot,
    PlanLine,
    PriorAid,
    SupplierQuote,
    SupportingDocument,
    aggregate_lines,
    fingerprint,
)
from exports.xlsx_stream import Cell, XlsxWriter, xlsx_bytes
from exports.xlsx_stream import neutralise as neutralise  # public here: the portals use it

AMOUNT = '#,##0.00 "€"'
DATE = "DD/MM/YYYY"
DECIMAL = "0.00"
INTEGER = "0"
TEXT = "@"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    value: Callable[[T], Any]
    number_format: str | None = None  # None: General, for text and whole numbers
    width: float = 14


# --- Sheet "Membres": one row per member --------------------------------------------------

MEMBER_COLUMNS: tuple[Column[tuple[int, MemberSnapshot]], ...] = (
    Column("N°", lambda r: r[0], None, 6),
    Column("Référence de la demande", lambda r: r[1].request_reference, None, 18),
    Column("Entreprise", lambda r: r[1].company_name, None, 36),
    Column("SIREN", lambda r: r[1].siren, None, 12),
    Column("SIRET", lambda r: r[1].siret, None, 16),
    Column("Forme juridique", lambda r: r[1].legal_form, None, 16),
    Column("Date de création", lambda r: r[1].created_on, DATE, 12),
    Column("Code NAF", lambda r: r[1].naf_code, None, 9),
    Column("Activité (NAF)", lambda r: r[1].naf_label, None, 32),
    Column("Code NAFA", lambda r: r[1].nafa_code, None, 10),
    Column("Code département", lambda r: r[1].departement_code, None, 8),
    Column("Département", lambda r: r[1].departement_name, None, 16),
    Column("Code région", lambda r: r[1].region_code, None, 8),
    Column("Région", lambda r: r[1].region_name, None, 20),
    Column("Effectif (UTA)", lambda r: r[1].headcount, DECIMAL, 10),
    Column("Catégorie d’entreprise", lambda r: r[1].sme_category, None, 20),
    Column("Catégorie de projet", lambda r: r[1].project_category, None, 28),
    Column("Ligne portée", lambda r: r[1].line.line_label, None, 11),
    Column("Montant sollicité", lambda r: r[1].amount, AMOUNT, 14),
    Column("Coût total HT", lambda r: r[1].plan.total_cost, AMOUNT, 14),
    Column("Fonds propres", lambda r: r[1].plan.own_funds, AMOUNT, 14),
    Column("Total des emplois", lambda r: r[1].plan.total_uses, AMOUNT, 14),
    Column("Total des ressources", lambda r: r[1].plan.total_sources, AMOUNT, 14),
    Column(
        "Aides de minimis sur la période", lambda r: r[1].de_minimis.total_over_window, AMOUNT, 14
    ),
    Column("Plafond de minimis", lambda r: r[1].de_minimis.ceiling, AMOUNT, 14),
    Column("Déclaration de minimis le", lambda r: r[1].de_minimis.declared_on, DATE, 12),
    Column("Mandat signé par", lambda r: r[1].mandate.signed_by, None, 20),
    Column("Mandat signé le", lambda r: r[1].mandate.signed_on, DATE, 12),
    Column("Pièces", lambda r: len(r[1].documents), None, 8),
    # The figures an analyst checks the SME category and "loan ≤ equity" with
    # (docs/rules.md#package-contents), then the loan-to-investment warning.
    Column("Exercice des chiffres", lambda r: _figure(r[1], "year"), INTEGER, 10),
    Column("Chiffre d’affaires", lambda r: _figure(r[1], "turnover"), AMOUNT, 16),
    Column("Total de bilan", lambda r: _figure(r[1], "balance_sheet"), AMOUNT, 16),
    Column("Capitaux propres", lambda r: _figure(r[1], "equity"), AMOUNT, 16),
    Column("Prêt ≤ capitaux propres", lambda r: _fits_equity(r[1]), None, 10),
    Column("Alerte", lambda r: " ".join(r[1].warnings) or None, None, 40),
)


def _figure(member: MemberSnapshot, name: str) -> Any:
    return None if member.figures is None else getattr(member.figures, name)


def _fits_equity(member: MemberSnapshot) -> str | None:
    above = member.loan_above_equity
    if above is None or member.plan.loan <= 0:
        return None
    return "Non" if above else "Oui"


def member_columns(snapshot: DossierSnapshot) -> tuple[Column[tuple[int, MemberSnapshot]], ...]:
    """The members' columns: a lender bundle adds the loan terms and the guarantee asked."""
    if snapshot.kind != CollectiveKind.LOAN:
        return MEMBER_COLUMNS
    guarantee = snapshot.guarantee
    guarantor = guarantee.guarantor if guarantee else None
    share = guarantee.share if guarantee else None
    return (
        *MEMBER_COLUMNS,
        Column("Durée demandée (mois)", lambda r: r[1].loan_asked.duration_months, INTEGER, 10),
        Column("Différé demandé (mois)", lambda r: r[1].loan_asked.deferral_months, INTEGER, 10),
        Column("Garant demandé", lambda r: guarantor, None, 16),
        Column("Quotité garantie demandée (%)", lambda r: share, DECIMAL, 10),
    )


# --- Detail sheets: one row per plan line, quote, prior aid, document -------------------

PLAN_COLUMNS: tuple[Column[tuple[MemberSnapshot, str, PlanLine]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Nature", lambda r: r[1], None, 12),
    Column("Poste", lambda r: r[2].label, None, 48),
    Column("Montant", lambda r: r[2].amount, AMOUNT, 14),
)
QUOTE_COLUMNS: tuple[Column[tuple[MemberSnapshot, SupplierQuote]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Fournisseur", lambda r: r[1].supplier, None, 30),
    Column("SIRET du fournisseur", lambda r: r[1].siret, None, 16),
    Column("Date du devis", lambda r: r[1].quoted_on, DATE, 12),
    Column("Objet", lambda r: r[1].description, None, 30),
    Column("Montant HT", lambda r: r[1].amount_excl_vat, AMOUNT, 14),
)
AID_COLUMNS: tuple[Column[tuple[MemberSnapshot, PriorAid]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Organisme", lambda r: r[1].granting_body, None, 30),
    Column("Régime", lambda r: r[1].regulation, None, 26),
    Column("Date d’octroi", lambda r: r[1].granted_on, DATE, 12),
    Column("Montant", lambda r: r[1].amount, AMOUNT, 14),
)
DOCUMENT_COLUMNS: tuple[Column[tuple[MemberSnapshot, SupportingDocument]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Pièce", lambda r: r[1].kind, None, 26),
    Column("Fichier", lambda r: r[1].filename, None, 30),
    Column("Émise le", lambda r: r[1].issued_on, DATE, 12),
    Column("Valable jusqu’au", lambda r: r[1].expires_on, DATE, 12),
    Column("Taille (octets)", lambda r: r[1].size, None, 12),
    Column("SHA-256", lambda r: r[1].sha256, None, 66),
)


TABLE_SHEETS = ("Membres", "Plans de financement", "Devis", "Aides de minimis", "Pièces")


def render_annex_xlsx(snapshot: DossierSnapshot) -> bytes:
    """Render the XLSX annex: a summary sheet, then one sheet per kind of row."""
    members = snapshot.members
    digest = fingerprint(snapshot)

    def write(book: XlsxWriter) -> None:
        book.sheet("Synthèse", _summary_rows(snapshot, digest), widths=(50, 60, 18))
        book.table("Membres", member_columns(snapshot), enumerate(members, 1))
        book.table(
            "Plans de financement",
            PLAN_COLUMNS,
            (
                (member, side, line)
                for member in members
                for side, lines in (
                    ("Emploi", member.plan.uses),
                    ("Ressource", member.plan.sources),
                )
                for line in lines
            ),
        )
        book.table("Devis", QUOTE_COLUMNS, ((m, quote) for m in members for quote in m.quotes))
        book.table(
            "Aides de minimis",
            AID_COLUMNS,
            ((m, aid) for m in members for aid in m.de_minimis.prior_aids),
        )
        book.table("Pièces", DOCUMENT_COLUMNS, ((m, doc) for m in members for doc in m.documents))

    return xlsx_bytes(
        write,
        ("Synthèse", *TABLE_SHEETS),
        day=snapshot.build_date,
        title=f"Annexe — {snapshot.title} {snapshot.reference}",
        subject=snapshot.grouping_key,
        identifier=digest,
    )


def render_rows_xlsx(
    title: str, columns: Sequence[Column[T]], rows: Iterable[T], *, day: date
) -> bytes:
    """One streamed sheet of typed rows (any iterable, consumed once), dated ``day``."""
    name = title[:31]
    return xlsx_bytes(lambda book: book.table(name, columns, rows), [name], day=day, title=title)


def _summary_rows(snapshot: DossierSnapshot, digest: str) -> Iterable[Sequence[Any]]:
    """Key figures with the same totals as the PDF, then the collective financing plan."""
    totals = snapshot.totals
    lead, funder = snapshot.lead_partner, snapshot.funder
    yield [Cell(f"{snapshot.title} {snapshot.reference}", bold=True, size=14)]
    yield []
    guarantee = []
    if snapshot.kind == CollectiveKind.LOAN:
        guarantee = [("Garantie demandée", guarantee_text(snapshot.guarantee), None)]
    for label, value, number_format in (
        ("Référence du dossier", snapshot.reference, None),
        ("Nature du dossier", snapshot.title, None),
        ("Ligne portée par le dossier", snapshot.kind.line_label, None),
        *guarantee,
        ("Campagne", snapshot.campaign_name, None),
        ("Chef de file", lead.name, None),
        ("SIREN du chef de file", lead.siren, TEXT),
        ("Financeur", f"{funder.name} ({funder.kind.label})", None),
        ("Programme", funder.programme, None),
        ("Clé de regroupement", snapshot.grouping_key, None),
        ("Dossier établi le", snapshot.build_date, DATE),
        ("Empreinte du dossier (SHA-256)", digest, TEXT),
        ("Nombre de membres", len(snapshot.members), INTEGER),
        ("Coût total des projets (HT)", totals.total_cost, AMOUNT),
        ("Subventions sollicitées", totals.grant, AMOUNT),
        ("Prêts sollicités", totals.loan, AMOUNT),
        ("Apports en fonds propres", totals.own_funds, AMOUNT),
    ):
        yield [label, Cell(value, number_format)]
    line = snapshot.kind.asked_label
    for title, rows in (
        ("Répartition par activité (division NAF)", snapshot.by_trade()),
        ("Répartition par région", snapshot.by_region()),
    ):
        yield []
        yield [Cell(title, bold=True)]
        yield [Cell(text, bold=True) for text in ("Code", "Libellé", "Membres", line)]
        for row in rows:
            yield [Cell(row.code, TEXT), row.label, Cell(row.members, INTEGER),
                   Cell(row.amount, AMOUNT)]  # fmt: skip
    yield []
    yield [Cell("Plan de financement collectif", bold=True)]
    yield [Cell(text, bold=True) for text in ("Nature", "Poste", "Montant")]
    plans = [member.plan for member in snapshot.members]
    for side, lines in (
        ("Emploi", aggregate_lines(plans, "uses")),
        ("Ressource", aggregate_lines(plans, "sources")),
    ):
        for line in lines:
            yield [side, line.label, Cell(line.amount, AMOUNT)]
        total = sum((line.amount for line in lines), Decimal("0.00"))
        label = "Total des emplois" if side == "Emploi" else "Total des ressources"
        yield [Cell(label, bold=True), None, Cell(total, AMOUNT)]
