"""The catalogue imports and exports as JSON; a bad file is refused row by row with its
reasons, and nothing of it is loaded."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from aids.catalogue import CatalogueRefused, export_catalogue, import_catalogue
from aids.models import AidScheme
from tests.aids.golden import CATALOGUE

SHIPPED = json.loads(CATALOGUE.read_text(encoding="utf-8"))


def _row(**changes) -> dict:
    row = copy.deepcopy(SHIPPED["aids"][0])
    row.update(changes)
    return row


@pytest.mark.django_db
def test_the_shipped_catalogue_loads_and_exports_back_as_it_was_read():
    result = import_catalogue(CATALOGUE.read_bytes())
    assert result.created == len(SHIPPED["aids"])
    exported = export_catalogue()
    assert exported["format"] == "grappe-aides/1"
    assert sorted(exported["aids"], key=lambda r: r["slug"]) == sorted(
        SHIPPED["aids"], key=lambda r: r["slug"]
    )
    assert import_catalogue(exported).updated == len(SHIPPED["aids"])


@pytest.mark.django_db
def test_a_bad_file_is_refused_row_by_row_and_nothing_is_loaded():
    good = _row(slug="bonne-aide")
    bad_insee = _row(slug="mauvais-territoire", perimeter=[{"scale": "department", "code": "20"}])
    bad_naf = _row(slug="mauvais-naf")
    bad_naf["grappe_criteria"] = {**bad_naf["grappe_criteria"], "naf_include": ["99.99"]}
    bad_dates = _row(
        slug="dates-inversees", start_date="2026-06-01", submission_deadline="2026-01-31"
    )
    with pytest.raises(CatalogueRefused) as refused:
        import_catalogue({"aids": [good, bad_insee, bad_naf, bad_dates]})
    assert refused.value.errors == [
        "Aide n° 2 (mauvais-territoire) — perimeter : code INSEE de département inconnu « 20 »",
        "Aide n° 3 (mauvais-naf) — grappe_criteria.naf_include : préfixe NAF inconnu « 99.99 »",
        "Aide n° 4 (dates-inversees) — submission_deadline : clôture (2026-01-31) avant "
        "l'ouverture (2026-06-01)",
    ]
    assert not AidScheme.objects.exists()


@pytest.mark.django_db
def test_a_region_code_that_does_not_exist_and_a_duplicate_slug_are_both_reported():
    rows = [_row(perimeter=[{"scale": "region", "code": "99"}]), _row()]
    with pytest.raises(CatalogueRefused) as refused:
        import_catalogue(rows)
    assert refused.value.errors == [
        "Aide n° 1 (cheque-france-num-2021) — perimeter : code INSEE de région inconnu « 99 »",
        "Aide n° 2 (cheque-france-num-2021) — slug : déjà utilisé par l'aide n° 1",
    ]


@pytest.mark.django_db
def test_a_refused_file_leaves_the_existing_catalogue_untouched():
    import_catalogue(CATALOGUE.read_bytes())
    before = export_catalogue()["aids"]
    changed = _row(name="Nouveau nom", submission_deadline="2020-01-01")
    with pytest.raises(CatalogueRefused):
        import_catalogue([changed], replace=True)
    assert export_catalogue()["aids"] == before


def test_unreadable_json_is_refused_with_a_reason():
    with pytest.raises(CatalogueRefused) as refused:
        import_catalogue(b"{not json")
    assert refused.value.errors[0].startswith("Fichier JSON illisible")


@pytest.mark.django_db
def test_the_import_command_says_why_and_loads_nothing(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"aids": [_row(aid_types=["lottery"])]}), encoding="utf-8")
    with pytest.raises(CommandError, match="aid_types : un seul type"):
        call_command("import_aids", str(path))
    assert not AidScheme.objects.exists()
    call_command("import_aids")  # the shipped catalogue
    assert AidScheme.objects.filter(is_illustrative=True).count() == 3


@pytest.mark.django_db
def test_replace_removes_the_schemes_absent_from_the_file():
    import_catalogue(CATALOGUE.read_bytes())
    result = import_catalogue([_row()], replace=True)
    assert (result.updated, result.removed) == (1, len(SHIPPED["aids"]) - 1)
    assert list(AidScheme.objects.values_list("slug", flat=True)) == ["cheque-france-num-2021"]
