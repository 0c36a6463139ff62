"""Hostile identifiers and file names: all-zero SIRET/SIREN, Unicode digits, names too long
or carrying paths (docs/rules.md#identifiers)."""

import pytest
from django.core.exceptions import ValidationError

from dossiers.demo import tiny_pdf
from dossiers.uploads import NAME_MAX_CHARS, safe_name, store_upload
from dossiers.validators import validate_siren, validate_siret
from tests.api import payloads

pytestmark = pytest.mark.django_db


def test_an_all_zero_siret_and_siren_are_refused():
    for validate, value, kind in (
        (validate_siret, "00000000000000", "SIRET"),
        (validate_siren, "000000000", "SIREN"),
    ):
        with pytest.raises(ValidationError) as caught:
            validate(value)
        assert caught.value.messages == [f"Le {kind} ne peut pas être composé uniquement de zéros."]


def test_an_all_zero_siret_posted_to_the_api_is_a_400_on_that_field(fed, campaign):
    data = payloads.prefill(campaign)
    data["enterprise"]["siret"] = "00000000000000"
    data["enterprise"]["siren"] = "000000000"

    response = fed.post("/api/v1/requests/", data)

    assert response.status_code == 400
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert "enterprise.siret" in fields


@pytest.mark.parametrize("digits", ["٣٦٢٥٢١٨٧٩٠٠٠٣٤", "３６２５２１８７９０００３４"])
def test_a_siret_in_other_scripts_digits_is_refused(digits):
    with pytest.raises(ValidationError):
        validate_siret(digits)


def test_a_name_cut_to_the_limit_keeps_its_extension():
    long_name = "devis-" + "x" * 300 + ".pdf"

    kept = safe_name(long_name)

    assert len(kept) == NAME_MAX_CHARS
    assert kept.endswith(".pdf")
    stored = store_upload(long_name, tiny_pdf())
    assert stored.original_name == kept
    assert stored.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\claire\\kbis.pdf", "kbis.pdf"),
        ("", "document"),
        ("a." + "b" * 300, "a." + "b" * 198),  # a "suffix" too long to be an extension
    ],
)
def test_hostile_names_keep_only_a_last_part(name, kept):
    assert safe_name(name) == kept
