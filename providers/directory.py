"""Building the provider directory from the quotes, and finding providers for an SME.

- A provider is keyed by its SIRET, checked with python-stdnum (Luhn over 14 digits, La
  Poste's rule): a quote without a valid SIRET never lists its provider
  (docs/rules.md#provider-directory).
- Its name is the one on its latest quote; its project types and the départements of its
  clients come from every quote; a *completed project* is a quote on a request the funder
  approved, its amount the quote's amount excluding VAT.
- No certification is required and nobody pays to be listed: the order is proximity (same
  département, then same région, then elsewhere), then completed projects, then name.
- A provider the registry says is closed is hidden. Registry facts (NAF, département,
  administrative state, labels with their source) come from ``import_registry``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.fr import siret as siret_check

from dossiers.models import RequestState, SupplierQuote
from dossiers.nomenclature import departements
from providers.models import Provider


class RegistryRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} erreur(s) dans le fichier du registre")
        self.errors = errors


def valid_siret(value: str) -> bool:
    return bool(value) and siret_check.is_valid(value)


def rebuild() -> int:
    """Recount every provider from the quotes; registry facts already imported are kept."""
    facts: dict[str, dict] = defaultdict(
        lambda: {"name": "", "date": None, "deps": set(), "types": set(), "quotes": 0,
                 "done": 0, "amount": Decimal(0)}
    )  # fmt: skip
    rows = SupplierQuote.objects.exclude(supplier_siret="").values_list(
        "supplier_siret", "supplier_name", "quote_date", "amount_excl_vat",
        "request__enterprise__departement", "request__project_category", "request__state",
    )  # fmt: skip
    for siret, name, day, amount, dep, kind, state in rows.iterator(chunk_size=10_000):
        if not valid_siret(siret):
            continue
        f = facts[siret]
        if f["date"] is None or day >= f["date"]:
            f["name"], f["date"] = name, day
        f["deps"].add(dep)
        f["types"].add(kind)
        f["quotes"] += 1
        if state == RequestState.APPROVED:
            f["done"] += 1
            f["amount"] += amount
    now = timezone.now()
    with transaction.atomic():
        existing = {p.siret: p for p in Provider.objects.select_for_update()}
        for siret, f in facts.items():
            provider = existing.get(siret) or Provider(siret=siret)
            provider.name = f["name"]
            provider.departements_served = sorted(f["deps"])
            provider.project_types = sorted(f["types"])
            provider.quotes = f["quotes"]
            provider.completed_projects = f["done"]
            provider.completed_amount = f["amount"]
            provider.updated_at = now
            provider.save()
        Provider.objects.exclude(siret__in=list(facts)).delete()
    return len(facts)


def import_registry(rows: list[dict]) -> int:
    """Registry facts per SIRET (``naf_code``, ``departement``, ``closed``, ``labels``
    as ``[{"label", "source"}]``); a row for an unknown SIRET is ignored. All or nothing."""
    errors = []
    for number, row in enumerate(rows, start=1):
        if not valid_siret(str(row.get("siret", ""))):
            errors.append(f"Ligne {number} : SIRET invalide « {row.get('siret')} »")
        dep = row.get("departement", "")
        if dep and dep not in departements():
            errors.append(f"Ligne {number} : département inconnu « {dep} »")
        for label in row.get("labels", []):
            if not (isinstance(label, dict) and label.get("label") and label.get("source")):
                errors.append(f"Ligne {number} : un label doit avoir un nom et une source")
    if errors:
        raise RegistryRefused(errors)
    updated = 0
    with transaction.atomic():
        for row in rows:
            updated += Provider.objects.filter(siret=row["siret"]).update(
                naf_code=row.get("naf_code", ""),
                departement=row.get("departement", ""),
                closed=bool(row.get("closed", False)),
                labels=row.get("labels", []),
            )
    return updated


def proximity(provider: Provider, departement: str) -> int:
    """0 same département, 1 same région, 2 elsewhere; the provider's own département when
    the registry gave it, else the départements of its clients."""
    region = departements()[departement].region
    places = [provider.departement] if provider.departement else provider.departements_served
    if departement in places:
        return 0
    if any(departements()[d].region == region for d in places if d in departements()):
        return 1
    return 2


def find_providers(*, departement: str, project_type: str | None = None) -> list[Provider]:
    listed = [
        p for p in Provider.objects.filter(closed=False) if valid_siret(p.siret)
        and (not project_type or project_type in p.project_types)
    ]  # fmt: skip
    return sorted(listed, key=lambda p: (proximity(p, departement), -p.completed_projects, p.name))
