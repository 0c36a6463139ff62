"""A federation imports its member sheet through the API: upload, preview, confirm."""

import io

import pytest
from openpyxl import load_workbook

from dossiers.models import Enterprise
from tests.intake.sheets import siret

pytestmark = pytest.mark.django_db

SHEET = (
    "Liste des adhérents\n\nSIRET;Raison sociale;Forme juridique;Date de création;APE;"
    "Département;Effectif;CA;Bilan;E-mail\n"
    f"{siret(1)};Garage Petit;SARL;01/03/2015;4520A;23;3;300 000;100 000;petit@example.org\n"
    f"{siret(2)[:-1]}0;Erreur;SARL;01/03/2015;4520A;23;3;300 000;100 000;\n"
).encode()


def _upload(caller, campaign, data=SHEET, name="adherents.csv"):
    return caller.client.post(
        f"/api/v1/campaigns/{campaign.reference}/imports/",
        {"file": _named(data, name)},
        format="multipart",
        headers={"Authorization": f"Bearer {caller.raw}"},
    )


def _named(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_federation_uploads_previews_and_confirms_an_import(
    fed, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        started = _upload(fed, campaign)
    assert started.status_code == 202, started.json()
    pk = started.json()["import_id"]

    preview = fed.get(f"/api/v1/imports/{pk}/").json()
    assert preview["state"] == "previewed"
    assert preview["counts"] == {"new": 1, "update": 0, "unchanged": 0, "error": 1}
    assert preview["errors"][0]["row"] == 5 and preview["errors"][0]["column"] == "A"
    report = fed.get(f"/api/v1/imports/{pk}/errors.xlsx")
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(report.content))
    assert book["Erreurs"]["A2"].value == 5
    assert not Enterprise.objects.exists()

    stale = fed.post(f"/api/v1/imports/{pk}/confirm/", {"sha256": "0" * 64})
    assert stale.status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = fed.post(f"/api/v1/imports/{pk}/confirm/", {"sha256": preview["sha256"]})
    assert confirmed.status_code == 202
    assert Enterprise.objects.get().name == "Garage Petit"
    assert fed.get(f"/api/v1/imports/{pk}/").json()["state"] == "applied"
    assert [m.to for m in mailoutbox] == [["petit@example.org"]]


def test_another_federation_s_import_answers_404(
    fed, other_fed, campaign, other_campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pk = _upload(fed, campaign).json()["import_id"]
    assert other_fed.get(f"/api/v1/imports/{pk}/").status_code == 404
    assert other_fed.post(f"/api/v1/imports/{pk}/confirm/", {"sha256": "x"}).status_code == 404
    assert other_fed.get(f"/api/v1/imports/{pk}/errors.xlsx").status_code == 404
    assert _upload(other_fed, campaign).status_code == 404


def test_a_funder_cannot_import(bank, campaign):
    assert _upload(bank, campaign).status_code in (403, 404)


def test_a_file_that_is_not_a_sheet_is_refused_with_a_reason(fed, campaign):
    response = _upload(fed, campaign, data=b"%PDF-1.4\x00\x00", name="adherents.pdf")
    assert response.status_code == 400
    assert ".xlsx, .ods ou .csv" in str(response.json())
