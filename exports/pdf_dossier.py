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
from exports.pdf_annex import member_annex, plan_table
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
    ("Subvention", 22),
    ("Prêt", 22),
)
AMOUNT_COLUMNS = (7, 8, 9)


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
        title=f"Dossier collectif {snapshot.reference}",
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
        para("Dossier collectif de financement", Styles.title),
        para(snapshot.reference, Styles.subtitle),
        para(snapshot.campaign_name, Styles.h2),
        Spacer(1, 8 * mm),
        key_values(
            [
                ("Chef de file", para(lead.name, value)),
                ("SIREN du chef de file", para(lead.siren, value)),
                ("Adresse", para(address, value)),
                ("Financeur", para(f"{funder.name} ({funder.kind.label})", value)),
                ("Programme", para(funder.programme, value)),
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


def _summary(snapshot: DossierSnapshot) -> list[Flowable]:
    totals = snapshot.totals
    count = len(snapshot.members)
    figures = [
        ["Indicateur", "Valeur"],
        ["Nombre de membres", str(count)],
        ["Coût total des projets (HT)", amount(totals.total_cost)],
        ["Subventions sollicitées", amount(totals.grant)],
        ["Prêts sollicités", amount(totals.loan)],
        ["Apports en fonds propres", amount(totals.own_funds)],
        [
            "Besoin résiduel (coût − subventions − fonds propres)",
            amount(totals.total_cost - totals.grant - totals.own_funds),
        ],
    ]
    if count:
        figures.append(["Prêt moyen par membre", amount(_mean(totals.loan, count))])
    by_departement: dict[tuple[str, str], list[Decimal]] = {}
    for member in snapshot.members:
        row = by_departement.setdefault(
            (member.departement_code, member.departement_name), [ZERO, ZERO, ZERO, ZERO]
        )
        row[0] += 1
        row[1] += member.plan.total_cost
        row[2] += member.plan.grant
        row[3] += member.plan.loan
    territory = [["Département", "Membres", "Coût total HT", "Subventions", "Prêts"]]
    for (code, name), (members, cost, grant, loan) in sorted(by_departement.items()):
        territory.append(
            [f"{name} ({code})", str(int(members)), amount(cost), amount(grant), amount(loan)]
        )
    w = PORTRAIT_WIDTH
    return [
        para("Synthèse", Styles.h1),
        table(figures, (w * 0.62, w * 0.38), right_columns=(1,)),
        para("Répartition par département", Styles.h2),
        table(
            territory,
            (w * 0.32, w * 0.12, w * 0.2, w * 0.18, w * 0.18),
            right_columns=(1, 2, 3, 4),
        ),
    ]


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


def _member_row(number: int, member: MemberSnapshot) -> list[object]:
    naf = f"{member.naf_code} — {member.naf_label}"
    if member.nafa_code:
        naf += f" (NAFA {member.nafa_code})"
    return [
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
        amount(member.plan.grant),
        amount(member.plan.loan),
    ]


def _members_table(snapshot: DossierSnapshot) -> Iterator[Flowable]:
    total_mm = sum(width for _, width in MEMBER_COLUMNS)
    widths = [LANDSCAPE_WIDTH * width / total_mm for _, width in MEMBER_COLUMNS]
    header = [header for header, _ in MEMBER_COLUMNS]
    yield NextPageTemplate("landscape")
    yield PageBreak()
    yield para("Membres du dossier", Styles.h1)
    members = snapshot.members
    for start in range(0, len(members), MEMBER_TABLE_ROWS):
        chunk = members[start : start + MEMBER_TABLE_ROWS]
        rows = [header] + [
            _member_row(start + offset + 1, member) for offset, member in enumerate(chunk)
        ]
        last = start + MEMBER_TABLE_ROWS >= len(members)
        if last:
            totals = snapshot.totals
            label = f"Total ({len(members)} membres)"
            rows.append(
                [
                    "",
                    label,
                    "",
                    "",
                    "",
                    "",
                    "",
                    amount(totals.total_cost),
                    amount(totals.grant),
                    amount(totals.loan),
                ]
            )
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
        yield from member_annex(number, member)
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
