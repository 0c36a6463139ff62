"""Bare ReportLab / openpyxl / zipfile writers of the same content as Grappe's exports.

The yardstick for ``exports_speed.py``: the same tables, paragraphs, pages, sheets, typed
cells and files, written the plain way (no French formatter, no page "x / y", no
fingerprint, no formula neutralising, no sanitised names, no pinned timestamps). Same
embedded font, same 100-row table chunks, so the comparison measures Grappe's layers.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from exports.pdf_base import FONT, register_fonts
from exports.snapshot import DossierSnapshot

GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#999999"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def euros(value) -> str:
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


def bare_pdf(snapshot: DossierSnapshot) -> bytes:
    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = FONT
    body, cell = styles["BodyText"], styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    buffer = io.BytesIO()

    def footer(canvas, doc):
        canvas.setFont(FONT, 7)
        canvas.drawString(15 * mm, 8 * mm, f"{snapshot.reference} page {doc.page}")

    portrait, wide = A4, landscape(A4)
    doc = BaseDocTemplate(
        buffer,
        pageTemplates=[
            PageTemplate(
                "p", [Frame(15 * mm, 15 * mm, 180 * mm, 262 * mm)], footer, pagesize=portrait
            ),
            PageTemplate("l", [Frame(15 * mm, 15 * mm, 267 * mm, 175 * mm)], footer, pagesize=wide),
        ],
    )
    totals = snapshot.totals
    story = [
        Paragraph("Dossier collectif de financement", styles["Title"]),
        Paragraph(snapshot.reference, body),
        Paragraph(snapshot.lead_partner.name, body),
        Paragraph(snapshot.funder.programme, body),
        Paragraph(snapshot.grouping_key, body),
        PageBreak(),
        Table(
            [
                ["Membres", str(len(snapshot.members))],
                ["Coût total", euros(totals.total_cost)],
                ["Subventions", euros(totals.grant)],
                ["Prêts", euros(totals.loan)],
                ["Fonds propres", euros(totals.own_funds)],
            ],
            style=GRID,
        ),
        NextPageTemplate("l"),
        PageBreak(),
    ]
    header = [
        "N°",
        "Entreprise",
        "SIRET",
        "NAF",
        "Département",
        "Effectif",
        "Projet",
        "Coût",
        "Subvention",
        "Prêt",
    ]
    widths = [x * mm for x in (8, 48, 26, 42, 27, 14, 34, 23, 22, 22)]
    members = snapshot.members
    for start in range(0, len(members), 100):
        rows = [header]
        for number, m in enumerate(members[start : start + 100], start + 1):
            rows.append(
                [
                    str(number),
                    Paragraph(m.company_name.replace("&", "&amp;").replace("<", "&lt;"), cell),
                    m.siret,
                    Paragraph(f"{m.naf_code} {m.naf_label}", cell),
                    Paragraph(f"{m.departement_name} ({m.departement_code})", cell),
                    str(m.headcount),
                    Paragraph(m.project_category, cell),
                    euros(m.plan.total_cost),
                    euros(m.plan.grant),
                    euros(m.plan.loan),
                ]
            )
        story.append(Table(rows, colWidths=widths, repeatRows=1, style=GRID))
    story.append(NextPageTemplate("p"))
    for number, m in enumerate(members, 1):
        plan = m.plan
        lines = max(len(plan.uses), len(plan.sources))
        plan_rows = [["Emplois", "Montant", "Ressources", "Montant"]] + [
            [
                Paragraph(plan.uses[i].label, cell) if i < len(plan.uses) else "",
                euros(plan.uses[i].amount) if i < len(plan.uses) else "",
                Paragraph(plan.sources[i].label, cell) if i < len(plan.sources) else "",
                euros(plan.sources[i].amount) if i < len(plan.sources) else "",
            ]
            for i in range(lines)
        ]
        story += [
            PageBreak(),
            Paragraph(
                f"Annexe {number} {m.company_name}".replace("&", "&amp;"), styles["Heading1"]
            ),
            Table(
                [
                    ["Référence", m.request_reference],
                    ["SIRET", m.siret],
                    ["NAF", m.naf_code],
                    ["Département", m.departement_name],
                    ["Effectif", str(m.headcount)],
                    ["Catégorie", m.sme_category],
                    ["Création", m.created_on.isoformat()],
                    ["Forme", m.legal_form],
                    ["Région", m.region_name],
                ],
                style=GRID,
            ),
            Paragraph(m.project_category, body),
            Paragraph(m.project_description, body),
            Table(
                [["Fournisseur", "SIRET", "Date", "Montant"]]
                + [
                    [
                        Paragraph(q.supplier, cell),
                        q.siret,
                        q.quoted_on.isoformat(),
                        euros(q.amount_excl_vat),
                    ]
                    for q in m.quotes
                ],
                style=GRID,
            ),
            Table(plan_rows, style=GRID),
            Table(
                [["Organisme", "Régime", "Date", "Montant"]]
                + [
                    [
                        Paragraph(a.granting_body, cell),
                        Paragraph(a.regulation, cell),
                        a.granted_on.isoformat(),
                        euros(a.amount),
                    ]
                    for a in m.de_minimis.prior_aids
                ]
                + [["Total", "", "", euros(m.de_minimis.total_over_window)]],
                style=GRID,
            ),
            Table(
                [["Pièce", "Fichier", "Taille", "SHA-256"]]
                + [
                    [
                        Paragraph(d.kind, cell),
                        Paragraph(d.filename, cell),
                        str(d.size),
                        d.sha256[:16],
                    ]
                    for d in m.documents
                ],
                style=GRID,
            ),
        ]
    story.append(PageBreak())
    rows = [["N°", "Entreprise", "PME", "De minimis", "Mandat"]] + [
        [
            str(n),
            Paragraph(m.company_name.replace("&", "&amp;"), cell),
            Paragraph(m.sme_category, cell),
            Paragraph(f"{m.de_minimis.declared_by} {m.de_minimis.declared_on}", cell),
            Paragraph(f"{m.mandate.signed_by} {m.mandate.signed_on}", cell),
        ]
        for n, m in enumerate(members, 1)
    ]
    for start in range(1, len(rows), 100):
        story.append(Table([rows[0], *rows[start : start + 100]], repeatRows=1, style=GRID))
    doc.build(story)
    return buffer.getvalue()


AMOUNT = '#,##0.00 "€"'


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in rows:
        sheet.append(row)


def _typed(sheet_holder, value, fmt):
    cell = WriteOnlyCell(sheet_holder, value)
    cell.number_format = fmt
    return cell


def bare_member_row(ws, number, m):
    plan, dm = m.plan, m.de_minimis
    return [
        number,
        m.request_reference,
        m.company_name,
        m.siren,
        m.siret,
        m.legal_form,
        _typed(ws, m.created_on, "DD/MM/YYYY"),
        m.naf_code,
        m.naf_label,
        m.nafa_code,
        m.departement_code,
        m.departement_name,
        m.region_code,
        m.region_name,
        _typed(ws, m.headcount, "0.00"),
        m.sme_category,
        m.project_category,
        _typed(ws, plan.total_cost, AMOUNT),
        _typed(ws, plan.grant, AMOUNT),
        _typed(ws, plan.loan, AMOUNT),
        _typed(ws, plan.own_funds, AMOUNT),
        _typed(ws, plan.total_uses, AMOUNT),
        _typed(ws, plan.total_sources, AMOUNT),
        _typed(ws, dm.total_over_window, AMOUNT),
        _typed(ws, dm.ceiling, AMOUNT),
        _typed(ws, dm.declared_on, "DD/MM/YYYY"),
        m.mandate.signed_by,
        _typed(ws, m.mandate.signed_on, "DD/MM/YYYY"),
        len(m.documents),
    ]


MEMBER_HEADER = [f"c{i}" for i in range(29)]


def bare_xlsx(snapshot: DossierSnapshot) -> bytes:
    workbook = Workbook(write_only=True)
    members = snapshot.members
    totals = snapshot.totals
    summary = workbook.create_sheet("Synthèse")
    for label, value in (
        ("Coût", totals.total_cost),
        ("Subventions", totals.grant),
        ("Prêts", totals.loan),
        ("Fonds propres", totals.own_funds),
    ):
        summary.append([label, _typed(summary, value, AMOUNT)])
    sheet = workbook.create_sheet("Membres")
    sheet.freeze_panes = "A2"
    sheet.append(MEMBER_HEADER)
    for number, m in enumerate(members, 1):
        sheet.append(bare_member_row(sheet, number, m))
    _sheet(
        workbook,
        "Plans",
        ["ref", "siret", "nom", "nature", "poste", "montant"],
        (
            [m.request_reference, m.siret, m.company_name, side, line.label, line.amount]
            for m in members
            for side, lines in (("Emploi", m.plan.uses), ("Ressource", m.plan.sources))
            for line in lines
        ),
    )
    _sheet(
        workbook,
        "Devis",
        ["ref", "siret", "nom", "fournisseur", "siret", "date", "objet", "montant"],
        (
            [
                m.request_reference,
                m.siret,
                m.company_name,
                q.supplier,
                q.siret,
                q.quoted_on,
                q.description,
                q.amount_excl_vat,
            ]
            for m in members
            for q in m.quotes
        ),
    )
    _sheet(
        workbook,
        "Aides",
        ["ref", "siret", "nom", "organisme", "régime", "date", "montant"],
        (
            [
                m.request_reference,
                m.siret,
                m.company_name,
                a.granting_body,
                a.regulation,
                a.granted_on,
                a.amount,
            ]
            for m in members
            for a in m.de_minimis.prior_aids
        ),
    )
    _sheet(
        workbook,
        "Pièces",
        ["ref", "siret", "nom", "pièce", "fichier", "émise", "expire", "taille", "sha256"],
        (
            [
                m.request_reference,
                m.siret,
                m.company_name,
                d.kind,
                d.filename,
                d.issued_on,
                d.expires_on,
                d.size,
                d.sha256,
            ]
            for m in members
            for d in m.documents
        ),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_rows_xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Membres")
    sheet.freeze_panes = "A2"
    sheet.append(MEMBER_HEADER)
    for number, m in rows:
        sheet.append(bare_member_row(sheet, number, m))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_zip(snapshot: DossierSnapshot, documents, pdf: bytes, xlsx: bytes, day: date) -> bytes:
    buffer = io.BytesIO()
    files = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("dossier.pdf", pdf), ("annexe.xlsx", xlsx)] + [
            (f"pieces/{reference}/{filename.rsplit('/', 1)[-1]}", data)
            for reference, filename, data in documents
        ]:
            archive.writestr(name, data)
            files.append(
                {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
        archive.writestr("manifest.json", json.dumps({"files": files}, indent=2))
    return buffer.getvalue()
