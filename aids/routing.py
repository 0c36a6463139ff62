"""Routing: the aids a request may get, and how many of a campaign's requests each scheme
could serve. Every page, API view and job calls these two functions."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from aids.applicants import applicant_for, campaign_blocks
from aids.catalogue import current_schemes
from aids.evaluator import FAIL, Verdict, evaluate
from aids.matrix import ApplicantArrays, CompiledCatalogue
from aids.models import CampaignRouting
from dossiers.models import Campaign, FundingRequest

_compiled: list[CompiledCatalogue] = []


def compiled_catalogue(on: date) -> CompiledCatalogue:
    """The current catalogue compiled for ``on``, kept while the catalogue is unchanged."""
    schemes = current_schemes()
    if not _compiled or _compiled[0].on != on or _compiled[0].source is not schemes:
        compiled = CompiledCatalogue(schemes, on)
        compiled.source = schemes  # the very tuple it was built from
        _compiled[:] = [compiled]
    return _compiled[0]


def route(applicant, catalogue: CompiledCatalogue) -> list[Verdict]:
    """The verdicts worth showing (eligible or unknown), best amount first. The matrix
    discards the schemes that fail; the evaluator words the few that remain."""
    status = catalogue.statuses(ApplicantArrays.from_applicants([applicant], catalogue.on))[:, 0]
    verdicts = [
        evaluate(applicant, catalogue.schemes[i], catalogue.on) for i in (status < 2).nonzero()[0]
    ]
    verdicts = [v for v in verdicts if v.status != FAIL]
    return sorted(verdicts, key=lambda v: (v.status != "eligible", -(v.amount or 0), v.scheme.name))


def aids_for_request(request: FundingRequest, *, on: date | None = None) -> list[Verdict]:
    on = on or timezone.localdate()
    return route(applicant_for(request, on), compiled_catalogue(on))


def route_campaign(campaign: Campaign, *, on: date | None = None, progress=None) -> CampaignRouting:
    """Count, per scheme, the campaign's requests it could serve; keep the result."""
    on = on or timezone.localdate()
    catalogue = compiled_catalogue(on)
    eligible = [0] * len(catalogue)
    unknown = [0] * len(catalogue)
    total = 0
    for block in campaign_blocks(campaign, on):
        counted_eligible, counted_unknown = catalogue.counts([block])
        eligible = [a + int(b) for a, b in zip(eligible, counted_eligible, strict=True)]
        unknown = [a + int(b) for a, b in zip(unknown, counted_unknown, strict=True)]
        total += len(block)
        if progress is not None:
            progress(total)
    counts = {
        scheme.slug: [e, u]
        for scheme, e, u in zip(catalogue.schemes, eligible, unknown, strict=True)
        if e or u
    }
    with transaction.atomic():
        routing, _ = CampaignRouting.objects.update_or_create(
            campaign=campaign,
            defaults={
                "routed_on": on,
                "requests": total,
                "counts": counts,
                "computed_at": timezone.now(),
            },
        )
    return routing
