"""What the review screen says about a request's quotes against the cost references.

A quote above its cell's published P90 is flagged with the reference it was compared
against; a quote the recomputation found to be an outlier (costs.statistics) says so.
A cell without a published P90 (fewer than 30 quotes, or secret) gives no comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from costs.models import CostReference, FlaggedQuote
from dossiers.models import FundingRequest, SupplierQuote


@dataclass(frozen=True)
class QuoteCheck:
    quote: SupplierQuote
    reference: CostReference | None
    above_p90: bool
    z_score: float | None  # set when the quote is an outlier of its cell


def reference_for(request: FundingRequest, year: int) -> CostReference | None:
    return CostReference.objects.filter(
        project_type=request.project_category,
        naf_division=request.enterprise.naf_division,
        region=request.enterprise.region,
        year=year,
    ).first()


def quote_checks(request: FundingRequest) -> list[QuoteCheck]:
    quotes = list(request.quotes.all())
    flags = dict(FlaggedQuote.objects.filter(quote__in=quotes).values_list("quote_id", "z_score"))
    references: dict[int, CostReference | None] = {}
    checks = []
    for quote in quotes:
        year = quote.quote_date.year
        if year not in references:
            references[year] = reference_for(request, year)
        reference = references[year]
        above = bool(
            reference and reference.p90 is not None and quote.amount_excl_vat > reference.p90
        )
        checks.append(QuoteCheck(quote, reference, above, flags.get(quote.pk)))
    return checks
