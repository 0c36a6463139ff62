"""Recomputing the cost references from every quote, and reading them back.

One pass: the quotes (amount excl. VAT, provider, and the cell they fall in: the request's
project type, the enterprise's NAF division and région, the quote's year) are read as
columns, sorted by cell, and each cell summarised by costs.statistics. The table is then
replaced whole in one transaction: a reader sees the old references or the new, never half.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import F, FloatField
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone

from costs.models import CostReference, FlaggedQuote
from costs.statistics import modified_z, outliers, summarise
from dossiers.models import SupplierQuote

CENT = Decimal("0.01")
COLUMNS = ("pk", "project_type", "division", "region", "year", "price", "provider_key")


@dataclass(frozen=True)
class RecomputeResult:
    quotes: int
    cells: int
    published: int
    flagged: int


def _quote_columns() -> dict[str, np.ndarray]:
    rows = (
        SupplierQuote.objects.filter(amount_excl_vat__gt=0)
        .annotate(
            project_type=F("request__project_category"),
            division=F("request__enterprise__naf_division"),
            region=F("request__enterprise__region"),
            year=ExtractYear("quote_date"),
            price=Cast("amount_excl_vat", FloatField()),
        )
        .values_list(
            "pk",
            "project_type",
            "division",
            "region",
            "year",
            "price",
            "supplier_siret",
            "supplier_name",
        )
        .order_by()
    )
    data = list(rows.iterator(chunk_size=50_000))
    if not data:
        return {}
    columns = list(zip(*data, strict=True))
    # A provider is its SIRET when given, else its name as written (case and spaces aside).
    providers = [
        siret or " ".join(name.casefold().split())
        for siret, name in zip(columns[6], columns[7], strict=True)
    ]
    return {
        "pk": np.array(columns[0], dtype=np.int64),
        "project_type": np.array(columns[1], dtype=object),
        "division": np.array(columns[2], dtype=object),
        "region": np.array(columns[3], dtype=object),
        "year": np.array(columns[4], dtype=np.int64),
        "price": np.array(columns[5], dtype=float),
        "provider": np.unique(np.array(providers, dtype=object), return_inverse=True)[1],
    }


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(CENT)


def recompute(*, progress=None) -> RecomputeResult:
    """Rebuild every cell and every outlier flag from the quotes as they are now."""
    q = _quote_columns()
    now = timezone.now()
    references, flags = [], []
    if q:
        keys = [
            np.unique(q[name], return_inverse=True)
            for name in ("project_type", "division", "region", "year")
        ]
        cell = np.ravel_multi_index(
            tuple(inverse for _, inverse in keys), tuple(len(values) for values, _ in keys)
        )
        order = np.argsort(cell, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(cell[order]) != 0])
        ends = np.r_[starts[1:], len(order)]
        for number, (start, end) in enumerate(zip(starts, ends, strict=True)):
            members = order[start:end]
            prices = q["price"][members]
            summary = summarise(prices, q["provider"][members])
            first = members[0]
            reference = CostReference(
                project_type=q["project_type"][first],
                naf_division=q["division"][first],
                region=q["region"][first],
                year=int(q["year"][first]),
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
                flags += [(reference, int(q["pk"][members[i]]), float(z[i])) for i in flagged]
            if progress is not None and number % 1000 == 0:
                progress(number, len(starts))
    with transaction.atomic():
        FlaggedQuote.objects.all().delete()
        CostReference.objects.all().delete()
        CostReference.objects.bulk_create(references, batch_size=5_000)
        FlaggedQuote.objects.bulk_create(
            [FlaggedQuote(reference=ref, quote_id=pk, z_score=z) for ref, pk, z in flags],
            batch_size=5_000,
        )
    return RecomputeResult(
        quotes=len(q.get("pk", [])),
        cells=len(references),
        published=sum(r.published for r in references),
        flagged=len(flags),
    )
