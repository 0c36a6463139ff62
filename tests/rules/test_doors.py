"""Every door that creates a request or changes figures applies the same rules."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dossiers.enterprises import set_year_figures
from dossiers.models import Enterprise, FundingRequest
from dossiers.sme import settled_category
from tests.factories import UserFactory, make_request, valid_siret
from tests.portals.test_request_forms import new_request_data

pytestmark = pytest.mark.django_db


def test_the_sme_portal_refuses_a_second_request_and_names_the_first(client):
    first = make_request()
    client.force_login(first.created_by)

    response = client.post(
        reverse("portals:request_create"),
        new_request_data(campaign=first.campaign.pk, enterprise=first.enterprise.pk),
    )

    assert response.status_code == 200
    assert first.reference in html.unescape(response.content.decode())
    assert FundingRequest.objects.count() == 1


def test_another_establishment_of_the_same_siren_is_refused_and_not_created(client):
    first = make_request()
    client.force_login(first.created_by)
    siret = valid_siret(first.enterprise.siren, 7)

    response = client.post(
        reverse("portals:request_create"),
        new_request_data(campaign=first.campaign.pk, **{"ent-siret": siret}),
    )

    assert response.status_code == 200
    assert first.reference in html.unescape(response.content.decode())
    assert not Enterprise.objects.filter(siret=siret).exists()


def test_the_administration_refuses_a_second_request_in_a_campaign(client):
    first = make_request()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/dossiers/fundingrequest/add/",
        {
            "reference": "DEM-ADMIN-1",
            "campaign": first.campaign.pk,
            "enterprise": first.enterprise.pk,
            "project_category": "website",
            "project_title": "Site",
            "created_at_0": "2026-11-02",
            "created_at_1": "10:00:00",
            **{
                f"{prefix}-{k}": "0"
                for prefix in ("financing_lines", "quotes", "documents", "history")
                for k in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    assert response.status_code == 200
    assert first.reference in html.unescape(response.content.decode())
    assert FundingRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        (["micro"], "micro"),
        (["micro", "small"], "micro"),  # one year over: still micro
        (["micro", "small", "small"], "small"),  # two in a row: small
        (["micro", "small", "micro", "small"], "micro"),  # never two in a row
        (["small", "micro", "micro"], "micro"),  # two years under: micro
        (["micro", "medium", "large"], "medium"),  # over small twice, over medium once
    ],
)
def test_a_category_changes_after_two_consecutive_years_only(years, expected):
    assert settled_category(years) == expected


def test_yearly_figures_decide_the_stored_category_with_the_two_year_rule():
    enterprise = make_request(complete=False).enterprise
    record = {"turnover": Decimal(400_000), "balance_sheet": Decimal(300_000), "actor": None}

    for year, staff in ((2023, 4), (2024, 30)):
        enterprise = set_year_figures(
            enterprise, year=year, headcount=Decimal(staff), expected_version=enterprise.version,
            **record,
        )  # fmt: skip
    assert (enterprise.headcount, enterprise.sme_category) == (30, "micro")

    enterprise = set_year_figures(
        enterprise, year=2025, headcount=Decimal(31), expected_version=enterprise.version, **record
    )
    assert enterprise.sme_category == "small"
    assert enterprise.sme_category == enterprise.compute_sme_category(date.today())
