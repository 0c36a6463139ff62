"""The dated parameter table: the value in force on a day, per funder, never overlapping."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dossiers import workflow
from dossiers.models import MissingParameter, SchemeParameter
from tests.factories import FunderFactory, make_request

pytestmark = pytest.mark.django_db
P = SchemeParameter.Key


def close_general_row(key: str, on: date) -> None:
    SchemeParameter.objects.filter(key=key, funder=None, valid_to__isnull=True).update(valid_to=on)


def test_a_value_valid_from_a_future_date_is_not_used_today():
    today = timezone.localdate()
    close_general_row(P.GRANT_CAP, today + timedelta(days=29))
    SchemeParameter.objects.create(
        key=P.GRANT_CAP, value=Decimal(15_000), valid_from=today + timedelta(days=30)
    )

    assert SchemeParameter.value_on(P.GRANT_CAP, today) == Decimal(10_000)
    assert SchemeParameter.value_on(P.GRANT_CAP, today + timedelta(days=30)) == Decimal(15_000)


def test_a_value_that_ended_is_not_used_after_its_end():
    today = timezone.localdate()
    close_general_row(P.GRANT_CAP, today - timedelta(days=1))

    with pytest.raises(MissingParameter):
        SchemeParameter.value_on(P.GRANT_CAP, today)
    assert SchemeParameter.value_on(P.GRANT_CAP, today - timedelta(days=1)) == Decimal(10_000)


def test_a_funder_specific_value_overrides_the_general_one():
    bank, other_bank = FunderFactory(), FunderFactory()
    SchemeParameter.objects.create(
        key=P.LENDER_MINIMUM, funder=bank, value=Decimal(30_000), valid_from=date(2024, 1, 1)
    )
    today = timezone.localdate()

    assert SchemeParameter.value_on(P.LENDER_MINIMUM, today, funder=bank) == Decimal(30_000)
    assert SchemeParameter.value_on(P.LENDER_MINIMUM, today, funder=other_bank) == Decimal(20_000)
    assert SchemeParameter.value_on(P.LENDER_MINIMUM, today) == Decimal(20_000)


def test_a_missing_parameter_says_which_one_and_who_must_enter_it():
    SchemeParameter.objects.filter(key=P.KBIS_VALIDITY_DAYS).delete()

    with pytest.raises(MissingParameter) as caught:
        SchemeParameter.value_on(P.KBIS_VALIDITY_DAYS, date(2026, 11, 23))

    assert str(caught.value) == (
        "Aucune valeur du paramètre « Validité d'un extrait Kbis (jours) » n'est en vigueur le "
        "23/11/2026. Un administrateur doit la saisir dans la table des paramètres."
    )


def test_an_overlapping_period_is_refused():
    overlapping = SchemeParameter(
        key=P.GRANT_CAP, value=Decimal(12_000), valid_from=date(2026, 1, 1), valid_to=None
    )

    with pytest.raises(ValidationError) as caught:
        overlapping.full_clean()

    assert caught.value.messages == [
        "Une autre valeur de ce paramètre est déjà valable sur une partie de la période."
    ]


def test_a_following_period_or_another_funder_does_not_overlap():
    close_general_row(P.GRANT_CAP, date(2026, 12, 31))

    SchemeParameter(
        key=P.GRANT_CAP, value=Decimal(12_000), valid_from=date(2027, 1, 1)
    ).full_clean()
    SchemeParameter(
        key=P.GRANT_CAP, funder=FunderFactory(), value=Decimal(8_000), valid_from=date(2024, 1, 1)
    ).full_clean()


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationError):
        SchemeParameter(
            key=P.GRANT_CAP,
            funder=FunderFactory(),
            value=Decimal(1),
            valid_from=date(2027, 1, 1),
            valid_to=date(2026, 1, 1),
        ).full_clean()


def test_the_guards_read_the_value_in_force_on_the_day():
    today = timezone.localdate()
    close_general_row(P.GRANT_CAP, today - timedelta(days=1))
    SchemeParameter.objects.create(key=P.GRANT_CAP, value=Decimal(8_000), valid_from=today)
    request = make_request()  # asks for a 10 000 € grant

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    assert caught.value.problems == [
        "Subvention demandée 10\u202f000,00\u00a0€ au-dessus du plafond par entreprise de "
        "8\u202f000,00\u00a0€."
    ]
