"""The financing plan balances to the cent; the grant stays under its cap and aid rate."""

from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.guards import balance_problem, plan_problems, plan_warnings
from dossiers.plan import PlanLine, set_financing_plan
from tests.factories import make_request

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"  # before the € sign
NNBSP = "\u202f"  # between thousands


def submit_problems(request) -> list[str]:
    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)
    return caught.value.problems


def replan(request, uses, sources):
    return set_financing_plan(
        request,
        actor=None,
        uses=[PlanLine(k, k, Decimal(a)) for k, a in uses],
        sources=[PlanLine(k, k, Decimal(a)) for k, a in sources],
    )


def test_a_gap_of_one_cent_is_unbalanced_and_the_message_gives_the_gap():
    assert balance_problem(Decimal("1000.00"), Decimal("999.99")) == (
        f"Le plan de financement n'est pas équilibré : besoins 1{NNBSP}000,00{NBSP}€, "
        f"ressources 999,99{NBSP}€ (écart -0,01{NBSP}€)."
    )
    assert balance_problem(Decimal("1000.00"), Decimal("1000.00")) is None


def test_it_refuses_to_submit_a_plan_one_cent_short():
    request = make_request()
    replan(
        request,
        uses=[("intangible", "24000.00")],
        sources=[("grant", "10000.00"), ("loan", "12000.00"), ("own_funds", "1999.99")],
    )

    assert submit_problems(request) == [
        f"Le plan de financement n'est pas équilibré : besoins 24{NNBSP}000,00{NBSP}€, "
        f"ressources 23{NNBSP}999,99{NBSP}€ (écart -0,01{NBSP}€)."
    ]


def test_the_plan_totals_are_recomputed_and_working_capital_is_not_eligible():
    request = replan(
        make_request(),
        uses=[("intangible", "9000.00"), ("tangible", "1000.50"), ("working_capital", "2000")],
        sources=[("grant", "5000.00"), ("loan", "5000.00"), ("own_funds", "2000.50")],
    )

    assert (
        request.total_cost,
        request.eligible_cost,
        request.grant_amount,
        request.loan_amount,
        request.own_funds,
        request.total_sources,
    ) == tuple(Decimal(v) for v in ("12000.50", "10000.50", "5000", "5000", "2000.50", "12000.50"))
    assert plan_problems(request, timezone.localdate()) == []


def test_it_refuses_a_grant_above_the_cap_per_enterprise():
    request = make_request(
        cost=Decimal("30000.00"), grant=Decimal("10000.01"), loan=Decimal("12000.00")
    )

    assert submit_problems(request) == [
        f"Subvention demandée 10{NNBSP}000,01{NBSP}€ au-dessus du plafond par entreprise de "
        f"10{NNBSP}000,00{NBSP}€."
    ]


def test_a_grant_exactly_at_the_cap_is_accepted():
    request = make_request(cost=Decimal("30000.00"), grant=Decimal("10000.00"))

    assert workflow.perform(request, "submit", actor=None).state == "submitted"


def test_it_refuses_a_grant_above_the_aid_rate_of_the_eligible_cost():
    request = replan(
        make_request(),
        uses=[("intangible", "10000.00"), ("working_capital", "5000.00")],
        sources=[("grant", "5000.01"), ("own_funds", "9999.99")],
    )

    assert submit_problems(request) == [
        f"Subvention demandée 5{NNBSP}000,01{NBSP}€ au-dessus de 50 % du coût éligible HT "
        f"(5{NNBSP}000,00{NBSP}€)."
    ]


def test_a_grant_exactly_at_the_aid_rate_is_accepted():
    request = replan(
        make_request(),
        uses=[("intangible", "10000.00"), ("working_capital", "5000.00")],
        sources=[("grant", "5000.00"), ("own_funds", "10000.00")],
    )

    assert workflow.perform(request, "submit", actor=None).state == "submitted"


def test_a_bank_loan_above_70_percent_of_the_investment_is_a_warning_not_a_refusal():
    request = make_request(
        cost=Decimal("20000.00"), grant=Decimal("5000.00"), loan=Decimal("14000.01")
    )
    today = timezone.localdate()

    assert plan_warnings(request, today) == [
        f"Le prêt bancaire (14{NNBSP}000,01{NBSP}€) dépasse 70 % de l'investissement "
        f"(20{NNBSP}000,00{NBSP}€)."
    ]
    assert workflow.perform(request, "submit", actor=None).state == "submitted"
