"""Extreme sizes: a plan of tens of thousands of lines is refused with a clear error, never
a database error (docs/rules.md#financing-plan-size)."""

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
