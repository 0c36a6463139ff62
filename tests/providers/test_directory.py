"""The provider directory: built from quotes, keyed by a valid SIRET, closed companies
hidden, nearest first then most completed projects, no paid placement."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.models import RequestState, SupplierQuote
from providers.directory import RegistryRefused, find_providers, import_registry, rebuild
from providers.models import Provider
from tests.costs.helpers import provider_siret
from tests.factories import EnterpriseFactory, UserFactory, make_request
from tests.portals.pages import text

pytestmark = pytest.mark.django_db


def quote(request, provider: int, amount: str = "5000", *, siret: str | None = None):
    return SupplierQuote.objects.create(
        request=request,
        supplier_name=f"Agence n° {provider}",
        supplier_siret=provider_siret(provider) if siret is None else siret,
        quote_date=date(2026, 3, 1),
        amount_excl_vat=Decimal(amount),
    )


def approved(request):
    type(request).objects.filter(pk=request.pk).update(state=RequestState.APPROVED)
    return request


def test_a_provider_is_built_from_its_quotes_with_its_completed_projects():
    creuse = make_request(complete=False)
    quote(creuse, 1, "4000")
    quote(approved(make_request(complete=False)), 1, "6000")
    assert rebuild() == 1
    provider = Provider.objects.get()
    assert provider.siret == provider_siret(1) and provider.name == "Agence n° 1"
    assert (provider.quotes, provider.completed_projects) == (2, 1)
    assert provider.completed_amount == Decimal("6000.00")
    assert provider.project_types == ["online_shop"] and provider.departements_served == ["23"]


def test_a_quote_without_a_valid_siret_never_lists_its_provider():
    request = make_request(complete=False)
    quote(request, 1, siret="")
    quote(request, 2, siret="11122233344456")  # fails the Luhn check
    assert rebuild() == 0
    assert not Provider.objects.exists()


def test_closed_companies_are_hidden_and_registry_labels_keep_their_source():
    request = make_request(complete=False)
    quote(request, 1)
    quote(request, 2)
    rebuild()
    import_registry([
        {"siret": provider_siret(1), "closed": True},
        {"siret": provider_siret(2), "naf_code": "62.01Z", "departement": "23",
         "labels": [{"label": "ESS", "source": "annuaire des entreprises, 2026-12-01"}]},
    ])  # fmt: skip
    found = find_providers(departement="23")
    assert [p.siret for p in found] == [provider_siret(2)]
    assert found[0].labels[0]["source"].startswith("annuaire des entreprises")


def test_a_registry_row_with_a_label_without_source_is_refused_whole():
    quote(make_request(complete=False), 1)
    rebuild()
    with pytest.raises(RegistryRefused):
        import_registry([
            {"siret": provider_siret(1), "closed": True},
            {"siret": provider_siret(1), "labels": [{"label": "RGE"}]},
        ])  # fmt: skip
    assert Provider.objects.get().closed is False


def test_nearest_first_then_most_completed_projects():
    here = make_request(complete=False)  # Creuse (23), Nouvelle-Aquitaine
    region = make_request(complete=False, enterprise=EnterpriseFactory(departement="87"))
    far = make_request(complete=False, enterprise=EnterpriseFactory(departement="35"))
    quote(here, 1)
    quote(region, 2)
    quote(approved(make_request(complete=False, enterprise=EnterpriseFactory(departement="87"))), 3)
    for _ in range(3):
        quote(
            approved(make_request(complete=False, enterprise=EnterpriseFactory(departement="35"))),
            4,
        )
    quote(far, 5)
    rebuild()
    order = [p.siret for p in find_providers(departement="23")]
    assert order == [provider_siret(n) for n in (1, 3, 2, 4, 5)]


def test_the_sme_sees_providers_for_its_territory_and_project_type():
    sme = UserFactory()
    request = make_request(representative=sme, complete=False)
    quote(request, 1)
    rebuild()
    client = Client()
    client.force_login(sme)
    page = text(client.get(reverse("portals:providers"), {"project_type": "online_shop"}))
    assert "Agence n° 1" in page and "Dans votre département" in page
    page = text(client.get(reverse("portals:providers"), {"project_type": "erp"}))
    assert "Aucun prestataire connu" in page
