"""Two officers acting on the same requests at once, under a threaded server: one wins
each time, the others are told, and nobody gets a 500 (docs/rules.md#threads)."""

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from dossiers import workflow
from dossiers.models import FundingRequest, RequestTransition
from tests.factories import CampaignFactory, UserFactory, make_request

# PostgreSQL: the in-memory SQLite test database locks whole tables across threads
# ("database table is locked"), which a file database under load does not.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
CSRF = "c" * 32  # an unmasked CSRF secret, sent as the cookie and as the form field


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}"


def test_racing_review_starts_under_a_threaded_server_never_answer_500(
    live_server, require_postgres
):
    campaign = CampaignFactory()
    officers = [UserFactory(officer=True, organisation=campaign.federation) for _ in range(4)]
    requests_ = [make_request(campaign=campaign) for _ in range(6)]
    for request in requests_:
        workflow.perform(request, "submit", actor=None)
    cookies = [session_cookie(officer) for officer in officers]
    netloc = urlsplit(live_server.url).netloc
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def officer_clicks(index: int):
        connection = http.client.HTTPConnection(netloc, timeout=60)
        start.wait()
        for request in requests_:
            body = urlencode(
                {
                    "csrfmiddlewaretoken": CSRF,
                    "transition": "start_review",
                    "expected_state": "submitted",
                    "note": "",
                }
            )
            connection.request(
                "POST",
                f"/demandes/{request.reference}/action/",
                body=body,
                headers={
                    "Cookie": cookies[index % 4],
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
        connection.close()

    threads = [threading.Thread(target=officer_clicks, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 16 * 6
    assert 500 not in statuses
    assert set(statuses) <= {200, 302}
    states = FundingRequest.objects.filter(pk__in=[r.pk for r in requests_])
    assert set(states.values_list("state", flat=True)) == {"in_review"}
    for request in requests_:
        reviews = RequestTransition.objects.filter(request=request, transition="start_review")
        assert reviews.count() == 1
