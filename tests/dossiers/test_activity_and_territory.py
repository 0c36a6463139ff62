"""NAF and NAFA codes must exist; départements give their 2016 région.

See docs/rules.md#naf and docs/rules.md#territory.
"""

import pytest
from django.core.exceptions import ValidationError

from dossiers.nomenclature import departements, naf_codes, regions
from dossiers.validators import validate_departement, validate_naf_code, validate_nafa_code
from tests.factories import EnterpriseFactory


def message(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages[0]


def test_the_nomenclature_has_every_naf_rev2_level():
    codes = naf_codes().values()
    assert len(codes) == 732
    assert len({c.class_code for c in codes}) == 615
    assert len({c.group for c in codes}) == 272
    assert len({c.division for c in codes}) == 88
    assert len({c.section for c in codes}) == 21


@pytest.mark.parametrize("code", ["6201Z", "62.01", "62.01z", "62-01Z", "", "A2.01Z"])
def test_it_rejects_a_naf_code_in_the_wrong_format(code):
    assert message(validate_naf_code, code) == (
        f"« {code} » n'est pas un code NAF : format attendu 62.01Z."
    )


def test_it_rejects_a_well_formed_naf_code_that_does_not_exist():
    assert message(validate_naf_code, "99.99Z") == (
        "Le code NAF 99.99Z n'existe pas dans la nomenclature NAF rév. 2."
    )


@pytest.mark.django_db
def test_a_valid_naf_code_gives_its_section_division_group_and_class():
    enterprise = EnterpriseFactory(naf_code="62.01Z")

    assert (
        enterprise.naf_section,
        enterprise.naf_division,
        enterprise.naf_group,
        enterprise.naf_class,
    ) == ("J", "62", "62.0", "62.01")
    assert enterprise.naf_label == "Programmation informatique"
    assert enterprise.naf_version == "NAFRev2"


def test_a_nafa_code_extends_an_existing_naf_code():
    validate_nafa_code("10.71CA")
    validate_nafa_code("")  # optional

    assert message(validate_nafa_code, "10.71C") == (
        "« 10.71C » n'est pas un code NAFA : format attendu 10.71CA."
    )
    assert message(validate_nafa_code, "99.99ZA") == (
        "Le code NAF 99.99Z n'existe pas dans la nomenclature NAF rév. 2."
    )


@pytest.mark.django_db
def test_a_nafa_code_must_extend_the_enterprise_naf_code():
    enterprise = EnterpriseFactory.build(naf_code="10.71C", nafa_code="43.22AA")

    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()

    assert caught.value.message_dict == {"nafa_code": ["Le code NAFA doit prolonger le code NAF."]}


def test_there_are_101_departements_in_18_regions():
    assert len(departements()) == 101
    regions_2016 = ["01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52",
                    "53", "75", "76", "84", "93", "94"]  # fmt: skip
    assert sorted(regions()) == regions_2016


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("departement", "region"),
    [("2A", "94"), ("2B", "94"), ("971", "01"), ("976", "06"), ("75", "11"), ("23", "75")],
)
def test_the_region_is_derived_from_the_departement_on_the_2016_map(departement, region):
    assert EnterpriseFactory(departement=departement).region == region


@pytest.mark.parametrize("code", ["20", "975", "977", "98", "96", "1", "2C", ""])
def test_it_rejects_what_is_not_a_departement(code):
    assert message(validate_departement, code) == (
        f"« {code} » n'est pas un département français (01–95, 2A, 2B, 971–974, 976)."
    )
