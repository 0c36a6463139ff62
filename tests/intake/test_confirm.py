"""Confirming applies exactly what was previewed, once; anything changed since is refused."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dossiers.models import Enterprise, FundingRequest
from dossiers.workflow import Conflict
from intake.apply import confirm_import
from intake.models import ImportedChange
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory, make_request
from tests.intake.sheets import siret, upload

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "SIRET;Raison sociale;Forme juridique;Date de création;APE;Département;Effectif;CA;Bilan"


def _sheet(tmp_path, *lines, name="adherents.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _line(s, name="Traiteur Blanc", turnover="450 000"):
    return f"{s};{name};SARL;01/03/2015;1071C;23;4;{turnover};300 000"


@pytest.fixture
def officer():
    return UserFactory(officer=True)


def test_a_member_already_in_the_campaign_is_updated_and_the_history_keeps_both_values(
    tmp_path, officer
):
    campaign = CampaignFactory(federation=officer.organisation)
    known = make_request(campaign=campaign, complete=False).enterprise
    member_import = upload(
        campaign, _sheet(tmp_path, _line(known.siret, known.name, "512 000")), officer
    )
    assert member_import.counts == {"new": 0, "update": 1, "unchanged": 0, "error": 0}

    confirm_import(member_import, actor=officer, expected_sha256=member_import.snapshot_sha256)

    known.refresh_from_db()
    assert str(known.turnover) == "512000.00" and known.version == 2
    change = ImportedChange.objects.get(action="updated")
    assert change.values == {"turnover": ["450000.00", "512000.00"]}
    assert change.actor == officer and change.member_import == member_import
    assert FundingRequest.objects.filter(enterprise=known).count() == 1  # its draft is kept


def test_an_enterprise_changed_after_the_preview_stops_the_confirm_and_nothing_is_applied(
    tmp_path, officer
):
    campaign = CampaignFactory(federation=officer.organisation)
    known = make_request(campaign=campaign, complete=False).enterprise
    sheet = _sheet(tmp_path, _line(siret(1)), _line(known.siret, known.name, "512 000"))
    member_import = upload(campaign, sheet, officer)
    Enterprise.objects.filter(pk=known.pk).update(version=known.version + 1)  # the SME edits

    with pytest.raises(Conflict, match="modifiée depuis l'aperçu"):
        confirm_import(member_import, actor=officer, expected_sha256=member_import.snapshot_sha256)

    assert not Enterprise.objects.filter(siret=siret(1)).exists()  # nothing half-applied
    assert not ImportedChange.objects.exists()


def test_a_hash_that_is_not_the_preview_s_is_refused(tmp_path, officer):
    campaign = CampaignFactory(federation=officer.organisation)
    member_import = upload(campaign, _sheet(tmp_path, _line(siret(1))), officer)
    with pytest.raises(Conflict, match="n'est plus celui"):
        confirm_import(member_import, actor=officer, expected_sha256="f" * 64)
    assert not Enterprise.objects.exists()


def test_an_sme_registered_by_someone_else_is_not_changed_by_a_federation_s_import(
    tmp_path, officer
):
    campaign = CampaignFactory(federation=officer.organisation)
    elsewhere = EnterpriseFactory()
    member_import = upload(campaign, _sheet(tmp_path, _line(elsewhere.siret)), officer)
    row = member_import.rows()[0]
    assert row["status"] == "error"
    assert row["errors"][0]["column"] == "A"
    assert "déjà inscrite" in row["errors"][0]["reason"]


def test_the_command_previews_with_dry_run_and_applies_without(tmp_path, officer, capsys):
    campaign = CampaignFactory(federation=officer.organisation)
    sheet = _sheet(tmp_path, _line(siret(1)), _line(siret(2)[:-1] + "0", "Clé fausse"))

    call_command("import_members", str(sheet), "--campaign", campaign.reference, "--dry-run",
                 "--json")  # fmt: skip
    dry = json.loads(capsys.readouterr().out)
    assert dry["counts"] == {"new": 1, "update": 0, "unchanged": 0, "error": 1}
    assert dry["errors"][0]["row"] == 3 and dry["errors"][0]["column"] == "A"
    assert "applied" not in dry and not Enterprise.objects.exists()

    call_command("import_members", str(sheet), "--campaign", campaign.reference)
    out = capsys.readouterr().out
    assert "row 3, column A" in out and "enterprises_created 1" in out
    assert Enterprise.objects.get().siret == siret(1)

    with pytest.raises(CommandError, match="No campaign"):
        call_command("import_members", str(sheet), "--campaign", "NOPE")
