"""The collective file's PDF dossier: ``render_dossier_pdf(snapshot) -> bytes``.

Sections, in the order a bank's analyst reads them: cover, summary, the collective
financing plan, the members table (landscape, split into tables of ``MEMBER_TABLE_ROWS``
rows with the header repeated on every page: ReportLab slows down super-linearly on one
huge table), one annex page per member, then the members' declarations and mandates.

Every page shows "page x / y", the bundle reference and the **dossier fingerprint**: the
SHA-256 of the snapshot's canonical JSON (:func:`exports.snapshot.fingerprint`). The
package manifest carries the same fingerprint. The hash of the ZIP itself cannot be used:
it cannot be printed inside a file that the ZIP contains. The fingerprint identifies the
content; the manifest's per-file SHA-256 identify the bytes.

The output is deterministic: the same snapshot gives byte-identical PDFs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import chain
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
)

from dossiers.formatting import format_date, format_number
from exports.formatting import guarantee_text
from exports.pdf_annex import loan_terms_text, member_annex, plan_table
from exports.pdf_base import (
    LANDSCAPE_WIDTH,
    PORTRAIT_WIDTH,
    Styles,
    amount,
    build_pdf,
    key_values,
    para,
    table,
)
from exports.snapshot import (
    ZERO,
    Breakdown,
    CollectiveKind,
    DossierSnapshot,
    MemberSnapshot,
    aggregate_lines,
    fingerprint,
)

MEMBER_TABLE_ROWS = 100
MEMBER_COLUMNS = (
    # header, relative width
    ("N°", 8),
    ("Entreprise", 48),
    ("SIRET", 26),
    ("Activité (NAF)", 42),
    ("Département", 27),
    ("Effectif (UTA)", 14),
    ("Projet", 34),
    ("Coût total HT", 23),
)
AMOUNT_COLUMNS = (7, 8)
# The line the collective carries, then for a lender bundle the loan terms asked.
LINE_HEADERS = {
    CollectiveKind.GRANT: "Subvention sollicitée",
    CollectiveKind.LOAN: "Prêt sollicité",
}
LINE_WIDTH = 24
TERMS_COLUMN = ("Durée / différé (mois)", 20)


def member_columns(kind: CollectiveKind) -> tuple[tuple[str, int], ...]:
    columns = (*MEMBER_COLUMNS, (LINE_HEADERS[kind], LINE_WIDTH))
    return (*columns, TERMS_COLUMN) if kind == CollectiveKind.LOAN else columns


def render_dossier_pdf(
    snapshot: DossierSnapshot, *, progress: Callable[[int], None] | None = None
) -> bytes:
    """Render the bank-facing PDF dossier of a collective file.

    ``progress(done)`` is called as the layout reaches each member's annex page, ``done``
    counting members: most of a large dossier's time is spent there.
    """
    digest = fingerprint(snapshot)
    # A generator: the layout pulls each part when it reaches it (see LazyStory).
    story = chain(
        _cover(snapshot, digest),
        _summary(snapshot),
        _collective_plan(snapshot),
        _members_table(snapshot),
        _annexes(snapshot, progress or _silent),
        _declarations(snapshot),
    )
    return build_pdf(
        story,
        title=f"{snapshot.title} {snapshot.reference}",
        author=snapshot.lead_partner.name,
        subject=f"{snapshot.funder.programme} — {snapshot.grouping_key}",
        footer=f"Dossier {snapshot.reference}",
        fingerprint=digest,
        build_date=snapshot.build_date,
    )


def _cover(snapshot: DossierSnapshot, digest: str) -> list[Flowable]:
    lead, funder = snapshot.lead_partner, snapshot.funder
    address = f"{lead.address.street}, {lead.address.postal_code} {lead.address.city}"
    label_width = 50 * mm
    value = Styles.body
    return [
        Spacer(1, 25 * mm),
        para(snapshot.title, Styles.title),
        para(f"Dossier collectif {snapshot.reference}", Styles.subtitle),
        para(snapshot.campaign_name, Styles.h2),
        Spacer(1, 8 * mm),
        key_values(
            [
                ("Chef de file", para(lead.name, value)),
                ("SIREN du chef de file", para(lead.siren, value)),
                ("Adresse", para(address, value)),
                ("Financeur", para(f"{funder.name} ({funder.kind.label})", value)),
                ("Programme", para(funder.programme, value)),
                ("Nature du dossier", para(_nature(snapshot), value)),
                *_guarantee_row(snapshot),
                ("Clé de regroupement", para(snapshot.grouping_key, value)),
                ("Nombre de membres", para(str(len(snapshot.members)), value)),
                ("Dossier établi le", para(format_date(snapshot.build_date), value)),
                ("Empreinte du dossier", para(digest, Styles.small)),
            ],
            (label_width, PORTRAIT_WIDTH - label_width),
            size=9,
        ),
        Spacer(1, 10 * mm),
        para(
            "Chaque entreprise membre reste seule emprunteuse et seule bénéficiaire de l’aide "
            "qui lui est attribuée. Le chef de file présente les demandes individuelles "
            "ensemble, en vertu du mandat que chaque membre lui a donné ; aucun fonds ne "
            "transite par lui ni par la plateforme.",
            Styles.body,
        ),
        para(
            "L’empreinte du dossier (SHA-256 des données du dossier sous forme canonique) "
            "figure au bas de chaque page et dans le manifeste du paquet : elle permet de "
            "rattacher toute page imprimée au paquet d’où elle provient.",
            Styles.small,
        ),
        PageBreak(),
    ]


def _nature(snapshot: DossierSnapshot) -> str:
    if snapshot.kind == CollectiveKind.GRANT:
        return (
            "Opération collective : le chef de file présente les subventions des membres ; "
            "chaque membre n’y porte que sa subvention."
        )
    return "Dossier prêteur : chaque membre n’y porte que son prêt bancaire."


def _guarantee_row(snapshot: DossierSnapshot) -> list[tuple[str, Flowable]]:
    if snapshot.kind != CollectiveKind.LOAN:
        return []
    return [("Garantie demandée", para(guarantee_text(snapshot.guarantee), Styles.body))]


def _summary(snapshot: DossierSnapshot) -> list[Flowable]:
    totals = snapshot.totals
    count = len(snapshot.members)
    line = LINE_HEADERS[snapshot.kind]
    figures = [
        ["Indicateur", "Valeur"],
        ["Nombre de membres", str(count)],
        ["Ligne portée par le dossier", snapshot.kind.line_label],
        ["Coût total des projets (HT)", amount(totals.total_cost)],
        ["Subventions sollicitées", amount(totals.grant)],
        ["Prêts sollicités", amount(totals.loan)],
        ["Apports en fonds propres", amount(totals.own_funds)],
    ]
    if count:
        figures.append(["Montant moyen par membre", amount(_mean(snapshot.line_total, count))])
    warned = sum(1 for member in snapshot.members if member.warnings)
    if warned:
        figures.append(["Membres dont le prêt dépasse le seuil d’alerte", str(warned)])
    by_departement: dict[tuple[str, str], list[Decimal]] = {}
    for member in snapshot.members:
        row = by_departement.setdefault(
            (member.departement_code, member.departement_name), [ZERO, ZERO, ZERO]
        )
        row[0] += 1
        row[1] += member.plan.total_cost
        row[2] += member.amount
    territory = [["Département", "Membres", "Coût total HT", line]]
    for (code, name), (members, cost, carried) in sorted(by_departement.items()):
        territory.append([f"{name} ({code})", str(int(members)), amount(cost), amount(carried)])
    w = PORTRAIT_WIDTH
    return [
        para("Synthèse", Styles.h1),
        table(figures, (w * 0.62, w * 0.38), right_columns=(1,)),
        para("Répartition par activité (division NAF)", Styles.h2),
        _breakdown_table("Activité (division NAF)", snapshot.by_trade(), line),
        para("Répartition par région", Styles.h2),
        _breakdown_table("Région", snapshot.by_region(), line),
        para("Répartition par département", Styles.h2),
        table(territory, (w * 0.42, w * 0.14, w * 0.22, w * 0.22), right_columns=(1, 2, 3)),
    ]


def _breakdown_table(header: str, rows: list[Breakdown], line: str) -> Flowable:
    w = PORTRAIT_WIDTH
    data: list[list[object]] = [[header, "Membres", line]]
    for row in rows:
        data.append([f"{row.code} — {row.label}", str(row.members), amount(row.amount)])
    data.append(
        [
            "Total",
            str(sum(row.members for row in rows)),
            amount(sum((row.amount for row in rows), ZERO)),
        ]
    )
    return table(data, (w * 0.6, w * 0.14, w * 0.26), right_columns=(1, 2), bold_last_row=True)


def _mean(total: Decimal, count: int) -> Decimal:
    return (total / count).quantize(Decimal("0.01"))


def _collective_plan(snapshot: DossierSnapshot) -> list[Flowable]:
    plans = [member.plan for member in snapshot.members]
    return [
        para("Plan de financement collectif", Styles.h2),
        para(
            "Somme des plans de financement individuels des membres, poste par poste. Chaque "
            "membre porte seul son propre plan, détaillé en annexe.",
            Styles.small,
        ),
        Spacer(1, 2 * mm),
        *plan_table(
            aggregate_lines(plans, "uses"), aggregate_lines(plans, "sources"), PORTRAIT_WIDTH
        ),
    ]


def _member_row(number: int, member: MemberSnapshot, kind: CollectiveKind) -> list[object]:
    naf = f"{member.naf_code} — {member.naf_label}"
    if member.nafa_code:
        naf += f" (NAFA {member.nafa_code})"
    row: list[object] = [
        str(number),
        Paragraph(
            f"{escape(member.company_name)}<br/>"
            f"<font size=6.5 color='#52606d'>{escape(member.request_reference)}</font>",
            Styles.cell,
        ),
        member.siret,
        naf,
        f"{member.departement_name} ({member.departement_code})",
        format_number(member.headcount, None),
        member.project_category,
        amount(member.plan.total_cost),
        amount(member.amount),
    ]
    if kind == CollectiveKind.LOAN:
        row.append(loan_terms_text(member))
    return row


def _members_table(snapshot: DossierSnapshot) -> Iterator[Flowable]:
    columns = member_columns(snapshot.kind)
    total_mm = sum(width for _, width in columns)
    widths = [LANDSCAPE_WIDTH * width / total_mm for _, width in columns]
    header = [header for header, _ in columns]
    yield NextPageTemplate("landscape")
    yield PageBreak()
    yield para("Membres du dossier", Styles.h1)
    members = snapshot.members
    for start in range(0, len(members), MEMBER_TABLE_ROWS):
        chunk = members[start : start + MEMBER_TABLE_ROWS]
        rows = [header] + [
            _member_row(start + offset + 1, member, snapshot.kind)
            for offset, member in enumerate(chunk)
        ]
        last = start + MEMBER_TABLE_ROWS >= len(members)
        if last:
            totals = snapshot.totals
            label = f"Total ({len(members)} membres)"
            total_row: list[object] = ["", label, "", "", "", "", ""]
            total_row += [amount(totals.total_cost), amount(snapshot.line_total)]
            if snapshot.kind == CollectiveKind.LOAN:
                total_row.append("")
            rows.append(total_row)
        yield table(rows, widths, right_columns=(0, 5, *AMOUNT_COLUMNS), bold_last_row=last)
    if not members:
        yield para("Aucun membre.", Styles.body)
    yield NextPageTemplate("portrait")


def _silent(done: int) -> None:
    return None


def _annexes(snapshot: DossierSnapshot, progress: Callable[[int], None]) -> Iterator[Flowable]:
    # A generator pulled by the layout (LazyStory): reaching member n means the n - 1
    # before it are laid out, give or take the story's read-ahead.
    for number, member in enumerate(snapshot.members, start=1):
        progress(number - 1)
        yield PageBreak()
        yield from member_annex(number, member, snapshot)
    progress(len(snapshot.members))


def _declaration_row(number: int, member: MemberSnapshot) -> list[object]:
    de_minimis, mandate = member.de_minimis, member.mandate
    return [
        str(number),
        Paragraph(f"{escape(member.company_name)}<br/>SIRET {member.siret}", Styles.cell),
        f"{member.sme_category} — {format_number(member.headcount, None)}\u00a0UTA",
        f"Signée par {de_minimis.declared_by} le {format_date(de_minimis.declared_on)}",
        f"Signé par {mandate.signed_by} ({mandate.signatory_role}) le "
        f"{format_date(mandate.signed_on)}",
    ]


def _declarations(snapshot: DossierSnapshot) -> Iterator[Flowable]:
    w = PORTRAIT_WIDTH
    lead = snapshot.lead_partner.name
    header = [
        "N°",
        "Entreprise",
        "Déclaration PME",
        "Déclaration de minimis",
        "Mandat au chef de file",
    ]
    yield PageBreak()
    yield para("Déclarations et mandats des membres", Styles.h1)
    yield Paragraph(
        "Chaque membre a déclaré sur l’honneur l’exactitude des informations de sa "
        "demande, sa catégorie d’entreprise (recommandation 2003/361/CE) et les aides de "
        "minimis reçues par l’entreprise unique sur la période de référence. Chaque "
        f"membre a donné mandat à <b>{escape(lead)}</b> pour présenter sa demande au "
        "sein du présent dossier collectif et en suivre l’instruction ; il reste seul "
        "emprunteur et seul bénéficiaire de l’aide qui lui est attribuée.",
        Styles.body,
    )
    yield Spacer(1, 2 * mm)
    members = snapshot.members
    for start in range(0, len(members), MEMBER_TABLE_ROWS):
        chunk = members[start : start + MEMBER_TABLE_ROWS]
        rows = [header] + [
            _declaration_row(start + offset + 1, member) for offset, member in enumerate(chunk)
        ]
        yield table(rows, (w * 0.06, w * 0.3, w * 0.2, w * 0.2, w * 0.24))
