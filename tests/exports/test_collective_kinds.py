"""A grant collective and a lender bundle of the same two-line members: each package carries
exactly its line, and its totals are the same in the PDF, the XLSX, the manifest and the
API (docs/rules.md#package-contents)."""

import hashlib
import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from accounts.models import Organisation
from api.tokens import issue_token
from dossiers.formatting import euros
from exports.adapters import collect_bundle, sealed_on
from exports.build import build_bundle_documents, render_documents
from exports.package import MANIFEST
from grouping.bundles import seal_bundle
from grouping.models import Bundle, GroupingPolicy
from grouping.runs import run_grouping
from tests.api.conftest import caller
from tests.exports.test_build_documents import pdf_text, plain, read
from tests.factories import FunderFactory
from tests.grouping.builders import campaign_with_policy, officer_of, reviewed_request

pytestmark = pytest.mark.django_db

GRANTS, LOANS = (Decimal("5000.00"), Decimal("3000.00")), (Decimal("12000.00"), Decimal("15000.00"))


@pytest.fixture
def collectives():
    """Two members, each with a grant and a loan, in a grant collective and a lender bundle."""
    campaign = campaign_with_policy(guarantor="bpifrance", guarantee_share=Decimal("70"))
    authority = FunderFactory(
        name="Autorité de gestion FEDER", funder_kind=Organisation.FunderKind.EU_PROGRAMME
    )
    campaign.funders.add(authority)
    GroupingPolicy.objects.create(
        campaign=campaign,
        kind="grant",
        funder=authority,
        trade_level="subclass",
        territory_level="departement",
        widening=[["subclass", "region"]],
        min_members=2,
        max_members=10,
    )
    officer = officer_of(campaign)
    requests = [
        reviewed_request(campaign, officer=officer, grant=str(grant), loan=str(loan))
        for grant, loan in zip(GRANTS, LOANS, strict=True)
    ]
    enterprise = requests[0].enterprise
    enterprise.equity, enterprise.figures_year = Decimal("40000.00"), 2025
    enterprise.save()
    built = {}
    for kind in ("grant", "loan"):
        run_grouping(campaign, actor=None, kind=kind)
        bundle = Bundle.objects.get(campaign=campaign, kind=kind, state="draft")
        built[kind] = build_bundle_documents(seal_bundle(bundle, actor=officer))
    return requests, built


def manifest_of(build) -> dict:
    with zipfile.ZipFile(io.BytesIO(read(build.package))) as archive:
        return json.loads(archive.read(MANIFEST))


def summary_of(build) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(read(build.xlsx)))["Synthèse"]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}


def member_rows(build) -> list[dict]:
    rows = list(openpyxl.load_workbook(io.BytesIO(read(build.xlsx)))["Membres"].values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    ("kind", "amounts", "title"),
    [
        ("grant", GRANTS, "Opération collective — subventions FEDER"),
        ("loan", LOANS, "Dossier prêteur"),
    ],
)
def test_each_collective_carries_exactly_its_line_with_the_same_totals_everywhere(
    collectives, kind, amounts, title
):
    requests, built = collectives
    build = built[kind]
    bundle = Bundle.objects.get(pk=build.bundle_id)
    line_total = sum(amounts, Decimal("0.00"))
    grant_total = line_total if kind == "grant" else Decimal("0.00")
    loan_total = line_total if kind == "loan" else Decimal("0.00")

    # The API (the federation reads its own bundle).
    lead = caller(issue_token(organisation=bundle.campaign.federation, name="SI", scopes=["read"]))
    body = lead.get(f"/api/v1/bundles/{bundle.reference}/").json()
    assert (body["kind"], body["grant_total"], body["loan_total"]) == (
        kind,
        f"{grant_total:.2f}",
        f"{loan_total:.2f}",
    )
    assert [m["asked"] for m in body["members"]] == [f"{a:.2f}" for a in amounts]

    # The manifest: totals, and a canonical collective whose SHA-256 anyone recomputes.
    manifest = manifest_of(build)
    assert manifest["kind"] == kind and manifest["title"] == title
    assert manifest["totals"]["grant_total"] == body["grant_total"]
    assert manifest["totals"]["loan_total"] == body["loan_total"]
    assert manifest["totals"]["cost_total"] == body["cost_total"]
    assert manifest["totals"]["member_count"] == body["member_count"] == 2
    canonical = manifest["collective"].encode()
    assert hashlib.sha256(canonical).hexdigest() == manifest["collective_sha256"]
    rebuilt = {
        "reference": body["reference"],
        "kind": body["kind"],
        "funder": body["funder"],
        "key": body["key_description"],
        "members": [
            {"siret": m["enterprise"]["siret"], "line": m["line"], "amount": m["asked"]}
            for m in sorted(body["members"], key=lambda m: m["request"])
        ],
    }
    assert (
        json.dumps(rebuilt, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        == (manifest["collective"])
    )

    # The XLSX: the same totals, each member's row with its line only.
    summary = summary_of(build)
    assert summary["Nature du dossier"] == title
    assert Decimal(str(summary["Subventions sollicitées"])) == grant_total
    assert Decimal(str(summary["Prêts sollicités"])) == loan_total
    rows = member_rows(build)
    assert [Decimal(str(r["Montant sollicité"])) for r in rows] == list(amounts)
    assert {r["Ligne portée"] for r in rows} == {"Subvention" if kind == "grant" else "Prêt"}

    # The PDF: the title and the same totals.
    text = pdf_text(read(build.pdf))
    assert title in text
    assert f"Subventions sollicitées {plain(euros(grant_total))}" in text
    assert f"Prêts sollicités {plain(euros(loan_total))}" in text
    assert (
        f"Total (2 membres) {plain(euros(Decimal(body['cost_total'])))} " + plain(euros(line_total))
        in text
    )


def test_a_lender_bundle_says_the_loan_terms_guarantee_and_figures_asked(collectives):
    requests, built = collectives
    rows = {r["Référence de la demande"]: r for r in member_rows(built["loan"])}
    first = rows[requests[0].reference]
    assert (first["Exercice des chiffres"], first["Capitaux propres"]) == (2025, 40000)
    assert first["Prêt ≤ capitaux propres"] == "Oui"  # 12 000 € asked, 40 000 € of equity
    assert first["Chiffre d’affaires"] == float(requests[0].enterprise.turnover)
    assert (first["Garant demandé"], first["Quotité garantie demandée (%)"]) == ("Bpifrance", 70)
    assert rows[requests[1].reference]["Capitaux propres"] is None
    text = pdf_text(read(built["loan"].pdf))
    assert "Garantie demandée Bpifrance, quotité 70 %" in text
    assert "Chiffres de l’entreprise (exercice 2025)" in text
    assert "Répartition par activité (division NAF)" in text and "Répartition par région" in text


def test_a_grant_collective_carries_no_loan_terms(collectives):
    _, built = collectives
    assert "Garant demandé" not in member_rows(built["grant"])[0]
    assert "Garantie demandée" not in pdf_text(read(built["grant"].pdf))


@pytest.mark.parametrize("kind", ["grant", "loan"])
def test_rebuilding_either_kind_gives_byte_identical_files(collectives, kind):
    _, built = collectives
    build = built[kind]
    bundle = Bundle.objects.get(pk=build.bundle_id)
    with render_documents(collect_bundle(bundle, build_date=sealed_on(bundle))) as rendered:
        rendered.package.seek(0)
        again = (rendered.pdf, rendered.xlsx, rendered.package.read())
    assert again == (read(build.pdf), read(build.xlsx), read(build.package))
