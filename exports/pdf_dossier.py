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

from collections.abc import Iterator
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
)

from exports.formatting import format_date, format_number, format_size
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
    FinancingPlan,
    MemberSnapshot,
    PlanLine,
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


def render_dossier_pdf(snapshot: DossierSnapshot) -> bytes:
    """Render the bank-facing PDF dossier of a collective file."""
    digest = fingerprint(snapshot)
    story = [
        *_cover(snapshot, digest),
        *_summary(snapshot),
        *_collective_plan(snapshot),
        *_members_table(snapshot),
        *_annexes(snapshot),
        *_declarations(snapshot),
    ]
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
            [para(f"{name} ({code})"), str(int(members)), amount(cost), amount(grant), amount(loan)]
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


def _plan_table(
    uses: list[PlanLine] | tuple[PlanLine, ...],
    sources: list[PlanLine] | tuple[PlanLine, ...],
    width: float,
) -> list[Flowable]:
    """Uses and sources side by side, with totals and the balance check."""
    rows: list[list[object]] = [["Emplois (besoins)", "Montant", "Ressources", "Montant"]]
    for index in range(max(len(uses), len(sources))):
        row: list[object] = ["", "", "", ""]
        if index < len(uses):
            row[0:2] = [para(uses[index].label), amount(uses[index].amount)]
        if index < len(sources):
            row[2:4] = [para(sources[index].label), amount(sources[index].amount)]
        rows.append(row)
    total_uses = sum((line.amount for line in uses), ZERO)
    total_sources = sum((line.amount for line in sources), ZERO)
    rows.append(
        ["Total des emplois", amount(total_uses), "Total des ressources", amount(total_sources)]
    )
    gap = total_uses - total_sources
    verdict = (
        "Plan équilibré : emplois = ressources au centime près."
        if gap == 0
        else f"Plan déséquilibré : écart de {amount(gap)} (emplois − ressources)."
    )
    return [
        table(
            rows,
            (width * 0.32, width * 0.18, width * 0.32, width * 0.18),
            right_columns=(1, 3),
            bold_last_row=True,
            zebra=False,
        ),
        Spacer(1, 1.5 * mm),
        para(verdict, Styles.small),
    ]


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
        *_plan_table(
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
        para(naf),
        para(f"{member.departement_name} ({member.departement_code})"),
        format_number(member.headcount, None),
        para(member.project_category),
        amount(member.plan.total_cost),
        amount(member.plan.grant),
        amount(member.plan.loan),
    ]


def _members_table(snapshot: DossierSnapshot) -> list[Flowable]:
    total_mm = sum(width for _, width in MEMBER_COLUMNS)
    widths = [LANDSCAPE_WIDTH * width / total_mm for _, width in MEMBER_COLUMNS]
    header = [header for header, _ in MEMBER_COLUMNS]
    story: list[Flowable] = [
        NextPageTemplate("landscape"),
        PageBreak(),
        para("Membres du dossier", Styles.h1),
    ]
    members = snapshot.members
    for start in range(0, len(members), MEMBER_TABLE_ROWS):
        chunk = members[start : start + MEMBER_TABLE_ROWS]
        rows = [header] + [
            _member_row(start + offset + 1, member) for offset, member in enumerate(chunk)
        ]
        if start + MEMBER_TABLE_ROWS >= len(members):
            totals = snapshot.totals
            rows.append(
                [
                    "",
                    f"Total ({len(members)} membres)",
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
        story.append(
            table(
                rows,
                widths,
                right_columns=(0, 5, *AMOUNT_COLUMNS),
                bold_last_row=start + MEMBER_TABLE_ROWS >= len(members),
            )
        )
    if not members:
        story.append(para("Aucun membre.", Styles.body))
    story.append(NextPageTemplate("portrait"))
    return story


def _annexes(snapshot: DossierSnapshot) -> Iterator[Flowable]:
    for number, member in enumerate(snapshot.members, start=1):
        yield PageBreak()
        yield from _annex(number, member)


def _annex(number: int, member: MemberSnapshot) -> list[Flowable]:
    w = PORTRAIT_WIDTH
    naf = f"{member.naf_code} — {member.naf_label}"
    identity = key_values(
        [
            ("Référence de la demande", member.request_reference),
            ("SIREN / SIRET", f"{member.siren} / {member.siret}"),
            ("Forme juridique", para(member.legal_form)),
            ("Date de création", format_date(member.created_on)),
            ("Activité (NAF)", para(naf)),
            ("Code NAFA (artisanat)", member.nafa_code or "—"),
            (
                "Territoire",
                para(
                    f"{member.departement_name} ({member.departement_code}), "
                    f"{member.region_name} ({member.region_code})"
                ),
            ),
            ("Effectif (UTA)", format_number(member.headcount, None)),
            ("Catégorie d’entreprise", para(member.sme_category)),
        ],
        (w * 0.3, w * 0.7),
    )
    quotes = [["Fournisseur", "SIRET", "Date", "Objet", "Montant HT"]]
    for quote in member.quotes:
        quotes.append(
            [
                para(quote.supplier),
                quote.siret,
                format_date(quote.quoted_on),
                para(quote.description),
                amount(quote.amount_excl_vat),
            ]
        )
    quote_total = sum((q.amount_excl_vat for q in member.quotes), ZERO)
    quotes.append(["Total des devis", "", "", "", amount(quote_total)])
    return [
        para(f"Annexe {number} — {member.company_name}", Styles.h1),
        identity,
        para("Projet", Styles.h2),
        para(member.project_category, Styles.cell_bold),
        para(member.project_description, Styles.body),
        para("Devis fournisseurs", Styles.h2),
        table(
            quotes,
            (w * 0.28, w * 0.17, w * 0.11, w * 0.26, w * 0.18),
            right_columns=(4,),
            bold_last_row=True,
            zebra=False,
        ),
        CondPageBreak(40 * mm),
        para("Plan de financement", Styles.h2),
        *_member_plan(member.plan, w),
        CondPageBreak(35 * mm),
        *_de_minimis(member, w),
        CondPageBreak(30 * mm),
        *_documents(member, w),
    ]


def _member_plan(plan: FinancingPlan, width: float) -> list[Flowable]:
    flowables = _plan_table(plan.uses, plan.sources, width)
    flowables.append(
        para(
            f"Coût total HT : {amount(plan.total_cost)} — subvention : {amount(plan.grant)} — "
            f"prêt : {amount(plan.loan)} — fonds propres : {amount(plan.own_funds)}.",
            Styles.small,
        )
    )
    return flowables


def _de_minimis(member: MemberSnapshot, width: float) -> list[Flowable]:
    declaration = member.de_minimis
    period = f"du {format_date(declaration.window_start)} au {format_date(declaration.window_end)}"
    rows: list[list[object]] = [["Organisme", "Régime", "Date d’octroi", "Montant"]]
    for aid in declaration.prior_aids:
        rows.append(
            [
                para(aid.granting_body),
                para(aid.regulation),
                format_date(aid.granted_on),
                amount(aid.amount),
            ]
        )
    if not declaration.prior_aids:
        rows.append([para("Aucune aide de minimis déclarée sur la période."), "", "", ""])
    with_new = declaration.total_over_window + member.plan.grant
    rows += [
        ["Total déclaré sur la période", "", "", amount(declaration.total_over_window)],
        ["Total avec la subvention sollicitée", "", "", amount(with_new)],
        [f"Plafond ({declaration.regulation})", "", "", amount(declaration.ceiling)],
    ]
    result = table(
        rows,
        (width * 0.36, width * 0.3, width * 0.14, width * 0.2),
        right_columns=(3,),
        zebra=False,
    )
    if not declaration.prior_aids:
        result.setStyle([("SPAN", (0, 1), (-1, 1))])
    return [
        para("Déclaration des aides de minimis", Styles.h2),
        para(
            f"Aides reçues par l’entreprise unique {period}, déclarées par "
            f"{declaration.declared_by} le {format_date(declaration.declared_on)}.",
            Styles.small,
        ),
        Spacer(1, 1.5 * mm),
        result,
    ]


def _documents(member: MemberSnapshot, width: float) -> list[Flowable]:
    rows: list[list[object]] = [
        ["Pièce", "Fichier", "Émise le", "Valable jusqu’au", "Taille", "SHA-256 (début)"]
    ]
    for doc in member.documents:
        rows.append(
            [
                para(doc.kind),
                para(doc.filename),
                format_date(doc.issued_on),
                format_date(doc.expires_on),
                format_size(doc.size),
                doc.sha256[:16],
            ]
        )
    if not member.documents:
        rows.append([para("Aucune pièce."), "", "", "", "", ""])
    return [
        para("Pièces justificatives", Styles.h2),
        table(
            rows,
            [share * width for share in (0.22, 0.25, 0.1, 0.13, 0.09, 0.21)],
            right_columns=(4,),
            zebra=False,
        ),
    ]


def _declarations(snapshot: DossierSnapshot) -> list[Flowable]:
    w = PORTRAIT_WIDTH
    lead = snapshot.lead_partner.name
    rows: list[list[object]] = [
        ["N°", "Entreprise", "Déclaration PME", "Déclaration de minimis", "Mandat au chef de file"]
    ]
    for number, member in enumerate(snapshot.members, start=1):
        de_minimis = member.de_minimis
        mandate = member.mandate
        rows.append(
            [
                str(number),
                para(f"{member.company_name} — SIRET {member.siret}"),
                para(f"{member.sme_category}, {format_number(member.headcount, None)} UTA"),
                para(
                    f"Signée par {de_minimis.declared_by} le {format_date(de_minimis.declared_on)}"
                ),
                para(
                    f"Signé par {mandate.signed_by} ({mandate.signatory_role}) le "
                    f"{format_date(mandate.signed_on)}"
                ),
            ]
        )
    story: list[Flowable] = [
        PageBreak(),
        para("Déclarations et mandats des membres", Styles.h1),
        Paragraph(
            "Chaque membre a déclaré sur l’honneur l’exactitude des informations de sa "
            "demande, sa catégorie d’entreprise (recommandation 2003/361/CE) et les aides de "
            "minimis reçues par l’entreprise unique sur la période de référence. Chaque "
            f"membre a donné mandat à <b>{escape(lead)}</b> pour présenter sa demande au "
            "sein du présent dossier collectif et en suivre l’instruction ; il reste seul "
            "emprunteur et seul bénéficiaire de l’aide qui lui est attribuée.",
            Styles.body,
        ),
        Spacer(1, 2 * mm),
    ]
    for start in range(0, max(len(rows) - 1, 1), MEMBER_TABLE_ROWS):
        chunk = [rows[0], *rows[1 + start : 1 + start + MEMBER_TABLE_ROWS]]
        story.append(table(chunk, (w * 0.06, w * 0.3, w * 0.2, w * 0.2, w * 0.24)))
    return story
