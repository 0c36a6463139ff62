"""Two people acting at once under a threaded server: no 500 from the state machine's
protected field (docs/rules.md#threads)."""

import threading

import pytest
from django.db import connection

from dossiers.models import FundingRequest
from tests.factories import make_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_refreshes_of_requests_never_see_the_protected_state_error():
    pks = [make_request().pk for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def refresher(pk: int):
        try:
            request = FundingRequest.objects.get(pk=pk)
            start.wait()
            for _ in range(120):
                request.refresh_from_db()
                request.refresh_from_db(fields=["version"])
        except BaseException as error:  # noqa: BLE001 - any error is the test's finding
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresher, args=(pks[i % 4],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []


def test_the_protected_state_still_refuses_a_direct_write():
    request = make_request()
    request.refresh_from_db()

    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        request.state = "approved"
    assert FundingRequest.objects.get(pk=request.pk).state == "draft"
