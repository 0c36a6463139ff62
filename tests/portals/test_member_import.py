"""A federation officer imports the campaign's member sheet from the portal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Enterprise
from intake.models import MemberImport
from tests.factories import CampaignFactory, UserFactory
from tests.intake.sheets import siret

pytestmark = pytest.mark.django_db(transaction=True)

SHEET = (
    "Adhérents\nSIRET;Raison sociale;Forme juridique;Date de création;APE;Département;"
    f"Effectif;CA;Bilan\n{siret(5)};Menuiserie Roux;SARL;01/03/2015;1623Z;23;3;300000;100000\n"
    f"123;Faux;SARL;01/03/2015;1623Z;23;3;300000;100000\n"
).encode()


def test_an_officer_uploads_reads_the_preview_and_confirms_it(client):
    officer = UserFactory(officer=True)
    campaign = CampaignFactory(federation=officer.organisation)
    client.force_login(officer)
    upload = client.get(f"/federation/campagnes/{campaign.reference}/import/")
    assert upload.status_code == 200

    sent = client.post(
        f"/federation/campagnes/{campaign.reference}/import/",
        {"file": SimpleUploadedFile("adherents.csv", SHEET, content_type="text/csv")},
    )
    assert sent.status_code == 302
    member_import = MemberImport.objects.get()
    page = client.get(sent["Location"]).content.decode()
    assert "un SIRET a 14 chiffres, pas 3" in page
    assert member_import.snapshot_sha256 in page  # the confirm button carries the hash

    # The officer reads the « Raison sociale » column as ignored: saved, and the sheet re-read.
    remapped = client.post(
        f"/federation/campagnes/{campaign.reference}/import/{member_import.pk}/colonnes/",
        {"column-B": ""},
    )
    assert remapped.status_code == 302
    relisted = MemberImport.objects.exclude(pk=member_import.pk).get()
    assert relisted.state == MemberImport.State.FAILED  # no name column left: said plainly
    assert "Raison sociale" in relisted.error
    client.post(
        f"/federation/campagnes/{campaign.reference}/import/{relisted.pk}/colonnes/",
        {"column-B": "name"},
    )  # a failed import cannot be remapped from its page: the saved choice stays
    from intake.models import ColumnMapping

    assert ColumnMapping.objects.get().headers["raison sociale"] == ""

    confirmed = client.post(
        f"/federation/campagnes/{campaign.reference}/import/{member_import.pk}/confirmer/",
        {"sha256": MemberImport.objects.get(pk=member_import.pk).snapshot_sha256},
    )
    assert confirmed.status_code == 302
    assert Enterprise.objects.get().name == "Menuiserie Roux"
    member_import.refresh_from_db()
    assert member_import.state == MemberImport.State.APPLIED
