"""The administration acts through the same services as every other interface."""

import pytest
from django.urls import reverse

from grouping.models import Bundle, GroupingRun
from tests.factories import UserFactory
from tests.grouping.builders import bundle_of, campaign_with_policy, eligible_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def campaign():
    campaign = campaign_with_policy()
    campaign.pair = [eligible_request(campaign) for _ in range(2)]
    return campaign


def test_a_policy_action_simulates_the_grouping(admin_client, campaign):
    response = admin_client.post(
        reverse("admin:grouping_groupingpolicy_changelist"),
        {
            "action": "simulate",
            "_selected_action": [campaign.grouping_policies.get(kind="loan").pk],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert f"{campaign.reference} : 1 dossier(s), 2 demande(s) placée(s)" in response.text
    assert GroupingRun.objects.get().dry_run
    assert not Bundle.objects.exists()


def test_a_bundle_action_seals_through_the_service(admin_client, campaign):
    bundle = bundle_of(campaign, *campaign.pair)

    admin_client.post(
        reverse("admin:grouping_bundle_changelist"),
        {"action": "do_seal_bundle", "_selected_action": [bundle.pk]},
    )

    bundle.refresh_from_db()
    assert bundle.state == "sealed"
    assert bundle.history.get().note == "Depuis l'administration (Sceller)."


def test_the_bundle_page_shows_members_and_history(admin_client, campaign):
    bundle = bundle_of(campaign, *campaign.pair)

    response = admin_client.get(reverse("admin:grouping_bundle_change", args=[bundle.pk]))

    assert response.status_code == 200
    assert campaign.pair[0].reference in response.text


def test_rules_edited_in_the_administration_record_who_changed_them(admin_client, campaign):
    policy = campaign.grouping_policies.get(kind="loan")
    url = reverse("admin:grouping_groupingpolicy_change", args=[policy.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(max_members="8", widening="[]", target_members="", target_loan="")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert (policy.max_members, policy.version) == (8, 2)
    assert policy.updated_by == response.wsgi_request.user
