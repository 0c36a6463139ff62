"""Test and demo data builders. ``ready_request`` gives a request that passes every guard."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from accounts.models import Organisation, User
from dossiers.demo import complete_request, tiny_pdf, valid_siren, valid_siret
from dossiers.models import Campaign, Enterprise, FundingRequest, SupportingDocument
from dossiers.plan import PlanLine
from dossiers.requests import create_request
from dossiers.uploads import store_upload

__all__ = ["tiny_pdf", "valid_siren", "valid_siret"]  # re-exported for older imports

fake = Faker("fr_FR")


class FederationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    kind = Organisation.Kind.FEDERATION
    name = factory.Sequence(lambda n: f"Fédération des artisans n°{n}")
    siren = factory.Sequence(lambda n: valid_siren(700_000 + n))


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    kind = Organisation.Kind.FUNDER
    funder_kind = Organisation.FunderKind.BANK
    name = factory.Sequence(lambda n: f"Banque régionale n°{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    role = User.Role.SME_REPRESENTATIVE
    organisation = None
    password = factory.django.Password("grappe-demo-2026")

    class Params:
        officer = factory.Trait(
            role=User.Role.FEDERATION_OFFICER, organisation=factory.SubFactory(FederationFactory)
        )
        manager = factory.Trait(
            role=User.Role.FEDERATION_MANAGER, organisation=factory.SubFactory(FederationFactory)
        )
        funder = factory.Trait(
            role=User.Role.FUNDER_OFFICER, organisation=factory.SubFactory(FunderFactory)
        )


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.LazyFunction(fake.company)
    siren = factory.Sequence(lambda n: valid_siren(1_000_000 + n))
    siret = factory.LazyAttribute(lambda e: valid_siret(e.siren))
    legal_form = Enterprise.LegalForm.SARL
    creation_date = date(2015, 3, 1)
    address = factory.LazyFunction(fake.street_address)
    postal_code = "23000"
    city = "Guéret"
    naf_code = "10.71C"
    departement = "23"
    headcount = Decimal("4")
    turnover = Decimal("450000.00")
    balance_sheet = Decimal("300000.00")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    federation = factory.SubFactory(FederationFactory)
    reference = factory.Sequence(lambda n: f"CAMP-2026-{n:03d}")
    name = "Premier pas numérique des artisans"
    programme = "FEDER — transition numérique des TPE"
    opens_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    deadline = factory.LazyFunction(lambda: date.today() + timedelta(days=60))

    @factory.post_generation
    def funders(self, create, extracted, **kwargs):
        if create:
            self.funders.set(extracted if extracted is not None else [FunderFactory()])


def add_document(request, kind: str, *, issued_on: date | None = None, expires_on=None):
    stored = store_upload(f"{kind}.pdf", tiny_pdf(f"{kind} {request.reference}"))
    return SupportingDocument.objects.create(
        request=request,
        kind=kind,
        stored_file=stored,
        issued_on=issued_on or date.today() - timedelta(days=10),
        expires_on=expires_on,
    )


def make_request(
    *,
    campaign=None,
    enterprise=None,
    representative=None,
    cost: Decimal = Decimal("24000.00"),
    grant: Decimal = Decimal("10000.00"),
    loan: Decimal = Decimal("12000.00"),
    complete: bool = True,
    prior_aid: Decimal | None = None,
) -> FundingRequest:
    """A draft request; ``complete`` adds everything submission needs (plan, docs, ...)."""
    campaign = campaign or CampaignFactory()
    enterprise = enterprise or EnterpriseFactory()
    representative = representative or UserFactory()
    enterprise.representatives.add(representative)
    request = create_request(
        campaign=campaign,
        enterprise=enterprise,
        created_by=representative,
        project_category=FundingRequest.ProjectCategory.ONLINE_SHOP,
        project_title="Boutique en ligne et prise de commande",
        project_description="Site marchand, paiement en ligne et formation de l'équipe.",
        activity_confirmed=complete,
        mandate_signed_by="Claire Martin, gérante" if complete else "",
        mandate_signed_on=date.today() if complete else None,
    )
    if not complete:
        return request
    own = cost - grant - loan
    sources = [
        PlanLine("grant", "Subvention FEDER", grant),
        PlanLine("loan", "Prêt bancaire", loan),
    ]
    if own:
        sources.append(PlanLine("own_funds", "Apport", own))
    prior_aids = [] if prior_aid is None else [(date.today() - timedelta(days=400), prior_aid)]
    return complete_request(
        request,
        uses=[PlanLine("intangible", "Site et boutique en ligne", cost)],
        sources=sources,
        prior_aids=prior_aids,
    )
