"""Deterministic sample snapshots with realistic French data for the export tests.

Member 0 and 1 carry the awkward characters (é è ç œ « » €, a leading-zero SIREN); member 2
has a company name that tries a spreadsheet formula injection. Larger bundles repeat a
pattern driven by the member index, so a 5 000-member bundle is the same every run.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal

from dossiers.guards import loan_warnings
from exports.snapshot import (
    Address,
    CollectiveKind,
    DeMinimisDeclaration,
    DossierSnapshot,
    EnterpriseFigures,
    FinancingPlan,
    Funder,
    FunderKind,
    Guarantee,
    LeadPartner,
    LoanAsked,
    Mandate,
    MemberSnapshot,
    PlanLine,
    PriorAid,
    ReceiptSnapshot,
    SupplierQuote,
    SupportingDocument,
)

BUILD_DATE = date(2026, 11, 23)
INJECTION = '=HYPERLINK("http://exemple.invalid/paye","Cliquez ici")'

_NAMES = (
    "Boulangerie « Œuvre & Pain » SARL",
    "Pâtisserie Les Délices de Guéret",
    INJECTION,
    "Au Fournil d’Aubusson",
    "Maison Chéreau — pains & viennoiseries",
    "Le Blé d’Évaux-les-Bains",
    "+33 Boulange Solidaire",
    "Boulangerie Garçon-Lefèvre",
)
_DEPARTEMENTS = (
    ("23", "Creuse", "75", "Nouvelle-Aquitaine"),
    ("87", "Haute-Vienne", "75", "Nouvelle-Aquitaine"),
    ("19", "Corrèze", "75", "Nouvelle-Aquitaine"),
)
_LEGAL_FORMS = ("SARL", "SAS", "EURL", "Entreprise individuelle")
_PROJECTS = (
    (
        "Site internet et boutique en ligne",
        "Création d’un site vitrine avec commande en ligne et retrait en boutique (« click & "
        "collect »), paiement sécurisé, fiche Google et formation du personnel à la mise à "
        "jour du catalogue.",
    ),
    (
        "Logiciel de caisse et de gestion",
        "Remplacement de la caisse enregistreuse par un logiciel certifié NF525 relié à la "
        "gestion des stocks et de la production ; sauvegarde chiffrée des données.",
    ),
    (
        "Cybersécurité",
        "Audit de sécurité, pare-feu, sauvegardes externalisées et sensibilisation des "
        "salariés à l’hameçonnage.",
    ),
)


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit to ``digits``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return digits + str((10 - total % 10) % 10)


def siren_for(index: int) -> str:
    # Index 0 gives a SIREN with a leading zero, to prove it survives every format.
    return luhn_complete(f"{(index * 7919 + 1234567) % 100_000_000:08d}")


def siret_for(index: int) -> str:
    return luhn_complete(f"{siren_for(index)}{(index % 97) + 1:04d}")


def document_bytes(reference: str, kind: str) -> bytes:
    return f"%PDF-1.4\n% pièce « {kind} » de la demande {reference}\n".encode() * 8


def _documents(reference: str) -> tuple[SupportingDocument, ...]:
    specs = (
        ("Extrait Kbis", "kbis.pdf", date(2026, 10, 2), date(2027, 1, 2)),
        ("RIB au nom de l’entreprise", "RIB société.pdf", date(2026, 3, 14), None),
        ("Devis fournisseur", "devis n°1.pdf", date(2026, 9, 30), date(2026, 12, 30)),
        ("Déclaration de minimis", "../../etc/de_minimis.pdf", date(2026, 10, 5), None),
    )
    documents = []
    for kind, filename, issued, expires in specs:
        content = document_bytes(reference, kind)
        documents.append(
            SupportingDocument(
                kind=kind,
                filename=filename,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                issued_on=issued,
                expires_on=expires,
            )
        )
    return tuple(documents)


def sample_member(index: int, kind: CollectiveKind = CollectiveKind.GRANT) -> MemberSnapshot:
    """Member ``index``; every fifth asks a loan above 70 % of its investment (a warning),
    every third gives no equity."""
    reference = f"DEM-2026-{index + 1:05d}"
    name = _NAMES[index % len(_NAMES)]
    if index >= len(_NAMES):
        name = f"{name} n°{index + 1}"
    dep_code, dep_name, reg_code, reg_name = _DEPARTEMENTS[index % len(_DEPARTEMENTS)]
    category, description = _PROJECTS[index % len(_PROJECTS)]
    software = Decimal(15000 + (index * 137) % 9000) + Decimal(index % 100) / 100
    hardware = Decimal(3000 + (index * 61) % 4000)
    training = Decimal("1250.50")
    total = software + hardware + training
    grant = min(Decimal("10000.00"), (total * Decimal("0.40")).quantize(Decimal("0.01")))
    own_funds = (total * Decimal("0.15")).quantize(Decimal("0.01")) + index % 7 * 100
    if index % 5 == 4:
        grant, own_funds = Decimal("2000.00"), Decimal("0.00")
    loan = total - grant - own_funds
    plan = FinancingPlan(
        uses=(
            PlanLine("Investissements immatériels (logiciels, site, prestations)", software),
            PlanLine("Investissements matériels (hors TVA récupérable)", hardware),
            PlanLine("Formation des salariés", training),
        ),
        sources=(
            PlanLine("Apport en fonds propres", own_funds),
            PlanLine("Subvention FEDER sollicitée", grant),
            PlanLine("Prêt bancaire sollicité", loan),
        ),
        total_cost=total,
        grant=grant,
        loan=loan,
        own_funds=own_funds,
    )
    prior = (
        PriorAid(
            "Région Nouvelle-Aquitaine",
            "Règlement (UE) 2023/2831",
            date(2025, 3, 12),
            Decimal("4500.00"),
        ),
        PriorAid("Bpifrance", "Règlement (UE) 2023/2831", date(2024, 6, 1), Decimal("1200.00")),
    )[: index % 3]
    return MemberSnapshot(
        request_reference=reference,
        company_name=name,
        siren=siren_for(index),
        siret=siret_for(index),
        legal_form=_LEGAL_FORMS[index % len(_LEGAL_FORMS)],
        created_on=date(2008 + index % 15, 1 + index % 12, 1 + index % 28),
        naf_code="10.71C",
        naf_label="Boulangerie et boulangerie-pâtisserie",
        nafa_code="10.71CZ" if index % 2 == 0 else None,
        departement_code=dep_code,
        departement_name=dep_name,
        region_code=reg_code,
        region_name=reg_name,
        headcount=Decimal(1 + index % 9) + Decimal("0.5") * (index % 2),
        sme_category="Micro-entreprise (TPE)",
        project_category=category,
        project_description=description,
        quotes=(
            SupplierQuote(
                supplier="Agence Numérique du Limousin",
                siret="81234567800021",
                quoted_on=date(2026, 9, 30),
                amount_excl_vat=software,
                description=category,
            ),
            SupplierQuote(
                supplier="Informatique Œil-de-Bœuf",
                siret="09876543200017",
                quoted_on=date(2026, 10, 3),
                amount_excl_vat=hardware,
            ),
        ),
        plan=plan,
        de_minimis=DeMinimisDeclaration(
            prior_aids=prior,
            window_start=date(2023, 11, 23),
            window_end=date(2026, 11, 22),
            total_over_window=sum((aid.amount for aid in prior), Decimal("0.00")),
            ceiling=Decimal("300000.00"),
            regulation="Règlement (UE) 2023/2831",
            declared_by="Camille Lefèvre",
            declared_on=date(2026, 10, 5),
        ),
        mandate=Mandate(
            signed_by="Camille Lefèvre", signatory_role="Gérante", signed_on=date(2026, 10, 6)
        ),
        documents=_documents(reference),
        line=kind,
        amount=grant if kind == CollectiveKind.GRANT else loan,
        naf_division="10",
        naf_division_label="Industries alimentaires",
        figures=EnterpriseFigures(
            headcount=Decimal(1 + index % 9) + Decimal("0.5") * (index % 2),
            turnover=Decimal(180000 + index * 1000),
            balance_sheet=Decimal(95000 + index * 500),
            equity=None if index % 3 == 0 else Decimal(9000 + index * 2000),
            year=2025,
        ),
        loan_asked=LoanAsked(duration_months=60 + 12 * (index % 3), deferral_months=index % 2 * 6),
        warnings=tuple(loan_warnings(loan, total, Decimal("0.70"))),
    )


BANK = Funder(
    name="Banque Populaire Aquitaine Centre Atlantique",
    kind=FunderKind.BANK,
    programme="Prêt numérique TPE garanti",
)


def sample_dossier(
    members: int = 3,
    build_date: date = BUILD_DATE,
    kind: CollectiveKind = CollectiveKind.GRANT,
) -> DossierSnapshot:
    """A grant collective sent to an EU managing authority, or (``kind`` LOAN) a lender
    bundle sent to a bank with a Bpifrance guarantee asked."""
    lender = kind == CollectiveKind.LOAN
    return DossierSnapshot(
        reference="GRP-2026-0042",
        campaign_name="Transition numérique des boulangeries creusoises — 2026",
        lead_partner=LeadPartner(
            name="Fédération des artisans boulangers-pâtissiers de la Creuse",
            siren="775671356",
            address=Address("12, place Bonnyaud", "23000", "Guéret"),
        ),
        funder=BANK
        if lender
        else Funder(
            name="Région Nouvelle-Aquitaine — autorité de gestion FEDER-FSE+",
            kind=FunderKind.EU_PROGRAMME,
            programme="Programme FEDER-FSE+ 2021-2027, OS 1.2 « Numérique des TPE »",
        ),
        grouping_key="Boulangerie-pâtisserie (10.71C) × Creuse (23)",
        build_date=build_date,
        members=tuple(sample_member(i, kind) for i in range(members)),
        kind=kind,
        guarantee=Guarantee("Bpifrance", Decimal("70.00")) if lender else None,
    )


def sample_documents(snapshot: DossierSnapshot) -> list[tuple[str, str, bytes]]:
    """The supporting documents' bytes, as the package renderer takes them."""
    return [
        (member.request_reference, doc.filename, document_bytes(member.request_reference, doc.kind))
        for member in snapshot.members
        for doc in member.documents
    ]


def sample_receipt() -> ReceiptSnapshot:
    member = sample_member(0)
    return ReceiptSnapshot(
        request_reference=member.request_reference,
        submitted_at=datetime(2026, 10, 6, 13, 5, tzinfo=UTC),
        company_name=member.company_name,
        siren=member.siren,
        siret=member.siret,
        campaign_name="Transition numérique des boulangeries creusoises — 2026",
        lead_partner_name="Fédération des artisans boulangers-pâtissiers de la Creuse",
        funder_name="Région Nouvelle-Aquitaine — autorité de gestion FEDER-FSE+",
        programme="Programme FEDER-FSE+ 2021-2027, OS 1.2 « Numérique des TPE »",
        project_category=member.project_category,
        project_description=member.project_description,
        total_cost=member.plan.total_cost,
        grant=member.plan.grant,
        loan=member.plan.loan,
        own_funds=member.plan.own_funds,
        de_minimis_declared_on=member.de_minimis.declared_on,
        mandate_signed_on=member.mandate.signed_on,
        documents=member.documents,
        contact_email="contact@boulangers-creuse.example",
    )
