"""The aid sections of existing pages: a request's other aids, a campaign's counts."""

from django import template

from aids.catalogue import current_schemes
from aids.models import CampaignRouting
from aids.routing import aids_for_request
from dossiers.models.parameters import MissingParameter
from portals.collective import followed_job
from workers.models import Job

register = template.Library()


@register.simple_tag
def other_aids(funding_request) -> list:
    """The schemes this request may get (eligible or to confirm), with amounts and reasons.
    Without the de minimis parameters in force the section is left out: the request page
    itself must still open (its guards say what is missing)."""
    try:
        return aids_for_request(funding_request)
    except MissingParameter:
        return []


@register.simple_tag(takes_context=True)
def campaign_aids(context, campaign) -> dict:
    """The last routing of the campaign per scheme, and the routing job being followed."""
    request = context["request"]
    routing = CampaignRouting.objects.filter(campaign=campaign).first()
    rows = []
    if routing is not None:
        names = {s.slug: s for s in current_schemes()}
        rows = sorted(
            (
                {"scheme": names.get(slug), "slug": slug, "eligible": e, "unknown": u}
                for slug, (e, u) in routing.counts.items()
            ),
            key=lambda row: (-row["eligible"], -row["unknown"], row["slug"]),
        )
    job = followed_job(request.user, Job.Kind.ROUTE_AIDS, campaign, request.GET.get("job"))
    return {"routing": routing, "rows": rows, "job": job}
