"""One member's annex page of the PDF dossier, and the uses / sources table it shares.

The annex shows what a bank's analyst checks for each member: identity, trade and
territory, SME category, the project, supplier quotes, the financing plan (balanced to the
cent), the de minimis declaration against its ceiling, and the supporting documents.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from dossiers.formatting import format_date, format_number
from exports.formatting import format_size, guarantee_text
from exports.pdf_base import PORTRAIT_WIDTH, Styles, amount, key_values, para, table
from exports.snapshot import (
    ZERO,
    CollectiveKind,
    DossierSnapshot,
    FinancingPlan,
    MemberSnapshot,
    PlanLine,
)


def plan_table(
    uses: list[PlanLine] | tuple[PlanLine, ...],
    sources: list[PlanLine] | tuple[PlanLine, ...],
    width: float,
) -> list[Flowable]:
    """Uses and sources side by side, with totals and the balance check."""
    rows: list[list[object]] = [["Emplois (besoins)", "Montant", "Ressources", "Montant"]]
    for index in range(max(len(uses), len(sources))):
        row: list[object] = ["", "", "", ""]
        if index < len(uses):
            row[0:2] = [uses[index].label, amount(uses[index].amount)]
        if index < len(sources):
            row[2:4] = [sources[index].label, amount(sources[index].amount)]
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


def loan_terms_text(member: MemberSnapshot) -> str:
    """``60 / 6``: the duration and deferral asked, in months (— when not given)."""
    asked = member.loan_asked
    duration = "—" if asked.duration_months is None else str(asked.duration_months)
    deferral = "—" if asked.deferral_months is None else str(asked.deferral_months)
    return f"{duration} / {deferral}"


def _optional_amount(value) -> str:
    return "non renseigné" if value is None else amount(value)


def equity_verdict(member: MemberSnapshot) -> str:
    """Whether the loan asked fits within the equity (docs/rules.md#package-contents)."""
    above = member.loan_above_equity
    if member.plan.loan <= 0:
        return "Sans objet (aucun prêt demandé)."
    if above is None:
        return "Capitaux propres non renseignés : à vérifier par l’analyste."
    if above:
        return "Prêt demandé supérieur aux capitaux propres."
    return "Prêt demandé inférieur ou égal aux capitaux propres."


def _line_carried(member: MemberSnapshot, snapshot: DossierSnapshot, w: float) -> list[Flowable]:
    """What the member carries in this collective, with the loan terms and guarantee asked."""
    if member.line == CollectiveKind.GRANT:
        rows = [("Subvention sollicitée dans cette opération", amount(member.amount))]
    else:
        asked = member.loan_asked
        rows = [
            ("Prêt sollicité dans ce dossier", amount(member.amount)),
            (
                "Durée demandée",
                "non renseignée"
                if asked.duration_months is None
                else f"{asked.duration_months} mois",
            ),
            (
                "Différé demandé",
                "non renseigné"
                if asked.deferral_months is None
                else f"{asked.deferral_months} mois",
            ),
            ("Garantie demandée", guarantee_text(snapshot.guarantee)),
        ]
    return [para("Ligne portée par ce dossier", Styles.h2), key_values(rows, (w * 0.4, w * 0.6))]


def _figures(member: MemberSnapshot, w: float) -> list[Flowable]:
    """Staff, turnover, balance sheet and equity of the figures' year: the SME category and
    "loan ≤ equity" checks."""
    figures = member.figures
    if figures is None:
        return []
    year = "exercice non renseigné" if figures.year is None else f"exercice {figures.year}"
    rows = [
        ("Effectif (UTA)", format_number(figures.headcount, None)),
        ("Chiffre d’affaires", amount(figures.turnover)),
        ("Total de bilan", amount(figures.balance_sheet)),
        ("Capitaux propres", _optional_amount(figures.equity)),
        ("Catégorie d’entreprise", member.sme_category),
        ("Prêt ≤ capitaux propres", equity_verdict(member)),
    ]
    flowables: list[Flowable] = [
        para(f"Chiffres de l’entreprise ({year})", Styles.h2),
        key_values(rows, (w * 0.4, w * 0.6)),
    ]
    for warning in member.warnings:
        flowables += [Spacer(1, 1.5 * mm), para(f"Alerte : {warning}", Styles.cell_bold)]
    return flowables


def member_annex(number: int, member: MemberSnapshot, snapshot: DossierSnapshot) -> list[Flowable]:
    w = PORTRAIT_WIDTH
    naf = f"{member.naf_code} — {member.naf_label}"
    identity = key_values(
        [
            ("Référence de la demande", member.request_reference),
            ("SIREN / SIRET", f"{member.siren} / {member.siret}"),
            ("Forme juridique", member.legal_form),
            ("Date de création", format_date(member.created_on)),
            ("Activité (NAF)", naf),
            ("Code NAFA (artisanat)", member.nafa_code or "—"),
            (
                "Territoire",
                f"{member.departement_name} ({member.departement_code}), "
                f"{member.region_name} ({member.region_code})",
            ),
            ("Effectif (UTA)", format_number(member.headcount, None)),
            ("Catégorie d’entreprise", member.sme_category),
        ],
        (w * 0.3, w * 0.7),
    )
    quotes = [["Fournisseur", "SIRET", "Date", "Objet", "Montant HT"]]
    for quote in member.quotes:
        quotes.append(
            [
                quote.supplier,
                quote.siret,
                format_date(quote.quoted_on),
                quote.description,
                amount(quote.amount_excl_vat),
            ]
        )
    quote_total = sum((q.amount_excl_vat for q in member.quotes), ZERO)
    quotes.append(["Total des devis", "", "", "", amount(quote_total)])
    return [
        para(f"Annexe {number} — {member.company_name}", Styles.h1),
        identity,
        *_line_carried(member, snapshot, w),
        CondPageBreak(45 * mm),
        *_figures(member, w),
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
        para("Plan de financement de l’entreprise (toutes lignes)", Styles.h2),
        *_member_plan(member.plan, w),
        CondPageBreak(35 * mm),
        *_de_minimis(member, w),
        CondPageBreak(30 * mm),
        *_documents(member, w),
    ]


def _member_plan(plan: FinancingPlan, width: float) -> list[Flowable]:
    flowables = plan_table(plan.uses, plan.sources, width)
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
                aid.granting_body,
                aid.regulation,
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
    verdict = (
        "Sous le plafond, subvention sollicitée comprise."
        if with_new <= declaration.ceiling
        else "Plafond dépassé avec la subvention sollicitée : l’aide ne peut être octroyée "
        "(règle de minimis : l’aide entière est refusée, pas seulement l’excédent)."
    )
    return [
        para("Déclaration des aides de minimis", Styles.h2),
        para(
            f"Aides reçues par l’entreprise unique {period}, déclarées par "
            f"{declaration.declared_by} le {format_date(declaration.declared_on)}.",
            Styles.small,
        ),
        Spacer(1, 1.5 * mm),
        result,
        Spacer(1, 1 * mm),
        para(verdict, Styles.small),
    ]


def _documents(member: MemberSnapshot, width: float) -> list[Flowable]:
    rows: list[list[object]] = [
        ["Pièce", "Fichier", "Émise le", "Valable jusqu’au", "Taille", "SHA-256 (début)"]
    ]
    for doc in member.documents:
        rows.append(
            [
                doc.kind,
                doc.filename,
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
