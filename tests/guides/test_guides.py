"""A guide per project type puts together its steps, cost reference, local providers, aids
and testimonials; the SME reaches it from its request and it leads to a new request; only
the applicant of an approved request testifies, with consent, anonymous by default."""

import pytest
from django.test import Client
from django.urls import reverse

from aids.catalogue import import_catalogue
from costs.references import recompute
from dossiers.models import RequestState
from guides import models as guide_models
from providers.directory import rebuild
from tests.aids.golden import CATALOGUE
from tests.costs.helpers import add_quotes
from tests.factories import UserFactory, make_request
from tests.portals.pages import text

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _approved(request):
    type(request).objects.filter(pk=request.pk).update(state=RequestState.APPROVED)
    return type(request).objects.get(pk=request.pk)


def test_the_guide_puts_together_steps_costs_providers_aids_and_leads_to_a_request():
    import_catalogue(CATALOGUE.read_bytes())
    sme = UserFactory()
    request = make_request(representative=sme, complete=False)
    add_quotes(request, {p: [str(8000 + 100 * i) for i in range(4)] for p in (1, 2, 3)})
    recompute()
    rebuild()
    client = _client(sme)
    detail = text(client.get(reverse("portals:request_detail", args=[request.reference])))
    assert reverse("portals:guide", args=["online_shop"]) in detail
    page = text(client.get(reverse("portals:guide", args=["online_shop"])))
    assert "Guide : Boutique en ligne" in page
    assert "Testez une commande de bout en bout" in page
    assert "la moitié des devis entre" in page
    assert "Agence web n° 1" in page
    assert "Fonds européen pour la transition numérique des TPE" in page
    start = reverse("portals:request_create") + "?projet=online_shop"
    assert start in page
    form = text(client.get(start))
    assert '<option value="online_shop" selected>' in form


def test_an_unknown_project_type_has_no_guide():
    assert _client(UserFactory()).get("/guides/fusee/").status_code == 404


def test_the_applicant_of_an_approved_request_testifies_anonymously_by_default():
    sme = UserFactory()
    request = _approved(make_request(representative=sme))
    client = _client(sme)
    url = reverse("portals:testimonial", args=[request.reference])
    refused = client.post(url, {"text": "Sans consentement"})
    assert refused.status_code == 200 and not guide_models.Testimonial.objects.exists()
    client.post(url, {"text": "Nos ventes en ligne ont doublé.", "consent": "on"})
    page = text(client.get(reverse("portals:guide", args=["online_shop"])))
    assert "Nos ventes en ligne ont doublé." in page
    assert "Une TPE de Creuse" in page
    assert request.enterprise.name not in page


def test_a_request_not_approved_or_someone_elses_cannot_be_testified_about():
    sme = UserFactory()
    pending = make_request(representative=sme)
    other = _approved(make_request())
    client = _client(sme)
    for request in (pending, other):
        url = reverse("portals:testimonial", args=[request.reference])
        response = client.post(url, {"text": "x", "consent": "on"})
        assert response.status_code == 404
    assert not guide_models.Testimonial.objects.exists()
