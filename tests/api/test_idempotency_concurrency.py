"""Two identical POSTs at the same moment with one Idempotency-Key: one request is
created and both callers get its answer. Row locks only exist on PostgreSQL."""

import threading

import pytest
from django.db import connection

from dossiers.models import FundingRequest
from tests.api import payloads
from tests.api.conftest import caller

# serialized_rollback: the flush after a transactional test would otherwise also remove the
# scheme parameters the migrations load, which later tests need.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_concurrent_duplicates_create_one_request(require_postgres, fed, campaign):
    start = threading.Barrier(3)
    answers = []

    def post():
        try:
            client = caller((fed.token, fed.raw))  # one client per thread
            start.wait()
            answers.append(
                client.post(
                    "/api/v1/requests/",
                    payloads.prefill(campaign),
                    headers={"Idempotency-Key": "same-row"},
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json()["reference"] for a in answers}) == 1
    assert sum(a.has_header("Idempotent-Replayed") for a in answers) == 2
    assert FundingRequest.objects.count() == 1
