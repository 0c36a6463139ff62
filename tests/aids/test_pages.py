"""The SME sees, on its request, the other aids it may get with amounts and reasons; the
federation sees per campaign how many requests each scheme could serve; anyone signed in
reads the catalogue, illustrative schemes marked."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from aids.catalogue import import_catalogue
from aids.models import CampaignRouting
from tests.aids.golden import CATALOGUE
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory, make_request
from tests.portals.pages import text

TODAY = date.today()


def _scheme(slug: str, **criteria) -> dict:
    return {
        "slug": slug,
        "name": f"Aide {slug}",
        "financers": ["Région test"],
        "perimeter": [{"scale": "region", "code": "75"}],
        "targeted_audiences": ["private_sector"],
        "aid_types": ["grant"],
        "categories": ["online_shop"],
        "start_date": (TODAY - timedelta(days=10)).isoformat(),
        "submission_deadline": (TODAY + timedelta(days=100)).isoformat(),
        "subvention_rate_upper_bound": 50,
        "origin_url": "https://example.org/conditions",
        "grappe_criteria": {"ceiling": 5000, "regime": "de_minimis", **criteria},
    }


@pytest.fixture
def catalogue(db):
    import_catalogue(
        [
            _scheme("nouvelle-aquitaine"),  # Creuse (23) is in Nouvelle-Aquitaine (75)
            _scheme("trop-grande", headcount_below=3),
            {**_scheme("bretagne"), "perimeter": [{"scale": "region", "code": "53"}]},
        ]
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_sme_sees_the_aids_its_request_may_get_with_amount_and_reasons(catalogue):
    sme = UserFactory()
    request = make_request(
        representative=sme, cost=Decimal("6000.00"), grant=Decimal("0"), loan=Decimal("0")
    )
    page = text(_client(sme).get(reverse("portals:request_detail", args=[request.reference])))
    assert "Autres aides que vous pourriez obtenir" in page
    assert "Aide nouvelle-aquitaine" in page
    assert "3\u202f000,00\u00a0€" in page  # 50 % of 6 000 €
    assert "Entreprise située dans le périmètre (Nouvelle-Aquitaine)." in page
    assert "Aide trop-grande" not in page  # 4 staff, fewer than 3 needed
    assert "Aide bretagne" not in page


def test_a_request_without_de_minimis_declaration_is_told_what_is_missing(catalogue):
    sme = UserFactory()
    request = make_request(representative=sme, complete=False)
    page = text(_client(sme).get(reverse("portals:request_detail", args=[request.reference])))
    assert "À confirmer" in page
    assert "déclaration des aides de minimis reçues" in page
    assert "Montant : Jusqu'à 5\u202f000,00\u00a0€." in page


def test_the_federation_routes_its_campaign_and_reads_counts_per_scheme(
    catalogue, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    officer = UserFactory(officer=True, organisation=campaign.federation)
    for _ in range(3):
        make_request(campaign=campaign, grant=Decimal("0"), loan=Decimal("12000"))
    make_request(
        campaign=campaign,
        enterprise=EnterpriseFactory(departement="35"),
        grant=Decimal("0"),
        loan=Decimal("12000"),
    )
    client = _client(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portals:campaign_aids_run", args=[campaign.reference]))
    assert response.status_code == 302
    routing = CampaignRouting.objects.get(campaign=campaign)
    assert routing.requests == 4
    assert routing.counts == {"nouvelle-aquitaine": [3, 0], "bretagne": [1, 0]}
    page = text(client.get(response.url))
    assert "Aides du catalogue que les demandes pourraient obtenir" in page
    assert "Aide nouvelle-aquitaine" in page


def test_another_federation_cannot_route_a_campaign_it_does_not_run(catalogue):
    campaign = CampaignFactory()
    stranger = UserFactory(officer=True)
    url = reverse("portals:campaign_aids_run", args=[campaign.reference])
    assert _client(stranger).post(url).status_code == 404
    assert not CampaignRouting.objects.exists()


@pytest.mark.django_db
def test_the_catalogue_page_marks_illustrative_schemes_and_links_sources():
    import_catalogue(CATALOGUE.read_bytes())
    page = text(_client(UserFactory()).get(reverse("portals:aid_catalogue")))
    assert "Chèque France Num" in page
    assert page.count(">illustratif<") == 3
    assert "https://cheque.francenum.gouv.fr/ecom/" in page
