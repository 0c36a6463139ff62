"""Who is looking: the audience a page is for, and the requests a person may open.

A page for another audience, like an object the person may not see, answers 404: the
portals never confirm that something exists to someone who may not see it.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from dossiers import permissions
from dossiers.models import FundingRequest

SME = "sme"
FEDERATION = "federation"
FUNDER = "funder"
STAFF = "staff"


def audience(user) -> str | None:
    """Which space a person belongs to; staff without an organisation see every campaign."""
    if not user.is_authenticated:
        return None
    if user.is_federation_member:
        return FEDERATION
    if user.is_funder_member:
        return FUNDER
    if user.is_staff or user.is_superuser:
        return STAFF
    return SME


def for_audience(*allowed: str) -> Callable:
    """Log in first; then a person outside ``allowed`` gets a 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if audience(request.user) not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def visible_request(user, reference: str) -> FundingRequest:
    """The request ``reference`` if ``user`` may see it, else 404."""
    from timerules import retention

    funding_request = get_object_or_404(
        FundingRequest.objects.visible_to(user).select_related(
            "campaign__federation", "enterprise"
        ),
        reference=reference,
    )
    if not retention.may_read(user, funding_request):  # archived: managers only, logged
        raise Http404
    return funding_request


def editable_request(user, reference: str) -> FundingRequest:
    """The request if ``user`` may edit its data (the SME, or the federation that prefilled it)."""
    funding_request = visible_request(user, reference)
    if not permissions.is_applicant(funding_request, user):
        raise Http404
    return funding_request


def request_page(user, funding_request: FundingRequest) -> str:
    """The page where ``user`` follows this request."""
    if audience(user) in (FEDERATION, STAFF):
        return reverse("portals:review", args=[funding_request.reference])
    return reverse("portals:request_detail", args=[funding_request.reference])
