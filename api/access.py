"""What a token may see: its organisation's ``visible_to`` querysets, narrowed to the
token's campaigns when it is restricted. Every view starts from one of these, so an
object outside them is a 404 like any unknown one.
"""

from django.db.models import Q, QuerySet

from api.permissions import token_of
from dossiers.models import Campaign, FundingRequest
from grouping.models import Bundle


def _restricted_campaign_ids(request) -> list[int] | None:
    token = token_of(request)
    if token is None:
        return []
    if not hasattr(token, "_campaign_ids"):
        ids = list(token.campaigns.values_list("pk", flat=True))
        token._campaign_ids = ids or None
    return token._campaign_ids


def campaigns(request) -> QuerySet[Campaign]:
    qs = Campaign.objects.visible_to(request.user)
    ids = _restricted_campaign_ids(request)
    return qs if ids is None else qs.filter(pk__in=ids)


def funding_requests(request) -> QuerySet[FundingRequest]:
    qs = FundingRequest.objects.visible_to(request.user)
    ids = _restricted_campaign_ids(request)
    return qs if ids is None else qs.filter(campaign_id__in=ids)


def bundles(request) -> QuerySet[Bundle]:
    qs = Bundle.objects.visible_to(request.user)
    ids = _restricted_campaign_ids(request)
    return qs if ids is None else qs.filter(campaign_id__in=ids)


def is_campaign_restricted(request) -> bool:
    return _restricted_campaign_ids(request) is not None


def webhook_deliveries(request, endpoint) -> QuerySet:
    """The endpoint's deliveries about what the token may see.

    An endpoint serves its whole organisation; a token limited to some campaigns sees only
    the events of those campaigns (docs/rules.md#token-scope). Payloads name the campaign of
    a request or a bundle; a decision names its bundle.
    """
    qs = endpoint.deliveries.all()
    ids = _restricted_campaign_ids(request)
    if ids is None:
        return qs
    references = list(campaigns(request).values_list("reference", flat=True))
    bundle_references = list(bundles(request).values_list("reference", flat=True))
    return qs.filter(
        Q(payload__data__request__campaign__in=references)
        | Q(payload__data__bundle__campaign__in=references)
        | Q(event="decision.recorded", payload__data__bundle__reference__in=bundle_references)
    )
