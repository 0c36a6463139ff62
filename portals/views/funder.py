"""The funder's space. A first page only: the requests sent to the funder's organisation.

The bundle pages (download the package, record a decision per member) come with the
grouping work and will replace this list.
"""

from django.shortcuts import render

from dossiers.models import FundingRequest
from portals.access import FUNDER, for_audience


@for_audience(FUNDER)
def home(request):
    requests = (
        FundingRequest.objects.visible_to(request.user)
        .select_related("campaign__federation", "enterprise")
        .order_by("-submitted_at")
    )
    return render(request, "portals/funder/home.html", {"requests": requests})
