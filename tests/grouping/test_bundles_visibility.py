"""Who sees which bundle: ``Bundle.objects.visible_to(user)``; anything else is a 404."""

import pytest
from django.contrib.auth.models import AnonymousUser

from grouping.models import Bundle
from tests.factories import UserFactory
from tests.grouping.builders import (
    analyst_of,
    bundle_of,
    campaign_with_policy,
    eligible_request,
    officer_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return campaign_with_policy()


@pytest.fixture
def requests_(campaign):
    return [eligible_request(campaign) for _ in range(2)]


@pytest.fixture
def bundle(campaign, requests_):
    return bundle_of(campaign, *requests_)


def move_to(bundle, state: str) -> None:
    Bundle.objects.filter(pk=bundle.pk).update(state=state)


def visible(user) -> list[Bundle]:
    return list(Bundle.objects.visible_to(user))


def test_staff_see_every_bundle(bundle):
    assert visible(UserFactory(is_staff=True)) == [bundle]


def test_the_federation_sees_its_campaigns_bundles_and_no_other(campaign, bundle):
    assert visible(officer_of(campaign)) == [bundle]
    assert visible(officer_of(campaign_with_policy())) == []


def test_the_funder_sees_a_bundle_once_it_is_sent(bundle):
    analyst = analyst_of(bundle.funder)
    for state in ("draft", "sealed", "ready"):
        move_to(bundle, state)
        assert visible(analyst) == [], state
    for state in ("submitted", "decided", "closed"):
        move_to(bundle, state)
        assert visible(analyst) == [bundle], state


def test_another_funder_never_sees_it(bundle, campaign):
    move_to(bundle, "submitted")
    other = campaign_with_policy().grouping_policies.get(kind="loan").funder

    assert visible(analyst_of(other)) == []


def test_an_sme_sees_the_bundle_its_request_is_in_once_sealed(bundle, requests_):
    representative = UserFactory()
    requests_[0].enterprise.representatives.add(representative)
    assert visible(representative) == []  # a run's proposal, replaced by the next run

    move_to(bundle, "sealed")

    assert visible(representative) == [bundle]
    assert visible(UserFactory()) == []


def test_nobody_anonymous_sees_anything(bundle):
    assert visible(AnonymousUser()) == []
