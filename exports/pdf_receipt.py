"""The SME's deposit receipt: ``render_receipt_pdf(receipt) -> bytes``.

One page that proves what was submitted and when: the request reference, the date and
time of submission (Paris time), the company, the amounts asked for, the declarations and
the documents (with the start of their SHA-256), then the next steps. Its footer carries
the receipt's fingerprint (SHA-256 of the receipt snapshot's canonical JSON), so a
printed receipt can be matched with the platform's records. Deterministic, like the
dossier: the same snapshot gives the same bytes.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, ListFlowable, ListItem, Spacer

from dossiers.formatting import format_date
from exports.formatting import PARIS, format_datetime, format_size
from exports.pdf_base import PORTRAIT_WIDTH, Styles, amount, build_pdf, key_values, para, table
from exports.snapshot import ReceiptSnapshot, fingerprint


def render_receipt_pdf(receipt: ReceiptSnapshot) -> bytes:
    """Render the one-page deposit receipt of a submitted funding request."""
    submitted = receipt.submitted_at
    if submitted.tzinfo is not None:
        submitted = submitted.astimezone(PARIS)
    return build_pdf(
        _story(receipt),
        title=f"Accusé de dépôt — demande {receipt.request_reference}",
        author=receipt.lead_partner_name,
        subject=receipt.campaign_name,
        footer=f"Accusé de dépôt {receipt.request_reference}",
        fingerprint=fingerprint(receipt),
        build_date=submitted.date(),
    )


def _story(receipt: ReceiptSnapshot) -> list[Flowable]:
    w = PORTRAIT_WIDTH
    widths = (w * 0.32, w * 0.68)
    value = Styles.cell
    documents: list[list[object]] = [["Pièce", "Fichier", "Émise le", "Taille", "SHA-256 (début)"]]
    for doc in receipt.documents:
        documents.append(
            [
                doc.kind,
                doc.filename,
                format_date(doc.issued_on),
                format_size(doc.size),
                doc.sha256[:16],
            ]
        )
    if not receipt.documents:
        documents.append([para("Aucune pièce déposée."), "", "", "", ""])
    mandate = (
        f"signé le {format_date(receipt.mandate_signed_on)}"
        if receipt.mandate_signed_on
        else "à signer"
    )
    return [
        para("Accusé de dépôt", Styles.title),
        para(f"Demande {receipt.request_reference}", Styles.subtitle),
        para(
            f"Votre demande de financement a bien été déposée le "
            f"{format_datetime(receipt.submitted_at)} (heure de Paris). Conservez cet accusé : "
            "il récapitule ce que vous avez transmis.",
            Styles.body,
        ),
        para("Entreprise et campagne", Styles.h2),
        key_values(
            [
                ("Entreprise", receipt.company_name),
                ("SIREN / SIRET", f"{receipt.siren} / {receipt.siret}"),
                ("Campagne", receipt.campaign_name),
                ("Chef de file", receipt.lead_partner_name),
                ("Financeur", receipt.funder_name),
                ("Programme", receipt.programme),
            ],
            widths,
        ),
        para("Ce que vous avez déposé", Styles.h2),
        key_values(
            [
                ("Projet", para(receipt.project_category, Styles.cell_bold)),
                ("Description", para(receipt.project_description, value)),
                ("Coût total HT", amount(receipt.total_cost)),
                ("Subvention sollicitée", amount(receipt.grant)),
                ("Prêt sollicité", amount(receipt.loan)),
                ("Apport en fonds propres", amount(receipt.own_funds)),
                (
                    "Déclaration de minimis",
                    f"signée le {format_date(receipt.de_minimis_declared_on)}",
                ),
                ("Mandat au chef de file", mandate),
            ],
            widths,
        ),
        Spacer(1, 3 * mm),
        table(documents, (w * 0.25, w * 0.3, w * 0.12, w * 0.11, w * 0.22), right_columns=(3,)),
        para("Prochaines étapes", Styles.h2),
        ListFlowable(
            [
                ListItem(para(step, Styles.body), value=i)
                for i, step in enumerate(_steps(receipt), 1)
            ],
            bulletType="1",
            bulletFontName=Styles.body.fontName,
            bulletFontSize=Styles.body.fontSize,
        ),
    ]


def _steps(receipt: ReceiptSnapshot) -> list[str]:
    steps = [
        f"{receipt.lead_partner_name} examine votre demande et peut vous demander des "
        "compléments ; vous en serez informé par courriel et sur votre espace.",
        "Votre demande rejoint ensuite un dossier collectif présenté au financeur avec "
        "celles d’autres entreprises. Vous restez seul emprunteur et seul bénéficiaire de "
        "l’aide qui vous est attribuée.",
        "Le financeur rend une décision pour chaque entreprise ; vous suivez l’état de votre "
        "demande et du dossier collectif sur votre espace.",
        "Vos pièces doivent rester valables jusqu’à la présentation du dossier : un extrait "
        "Kbis de moins de 3 mois, des attestations fiscales et sociales à jour.",
    ]
    if receipt.contact_email:
        steps.append(
            f"Une question ? Écrivez à {receipt.contact_email} en rappelant la "
            f"référence {receipt.request_reference}."
        )
    return steps
