"""The other shapes a member file arrives in: CSV from Excel or LibreOffice, a 1904 workbook,
a sheet written by a script (formulas without values), a mapping saved by the federation."""

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from dossiers.models import Enterprise
from intake.apply import confirm_import
from intake.models import MemberImport
from intake.services import save_mapping
from tests.factories import CampaignFactory, UserFactory
from tests.intake.sheets import convert, siret, upload

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["SIRET", "Raison sociale", "Forme juridique", "Date de création", "APE",
          "Département", "Effectif", "CA", "Bilan"]  # fmt: skip


def member(n, name="Café des Arts", created="03/02/2019"):
    return [siret(n), name, "SARL", created, "5630Z", "23", "2", "120 000,00", "50 000"]


@pytest.fixture
def officer():
    return UserFactory(officer=True)


def _csv(rows, *, delimiter, encoding, bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(";", "cp1252", False), (";", "utf-8", True), (",", "utf-8", False), ("\t", "utf-8", True)],
)
def test_a_csv_is_read_whatever_its_encoding_and_separator(
    tmp_path, officer, delimiter, encoding, bom
):
    campaign = CampaignFactory(federation=officer.organisation)
    path = tmp_path / "adherents.csv"
    path.write_bytes(_csv([HEADER, member(1, "Crêperie Éloïse")], delimiter=delimiter,
                          encoding=encoding, bom=bom))  # fmt: skip
    member_import = upload(campaign, path, officer)
    assert member_import.counts["new"] == 1, member_import.rows()
    confirm_import(member_import, actor=officer, expected_sha256=member_import.snapshot_sha256)
    assert Enterprise.objects.get().name == "Crêperie Éloïse"


def test_a_formula_looking_name_is_stored_as_text_and_neutralised_in_the_error_report(
    tmp_path, officer
):
    campaign = CampaignFactory(federation=officer.organisation)
    path = tmp_path / "adherents.csv"
    rows = [
        HEADER,
        member(1, '=HYPERLINK("http://evil.example","x")'),
        [siret(2)[:-1] + "0", "@SUM(A1)", "SARL", "01/01/2020", "5630Z", "23", "1", "1", "1"],
    ]
    path.write_bytes(_csv(rows, delimiter=";", encoding="utf-8"))  # fmt: skip
    member_import = upload(campaign, path, officer)
    confirm_import(member_import, actor=officer, expected_sha256=member_import.snapshot_sha256)
    assert Enterprise.objects.get().name.startswith("=HYPERLINK")

    from openpyxl import load_workbook

    from intake.report import error_report

    book = load_workbook(io.BytesIO(error_report(member_import)))
    faulty = list(book["Lignes en erreur"].iter_rows(values_only=True))
    assert faulty[1][2] == "'@SUM(A1)"  # neutralised: never a formula in the report


def test_a_1904_workbook_s_serial_dates_are_read_in_its_own_system_in_xlsx_and_ods(
    tmp_path, officer
):
    campaign = CampaignFactory(federation=officer.organisation)
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([*member(1)[:3], 42037, *member(1)[4:]])  # a serial typed as a number
    made = tmp_path / "mac.xlsx"
    book.save(made)
    # LibreOffice opens the 1904 workbook and saves it in both formats, as a federation would.
    lo_dir = tmp_path / "lo"
    lo_dir.mkdir()
    for path in (convert(made, "xlsx", lo_dir), convert(made, "ods", lo_dir)):
        Enterprise.objects.all().delete()
        member_import = upload(campaign, path, officer)
        assert member_import.counts["new"] == 1, (path.suffix, member_import.rows())
        row = member_import.rows()[0]
        assert row["enterprise"]["creation_date"] == "2019-02-03", path.suffix


def test_a_formula_saved_without_its_value_is_flagged_with_its_row_and_column(tmp_path, officer):
    campaign = CampaignFactory(federation=officer.organisation)
    book = Workbook()  # openpyxl, like many scripts, writes formulas without computed values
    sheet = book.active
    sheet.append(["Adhérents 2026"])
    sheet.append(HEADER)
    sheet.append([*member(1)[:7], "=100000*1.2", member(1)[8]])
    sheet.append(member(2, "Bar du Port"))
    path = tmp_path / "script.xlsx"
    book.save(path)

    member_import = upload(campaign, path, officer)

    rows = {row["row"]: row for row in member_import.rows()}
    assert rows[3]["status"] == "error"
    assert rows[3]["errors"][0]["column"] == "H"
    assert "formule sans valeur" in rows[3]["errors"][0]["reason"]
    assert rows[4]["status"] == "new"  # a bad row never stops the good ones


def test_a_federation_s_saved_column_mapping_is_used_for_its_next_file(tmp_path, officer):
    campaign = CampaignFactory(federation=officer.organisation)
    save_mapping(officer.organisation, {"Identifiant établissement": "siret", "Enseigne": "name"})
    path = tmp_path / "maison.csv"
    own = ["Identifiant établissement", "Enseigne", *HEADER[2:]]
    path.write_bytes(_csv([own, member(3)], delimiter=";", encoding="utf-8"))
    member_import = upload(campaign, path, officer)
    assert member_import.state == MemberImport.State.PREVIEWED, member_import.error
    assert member_import.counts["new"] == 1
    assert member_import.columns[0] == {"column": "A", "header": own[0], "field": "siret"}


def test_a_sheet_without_a_siret_column_is_refused_with_a_plain_reason(tmp_path, officer):
    campaign = CampaignFactory(federation=officer.organisation)
    path = tmp_path / "sans.csv"
    path.write_bytes(_csv([["Nom", "Ville"], ["A", "B"]], delimiter=";", encoding="utf-8"))
    member_import = upload(campaign, path, officer)
    assert member_import.state == MemberImport.State.FAILED
    assert "SIRET" in member_import.error
    assert date.today()  # nothing else was written
    assert not Enterprise.objects.exists()
