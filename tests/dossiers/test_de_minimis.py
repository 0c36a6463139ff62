"""The de minimis ceiling over the rolling window, per sector (docs/rules.md#de-minimis)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.de_minimis import PriorAid, aid_in_window, ceiling_problem
from dossiers.models import DeMinimisAid, Enterprise, SchemeParameter
from tests.factories import EnterpriseFactory, make_request

GRANT_DATE = date(2026, 11, 23)
NBSP = "\u00a0"  # before the € sign
NNBSP = "\u202f"  # between thousands


def received(*granted_on: date, grant_date: date = GRANT_DATE) -> Decimal:
    aids = [PriorAid(Decimal(1000), day) for day in granted_on]
    return aid_in_window(aids, grant_date, 3)


def test_an_aid_granted_exactly_three_years_before_the_grant_date_no_longer_counts():
    assert received(date(2023, 11, 23)) == 0


def test_an_aid_granted_the_day_after_counts():
    assert received(date(2023, 11, 24)) == 1000


def test_an_aid_on_the_grant_date_counts_and_a_later_one_does_not():
    assert received(GRANT_DATE, GRANT_DATE + timedelta(days=1)) == 1000


def test_on_29_february_the_window_starts_after_28_february():
    leap = date(2028, 2, 29)
    assert received(date(2025, 2, 28), grant_date=leap) == 0
    assert received(date(2025, 3, 1), grant_date=leap) == 1000


def test_exactly_at_the_ceiling_is_accepted():
    aids = [PriorAid(Decimal("290000.00"), date(2025, 1, 1))]
    assert (
        ceiling_problem(
            aids=aids,
            new_aid=Decimal("10000.00"),
            grant_date=GRANT_DATE,
            years=3,
            ceiling=Decimal(300_000),
        )
        is None
    )


def test_crossing_the_ceiling_refuses_the_whole_aid():
    aids = [PriorAid(Decimal("290000.01"), date(2025, 1, 1))]

    problem = ceiling_problem(
        aids=aids,
        new_aid=Decimal("10000"),
        grant_date=GRANT_DATE,
        years=3,
        ceiling=Decimal(300_000),
    )

    assert problem == (
        f"Plafond de minimis dépassé : 290{NNBSP}000,01{NBSP}€ d'aides reçues sur 3 ans "
        f"+ 10{NNBSP}000,00{NBSP}€ demandés = 300{NNBSP}000,01{NBSP}€ > 300{NNBSP}000,00{NBSP}€. "
        "L'aide entière serait refusée, pas seulement l'excédent."
    )


SECTORS = [
    (Enterprise.Sector.GENERAL, Decimal(300_000)),
    (Enterprise.Sector.AGRICULTURE, Decimal(50_000)),
    (Enterprise.Sector.FISHERY, Decimal(40_000)),
    (Enterprise.Sector.SGEI, Decimal(750_000)),
]
GRANT = Decimal("10000.00")  # what make_request asks


@pytest.mark.django_db
@pytest.mark.parametrize(("sector", "ceiling"), SECTORS)
def test_each_sector_may_reach_its_ceiling_exactly(sector, ceiling):
    request = make_request(enterprise=EnterpriseFactory(sector=sector), prior_aid=ceiling - GRANT)

    assert workflow.perform(request, "submit", actor=None).state == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize(("sector", "ceiling"), SECTORS)
def test_each_sector_refuses_one_cent_above_its_ceiling(sector, ceiling):
    request = make_request(
        enterprise=EnterpriseFactory(sector=sector), prior_aid=ceiling - GRANT + Decimal("0.01")
    )

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    [problem] = caught.value.problems
    assert problem.startswith("Plafond de minimis dépassé : ")
    assert problem.endswith("L'aide entière serait refusée, pas seulement l'excédent.")


@pytest.mark.django_db
def test_a_declaration_of_no_aid_that_lists_aid_is_refused():
    request = make_request(prior_aid=Decimal(1000))
    request.de_minimis.no_aid_received = True
    request.de_minimis.save()

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    assert caught.value.problems == [
        "La déclaration de minimis dit « aucune aide » mais en liste : corrigez-la."
    ]


@pytest.mark.django_db
def test_the_window_length_comes_from_the_parameter_table():
    today = timezone.localdate()
    request = make_request(prior_aid=Decimal("290000.01"))  # granted 400 days ago
    DeMinimisAid.objects.filter(declaration__request=request).update(
        granted_on=today - timedelta(days=2 * 365 + 100)
    )
    with pytest.raises(workflow.Refused):
        workflow.perform(request, "submit", actor=None)

    SchemeParameter.objects.filter(key="de_minimis_window_years").update(
        valid_to=today - timedelta(days=1)
    )
    SchemeParameter.objects.create(key="de_minimis_window_years", value=2, valid_from=today)

    assert workflow.perform(request, "submit", actor=None).state == "submitted"
