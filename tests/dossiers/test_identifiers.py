"""SIREN and SIRET: length, digits, Luhn key, La Poste's exception, fakes.

See docs/rules.md#siren-siret.
"""

import pytest
from django.core.exceptions import ValidationError

from dossiers.validators import validate_siren, validate_siret
from tests.factories import EnterpriseFactory

LUHN = "Le SIRET est invalide : sa clé de contrôle (Luhn) ne correspond pas."


def message(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages[0]


@pytest.mark.parametrize("siren", ["732829320", "552081317", "356000000"])
def test_it_accepts_a_valid_siren(siren):
    validate_siren(siren)


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",
        "35600000000048",  # La Poste's head office: an ordinary Luhn number
        "35600000049837",  # a La Poste establishment: digit sum 45, a multiple of 5
        "35600000000001",  # digit sum 15: valid for La Poste though Luhn fails
    ],
)
def test_it_accepts_a_valid_siret_including_la_poste(siret):
    validate_siret(siret)


def test_it_rejects_a_la_poste_establishment_whose_digit_sum_is_not_a_multiple_of_5():
    assert message(validate_siret, "35600000012345") == LUHN


def test_it_rejects_a_number_that_passes_luhn_but_is_fake():
    # Luhn holds over the 14 digits, but the SIREN part 111222333 fails its own key.
    assert message(validate_siret, "11122233344455") == LUHN


@pytest.mark.parametrize(
    ("validator", "value", "expected"),
    [
        (validate_siren, "73282932", "Le SIREN doit comporter exactement 9 chiffres."),
        (validate_siren, "7328293200", "Le SIREN doit comporter exactement 9 chiffres."),
        (validate_siren, "73282932A", "Le SIREN ne doit contenir que des chiffres."),
        (validate_siren, "732829321", "Le SIREN est invalide : sa clé de contrôle (Luhn) "
                                      "ne correspond pas."),
        (validate_siret, "7328293200007", "Le SIRET doit comporter exactement 14 chiffres."),
        (validate_siret, "7328293200007X", "Le SIRET ne doit contenir que des chiffres."),
        (validate_siret, "73282932000075", LUHN),
    ],
)  # fmt: skip
def test_it_explains_what_is_wrong(validator, value, expected):
    assert message(validator, value) == expected


@pytest.mark.django_db
def test_the_siret_must_start_with_the_enterprise_siren():
    enterprise = EnterpriseFactory.build(siren="552081317", siret="73282932000074")

    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()

    assert caught.value.message_dict == {
        "siret": ["Le SIRET doit commencer par le SIREN de l'entreprise."]
    }


@pytest.mark.django_db
def test_a_siret_of_the_enterprise_siren_is_accepted():
    EnterpriseFactory.build(siren="732829320", siret="73282932000074").full_clean()
