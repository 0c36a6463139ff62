"""Idempotency-Key on POST: a retry replays the first answer and creates nothing twice."""

import pytest

from api.models import IdempotentRequest
from dossiers.models import FundingRequest
from tests.api import payloads

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"


def test_the_same_key_twice_creates_one_request_and_answers_the_same(fed, campaign):
    headers = {"Idempotency-Key": "import-2026-11-23-row-1"}

    first = fed.post(URL, payloads.prefill(campaign), headers=headers)
    second = fed.post(URL, payloads.prefill(campaign), headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert FundingRequest.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(fed, campaign):
    headers = {"Idempotency-Key": "row-1"}
    fed.post(URL, payloads.prefill(campaign), headers=headers)

    response = fed.post(URL, payloads.prefill(campaign, seed=9), headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert FundingRequest.objects.count() == 1


def test_a_refusal_is_remembered_too(fed, campaign):
    headers = {"Idempotency-Key": "row-2"}
    bad = payloads.prefill(campaign, project_title="")

    first = fed.post(URL, bad, headers=headers)
    second = fed.post(URL, bad, headers=headers)

    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()


def test_keys_belong_to_one_token(fed, campaign, federation):
    from api.tokens import issue_token
    from tests.api.conftest import caller

    colleague = caller(issue_token(organisation=federation, name="Autre", scopes=["write"]))
    headers = {"Idempotency-Key": "row-3"}

    fed.post(URL, payloads.prefill(campaign), headers=headers)
    response = colleague.post(URL, payloads.prefill(campaign, seed=8), headers=headers)

    assert response.status_code == 201
    assert FundingRequest.objects.count() == 2


def test_without_a_key_each_post_creates(fed, campaign):
    fed.post(URL, payloads.prefill(campaign))
    fed.post(URL, payloads.prefill(campaign, seed=2))  # another enterprise: one per campaign

    assert FundingRequest.objects.count() == 2
    assert not IdempotentRequest.objects.exists()


def test_an_unprintable_key_is_a_400(fed, campaign):
    response = fed.post(URL, payloads.prefill(campaign), headers={"Idempotency-Key": "a\tb"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
