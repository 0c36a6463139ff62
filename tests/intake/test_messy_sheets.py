"""A member sheet kept by hand for years, saved by LibreOffice as .xlsx and .ods, imports.

Title rows, French headers, SIRETs as numbers or with spaces, APE codes in every spelling,
amounts as text with €, dates as dates, serials or text, a blank line, a totals row and a
half-empty e-mail column: every good row is read, every bad one is named by row and column.
"""

from datetime import date
from decimal import Decimal

import pytest

from dossiers.models import Enterprise, FundingRequest
from intake.apply import confirm_import
from intake.models import ImportedChange, MemberImport
from tests.factories import CampaignFactory, UserFactory
from tests.intake.sheets import libreoffice_sheet, siret, upload

pytestmark = pytest.mark.django_db(transaction=True)

S1, S2, S3, S4 = siret(1), siret(2), siret(3), siret(4)
BAD = S4[:-1] + str((int(S4[-1]) + 1) % 10)  # one digit changed: the Luhn key fails

LINES = [
    "Fédération des boulangers de la Creuse — liste des adhérents",
    "Extraction du 01/12/2026;;;;",
    "",
    "N° SIRET;Raison sociale;Forme juridique;Date de création;Code APE;Code postal;"
    "Effectif;Chiffre d'affaires (€);Total bilan;Courriel",
    f"{S1};Boulangerie Martin;SARL;03/02/2019;1071C;23000;3;450000;210 000;martin@example.org",
    f"{S2[:3]} {S2[3:6]} {S2[6:9]} {S2[9:]};Fournil Dupont;SAS;43499;10.71C;23200;2,5;"
    "1 234,56 €;80000;",
    "",
    f"{S3};Pâtisserie Bernard;EURL;2018-06-15;10 71 C;87000;1;95 000,00;40000;",
    f"{BAD};Mauvais SIRET;SARL;01/01/2020;1071C;23000;1;1000;1000;bad@example.org",
    f"{S4};Code inconnu;SARL;01/01/2020;9999Z;23000;1;1000;1000;",
    "Total;;;;;;7,5;547 234,56;331000;",
]


@pytest.fixture(params=["xlsx", "ods"])
def messy(request, tmp_path):
    return libreoffice_sheet(LINES, request.param, tmp_path)


@pytest.fixture
def officer():
    return UserFactory(officer=True)


def _by_row(member_import):
    return {row["row"]: row for row in member_import.rows()}


def test_a_messy_sheet_is_previewed_row_by_row_with_the_faulty_cells_named(messy, officer):
    campaign = CampaignFactory(federation=officer.organisation)
    member_import = upload(campaign, messy, officer)

    assert member_import.state == MemberImport.State.PREVIEWED, member_import.error
    assert member_import.header_row == 4
    assert member_import.counts == {"new": 3, "update": 0, "unchanged": 0, "error": 2}, [
        r for r in member_import.rows() if r["errors"]
    ]
    rows = _by_row(member_import)
    assert sorted(rows) == [5, 6, 8, 9, 10]  # the blank line and the totals row are skipped
    assert [rows[n]["siret"] for n in (5, 6, 8)] == [S1, S2, S3]
    assert rows[9]["status"] == "error"
    assert rows[9]["errors"][0]["column"] == "A"
    assert "Luhn" in rows[9]["errors"][0]["reason"]
    assert rows[10]["errors"] == [
        {
            "field": "naf_code",
            "column": "E",
            "header": "Code APE",
            "reason": "le code NAF 99.99Z n'existe pas dans la nomenclature NAF rév. 2",
        }
    ]
    assert Enterprise.objects.count() == 0  # a dry run writes nothing


def test_confirming_imports_the_good_rows_with_their_values_read_the_french_way(messy, officer):
    campaign = CampaignFactory(federation=officer.organisation)
    member_import = upload(campaign, messy, officer)

    counts = confirm_import(
        member_import, actor=officer, expected_sha256=member_import.snapshot_sha256
    )

    assert counts["enterprises_created"] == 3 and counts["requests_created"] == 3
    martin, dupont, bernard = (Enterprise.objects.get(siret=s) for s in (S1, S2, S3))
    assert martin.creation_date == date(2019, 2, 3)
    assert dupont.creation_date == date(2019, 2, 3)  # serial 43499 in the 1900 system
    assert bernard.creation_date == date(2018, 6, 15)
    assert {martin.naf_code, dupont.naf_code, bernard.naf_code} == {"10.71C"}
    assert dupont.turnover == Decimal("1234.56") and dupont.headcount == Decimal("2.50")
    assert bernard.turnover == Decimal("95000.00") and martin.balance_sheet == Decimal("210000")
    assert bernard.departement == "87" and martin.departement == "23"
    assert not Enterprise.objects.filter(siret__in=[BAD, S4]).exists()
    drafts = FundingRequest.objects.filter(campaign=campaign)
    assert drafts.count() == 3 and {d.state for d in drafts} == {"draft"}
    assert [u.email for u in martin.representatives.all()] == ["martin@example.org"]
    assert not dupont.representatives.exists()  # no e-mail on that line
    history = ImportedChange.objects.filter(member_import=member_import)
    assert [(c.sheet_row, c.action) for c in history] == [
        (5, "created"),
        (6, "created"),
        (8, "created"),
    ]
    first = history[0]
    assert first.values["naf_code"] == [None, "10.71C"]
    assert first.values["representative"] == [None, "martin@example.org"]
    assert first.request.enterprise == martin and first.actor == officer


def test_confirming_twice_or_importing_the_same_file_again_changes_nothing_more(
    messy, officer, mailoutbox
):
    campaign = CampaignFactory(federation=officer.organisation)
    first = upload(campaign, messy, officer)
    counts = confirm_import(first, actor=officer, expected_sha256=first.snapshot_sha256)
    again = confirm_import(first, actor=officer, expected_sha256=first.snapshot_sha256)
    assert again == counts
    invitations = len(mailoutbox)
    assert invitations == 1 and mailoutbox[0].to == ["martin@example.org"]

    second = upload(campaign, messy, officer)
    assert second.counts == {"new": 0, "update": 0, "unchanged": 3, "error": 2}
    confirm_import(second, actor=officer, expected_sha256=second.snapshot_sha256)

    assert Enterprise.objects.count() == 3
    assert FundingRequest.objects.count() == 3
    assert ImportedChange.objects.filter(member_import=second).count() == 0
    assert len(mailoutbox) == invitations
