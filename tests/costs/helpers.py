"""Quotes in known cells, written straight to the table (the cells' statistics are what
these tests are about, not the quote form)."""

from datetime import date
from decimal import Decimal

from dossiers.demo import valid_siren, valid_siret
from dossiers.models import SupplierQuote


def provider_siret(number: int) -> str:
    return valid_siret(valid_siren(500_000 + number))


def add_quotes(request, amounts_by_provider: dict[int, list[str]], *, year: int = 2026):
    SupplierQuote.objects.bulk_create(
        SupplierQuote(
            request=request,
            supplier_name=f"Agence web n° {provider}",
            supplier_siret=provider_siret(provider),
            quote_date=date(year, 3, 1),
            amount_excl_vat=Decimal(amount),
        )
        for provider, amounts in amounts_by_provider.items()
        for amount in amounts
    )
