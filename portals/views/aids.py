"""The aid pages: the catalogue, and a campaign's routing started as a background job.

The SME's "other aids you may get" and the federation's counts per scheme are sections of
the request page and the campaign dashboard (templatetags/aid_routing.py)."""

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aids.catalogue import current_schemes
from aids.models import AidScheme
from dossiers.models import Campaign
from portals.access import FEDERATION, FUNDER, SME, STAFF, for_audience
from workers.jobs import enqueue_job
from workers.models import Job


@for_audience(SME, FEDERATION, FUNDER, STAFF)
def catalogue(request):
    """Every scheme of the catalogue, its terms' source, illustrative ones marked."""
    rows = {s.slug: s for s in AidScheme.objects.all()}
    schemes = [(scheme, rows[scheme.slug]) for scheme in current_schemes() if scheme.slug in rows]
    return render(request, "portals/aids/catalogue.html", {"schemes": schemes})


@for_audience(FEDERATION, STAFF)
@require_POST
def campaign_routing_run(request, campaign: str):
    """Count, as a background job, how many of the campaign's requests each scheme serves."""
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), reference=campaign)
    with transaction.atomic():
        job = enqueue_job(Job.Kind.ROUTE_AIDS, campaign, created_by=request.user)
    url = reverse("portals:campaign_dashboard", args=[campaign.reference])
    return redirect(f"{url}?job={job.pk}#aides")
