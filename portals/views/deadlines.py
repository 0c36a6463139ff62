"""Pages of the time rules: the dashboard of upcoming expiries. Thin: the services decide."""

from django.shortcuts import render
from django.utils import timezone

from portals.access import FEDERATION, FUNDER, STAFF, audience, for_audience
from timerules.deadlines import in_plain_words, upcoming_for


@for_audience(FEDERATION, FUNDER, STAFF)
def deadlines_dashboard(request):
    today = timezone.localdate()
    page = "portals:funder_request" if audience(request.user) == FUNDER else "portals:review"
    rows = [
        {"deadline": d, "words": in_plain_words(d, today=today)}
        for d in upcoming_for(request.user, today=today)[:500]
    ]
    return render(request, "timerules/dashboard.html", {"rows": rows, "page": page})
