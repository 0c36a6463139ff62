"""Sealed bundles of complete requests, built through the real services, for the build
tests (documents, plans, quotes, de minimis declarations, mandates, all in the models)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dossiers.models import DeMinimisAid, FundingRequest
from grouping.bundles import seal_bundle
from grouping.models import Bundle
from tests.grouping.builders import bundle_of, campaign_with_policy, officer_of, reviewed_request


@dataclass
class SealedBundle:
    bundle: Bundle
    requests: list[FundingRequest]
    officer: object

    def refresh(self) -> Bundle:
        self.bundle.refresh_from_db()
        return self.bundle


def sealed_bundle(members: int = 3, *, loans: tuple[str, ...] = ()) -> SealedBundle:
    """A sealed bundle of ``members`` complete, reviewed requests of one campaign.

    The first member declares a prior de minimis aid (a year ago, 4 500 €); loans default
    to 12 000 € each (the lender minimum is 20 000 €).
    """
    campaign = campaign_with_policy(max_members=max(members, 2))
    federation = campaign.federation
    federation.address = "12, place Bonnyaud, 23000 Guéret"
    federation.email = "contact@federation.example"
    federation.save()
    officer = officer_of(campaign)
    requests = []
    for index in range(members):
        loan = loans[index] if index < len(loans) else "12000"
        requests.append(reviewed_request(campaign, officer=officer, loan=loan))
    declaration = requests[0].de_minimis
    declaration.no_aid_received = False
    declaration.save(update_fields=["no_aid_received"])
    DeMinimisAid.objects.create(
        declaration=declaration,
        granting_body="Région Nouvelle-Aquitaine",
        regulation="Règlement (UE) 2023/2831",
        granted_on=date.today() - timedelta(days=365),
        amount=Decimal("4500.00"),
    )
    bundle = seal_bundle(bundle_of(campaign, *requests), actor=officer)
    requests = sorted(requests, key=lambda request: request.reference)
    return SealedBundle(bundle=Bundle.objects.get(pk=bundle.pk), requests=requests, officer=officer)
