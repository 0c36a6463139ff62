"""Extreme sizes: a plan of tens of thousands of lines is refused with a clear error, never
a database error (docs/rules.md#financing-plan-size)."""

import json

import pytest
from django.core.exceptions import ValidationError

from dossiers.models import FundingRequest
from dossiers.plan import PlanLine, set_financing_plan
from tests.api import payloads
from tests.factories import make_request

pytestmark = pytest.mark.django_db
URL = "/api/v1/requests/"


def test_a_prefill_with_40_000_plan_lines_is_a_400_naming_the_field(fed, campaign):
    data = payloads.prefill(campaign)
    data["financing_plan"]["uses"] = [
        {"kind": "intangible", "label": "x", "amount": "1.00"}
    ] * 40_000

    response = fed.post(URL, data)

    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert details[0]["field"] == "financing_plan.uses"
    assert not FundingRequest.objects.exists()


def test_the_service_refuses_more_lines_than_a_plan_may_hold():
    request = make_request(complete=False)
    lines = [PlanLine("intangible", "x", 1) for _ in range(40_000)]

    with pytest.raises(ValidationError) as caught:
        set_financing_plan(request, actor=None, uses=lines, sources=[])

    assert caught.value.messages == ["Le plan comporte 40000 lignes de besoins : au plus 100."]


def test_a_prefill_of_300_000_plan_lines_is_refused_from_its_size_before_parsing(fed, campaign):
    data = payloads.prefill(campaign)
    data["financing_plan"]["uses"] = [
        {"kind": "intangible", "label": "x", "amount": "1.00"}
    ] * 300_000
    body = json.dumps(data)

    response = fed.client.post(
        URL,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {fed.raw}"},
    )

    assert len(body) > 11 * 1024 * 1024
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.parametrize(
    "amount", ["NaN", "Infinity", "-0.01", "1e309", "99999999999999.99", "12,50", "1 000"]
)
def test_an_extreme_or_malformed_amount_is_a_400_naming_its_line(fed, campaign, amount):
    data = payloads.prefill(campaign)
    data["financing_plan"]["uses"][0]["amount"] = amount

    response = fed.post(URL, data)

    assert response.status_code == 400, (amount, response.content[:300])
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert fields == ["financing_plan.uses.0.amount"]
    assert not FundingRequest.objects.exists()


def test_an_amount_in_full_width_digits_is_read_as_its_value(fed, campaign):
    data = payloads.prefill(campaign)
    data["financing_plan"]["uses"][0]["amount"] = "２４０００.００"

    response = fed.post(URL, data)

    assert response.status_code == 201
    assert FundingRequest.objects.get().total_cost == 24000
