"""Builders shared by the worker tests."""

from datetime import timedelta

from django.utils import timezone

from dossiers.models import FundingRequest
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory, make_request
from workers.models import Job


def submitted_request(*, language: str = "fr"):
    """A request just submitted by its representative, a federation officer to tell."""
    from dossiers.workflow import perform

    campaign = CampaignFactory()
    officer = UserFactory(officer=True, organisation=campaign.federation, language=language)
    request = make_request(campaign=campaign)
    representative = request.enterprise.representatives.get()
    perform(request, "submit", actor=representative)
    return request, officer


def old_drafts(count: int, *, years: int = 4) -> list[int]:
    """``count`` bare drafts last touched ``years`` ago, made in bulk."""
    campaign = CampaignFactory()
    enterprise = EnterpriseFactory()
    long_ago = timezone.now() - timedelta(days=365 * years)
    rows = FundingRequest.objects.bulk_create(
        FundingRequest(
            reference=f"DEM-OLD-{campaign.pk}-{n:05d}",
            campaign=campaign,
            enterprise=enterprise,
            project_category=FundingRequest.ProjectCategory.WEBSITE,
            project_title="Site vitrine",
            created_at=long_ago,
        )
        for n in range(count)
    )
    pks = [row.pk for row in rows]
    FundingRequest.objects.filter(pk__in=pks).update(updated_at=long_ago)
    return pks


def notification_job(request) -> Job:
    return Job.objects.get(kind=Job.Kind.NOTIFY_TRANSITION, target_id=request.history.get().pk)
