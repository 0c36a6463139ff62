"""Recomputing the cost references from every quote, and reading them back.

One pass: the quotes (amount excl. VAT, provider, and the cell they fall in: the request's
project type, the enterprise's NAF division and région, the quote's year) are read sorted
by cell as columns, and each cell summarised by costs.statistics. The table is then
replaced whole in one transaction: a reader sees the old references or the new, never half.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from time import perf_counter

import numpy as np
from django.db import transaction
from django.db.models import F, FloatField, Value
from django.db.models.functions import Cast, Coalesce, ExtractYear, Lower, NullIf
from django.utils import timezone

from costs.models import CostReference, FlaggedQuote
from costs.statistics import modified_z, outliers, summarise
from dossiers.models import SupplierQuote

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RecomputeResult:
    quotes: int
    cells: int
    published: int
    flagged: int
    seconds: dict  # wall time of each phase: read, compute, write


@dataclass
class Quotes:
    """Every quote as columns, sorted by cell; ``starts`` opens each cell's run of rows."""

    pk: np.ndarray
    price: np.ndarray
    provider: np.ndarray  # an integer per distinct provider
    cells: list[tuple[str, str, str, int]]
    starts: np.ndarray


def _read_quotes() -> Quotes:
    """One ordered read: the database sorts by cell, Python only notes where cells change
    and numbers the providers (its SIRET when given, else its name, lower-cased)."""
    rows = (
        SupplierQuote.objects.filter(amount_excl_vat__gt=0)
        .annotate(
            kind=F("request__project_category"),
            division=F("request__enterprise__naf_division"),
            region=F("request__enterprise__region"),
            year=ExtractYear("quote_date"),
            price=Cast("amount_excl_vat", FloatField()),
            provider_key=Coalesce(NullIf("supplier_siret", Value("")), Lower("supplier_name")),
        )
        .order_by("kind", "division", "region", "year")
        .values_list("pk", "price", "provider_key", "kind", "division", "region", "year")
    )
    pks, prices, providers, cells, starts = [], [], [], [], []
    codes: dict[str, int] = {}
    previous = None
    for index, (pk, price, provider, *cell) in enumerate(rows.iterator(chunk_size=50_000)):
        if cell != previous:
            cells.append(tuple(cell))
            starts.append(index)
            previous = cell
        pks.append(pk)
        prices.append(price)
        providers.append(codes.setdefault(" ".join(provider.split()), len(codes)))
    return Quotes(
        pk=np.array(pks, dtype=np.int64),
        price=np.array(prices, dtype=float),
        provider=np.array(providers, dtype=np.int64),
        cells=cells,
        starts=np.array(starts, dtype=np.int64),
    )


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(CENT)


def recompute(*, progress=None) -> RecomputeResult:
    """Rebuild every cell and every outlier flag from the quotes as they are now."""
    clock = perf_counter()
    q = _read_quotes()
    seconds = {"read": perf_counter() - clock}
    clock = perf_counter()
    now = timezone.now()
    references, flags = [], []
    ends = np.r_[q.starts[1:], len(q.pk)].astype(np.int64) if len(q.starts) else q.starts
    for number, ((kind, division, region, year), start, end) in enumerate(
        zip(q.cells, q.starts, ends, strict=True)
    ):
        prices = q.price[start:end]
        summary = summarise(prices, q.provider[start:end])
        reference = CostReference(
            project_type=kind,
            naf_division=division,
            region=region,
            year=int(year),
            count=summary.count,
            providers=summary.providers,
            top_share=round(summary.top_share, 4),
            published=summary.published,
            median=_money(summary.median),
            p25=_money(summary.p25),
            p75=_money(summary.p75),
            p10=_money(summary.p10),
            p90=_money(summary.p90),
            computed_at=now,
        )
        references.append(reference)
        flagged = outliers(prices)
        if len(flagged):
            z = modified_z(prices)
            flags += [(reference, int(q.pk[start + i]), float(z[i])) for i in flagged]
        if progress is not None and number % 1000 == 0:
            progress(number, len(q.cells))
    seconds["compute"] = perf_counter() - clock
    clock = perf_counter()
    with transaction.atomic():
        FlaggedQuote.objects.all().delete()
        CostReference.objects.all().delete()
        CostReference.objects.bulk_create(references, batch_size=5_000)
        FlaggedQuote.objects.bulk_create(
            [FlaggedQuote(reference=ref, quote_id=pk, z_score=z) for ref, pk, z in flags],
            batch_size=5_000,
        )
    seconds["write"] = perf_counter() - clock
    return RecomputeResult(
        quotes=len(q.pk),
        cells=len(references),
        published=sum(r.published for r in references),
        flagged=len(flags),
        seconds={phase: round(value, 1) for phase, value in seconds.items()},
    )
