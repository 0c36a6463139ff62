"""Loading and saving the aid catalogue as JSON, all or nothing.

A file is read whole and every row checked (aids.schemes.parse_row) before anything is
written: a bad row (unknown INSEE code, unknown NAF prefix, closing before opening, ...) is
reported with its position, its slug and each field at fault, and the catalogue stays as
it was. Rows are matched on ``slug``: a known slug is updated, a new one added; schemes
absent from the file are kept unless ``replace`` is asked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from aids.models import AidScheme
from aids.schemes import Scheme, parse_row

FORMAT = "grappe-aides/1"


class CatalogueRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} erreur(s) dans le catalogue")
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    removed: int


def _rows(document) -> list:
    if isinstance(document, bytes | str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise CatalogueRefused([f"Fichier JSON illisible : {exc}"]) from exc
    if isinstance(document, dict):
        document = document.get("aids")
    if not isinstance(document, list):
        raise CatalogueRefused(["Le fichier doit contenir une liste « aids » d'aides."])
    return document


def check_catalogue(document) -> list[tuple[dict, Scheme]]:
    """Every row parsed, or CatalogueRefused listing every fault of every row."""
    errors, parsed, seen = [], [], {}
    for number, row in enumerate(_rows(document), start=1):
        scheme, row_errors = parse_row(row)
        slug = row.get("slug") if isinstance(row, dict) else None
        where = f"Aide n° {number}" + (f" ({slug})" if slug else "")
        if slug in seen:
            row_errors.append(f"slug : déjà utilisé par l'aide n° {seen[slug]}")
        elif slug:
            seen[slug] = number
        errors += [f"{where} — {message}" for message in row_errors]
        if scheme is not None:
            parsed.append((row, scheme))
    if errors:
        raise CatalogueRefused(errors)
    return parsed


def import_catalogue(document, *, replace: bool = False) -> ImportResult:
    parsed = check_catalogue(document)
    now = timezone.now()
    created = updated = 0
    with transaction.atomic():
        existing = {s.slug: s for s in AidScheme.objects.select_for_update()}
        for row, scheme in parsed:
            fields = {
                "name": scheme.name,
                "aid_type": scheme.aid_type,
                "start_date": scheme.start_date,
                "submission_deadline": scheme.submission_deadline,
                "is_illustrative": scheme.is_illustrative,
                "data": row,
                "imported_at": now,
            }
            if scheme.slug in existing:
                AidScheme.objects.filter(pk=existing[scheme.slug].pk).update(**fields)
                updated += 1
            else:
                AidScheme.objects.create(slug=scheme.slug, **fields)
                created += 1
        removed = 0
        if replace:
            keep = [scheme.slug for _, scheme in parsed]
            removed, _ = AidScheme.objects.exclude(slug__in=keep).delete()
    return ImportResult(created, updated, removed)


def export_catalogue() -> dict:
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "aids": [s.data for s in AidScheme.objects.order_by("slug")],
    }


def catalogue_stamp() -> tuple:
    """Changes whenever a scheme is added, changed or removed."""
    return tuple(AidScheme.objects.aggregate(n=Count("pk"), last=Max("imported_at")).values())


@lru_cache(maxsize=4)
def _schemes_at(stamp: tuple) -> tuple[Scheme, ...]:
    schemes = []
    for data in AidScheme.objects.order_by("slug").values_list("data", flat=True):
        scheme, _ = parse_row(data)
        if scheme is not None:
            schemes.append(scheme)
    return tuple(schemes)


def current_schemes() -> tuple[Scheme, ...]:
    """The catalogue's schemes, parsed once per catalogue version."""
    return _schemes_at(catalogue_stamp())
