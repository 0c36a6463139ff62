"""Builders for the grouping tests: campaigns with rules, eligible requests, bundles.

``eligible_request`` writes a request straight in the eligible state (fast, for the runs
that need many); ``reviewed_request`` takes a complete request through the workflow
(submit, review, eligible), for the tests that go on to submit a bundle to a funder.
"""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from dossiers.models import (
    DeMinimisDeclaration,
    FundingRequest,
    RequestState,
    SchemeParameter,
    SupplierQuote,
)
from dossiers.plan import PlanLine, set_financing_plan
from dossiers.workflow import perform
from grouping.decisions import LoanTerms
from grouping.models import Bundle, GroupingPolicy
from grouping.runs import run_grouping
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory, add_document

_numbers = count(1)


def campaign_with_policy(**policy_fields):
    """A campaign, its federation's officer and its grouping rules (sub-class ×
    département, widened to sub-class × région unless ``widening`` says otherwise)."""
    campaign = CampaignFactory()
    funder = campaign.funders.get()
    fields = {
        "trade_level": "subclass",
        "territory_level": "departement",
        "widening": [["subclass", "region"]],
        "min_members": 2,
        "max_members": 10,
        "funder": funder,
    }
    fields.update(policy_fields)
    GroupingPolicy.objects.create(campaign=campaign, **fields)
    return campaign


def officer_of(campaign):
    return UserFactory(officer=True, organisation=campaign.federation)


def analyst_of(funder):
    return UserFactory(funder=True, organisation=funder)


def funder_parameter(funder, key: str, value: str, *, valid_from=date(2024, 1, 1)):
    return SchemeParameter.objects.create(
        key=key, funder=funder, value=Decimal(value), valid_from=valid_from, source="test"
    )


def eligible_request(
    campaign,
    *,
    naf: str = "10.71C",
    departement: str = "23",
    loan: str = "12000",
    grant: str = "0",
    own: str = "4000",
    nafa: str = "",
) -> FundingRequest:
    enterprise = EnterpriseFactory(naf_code=naf, departement=departement, nafa_code=nafa)
    loan_amount, grant_amount, own_funds = Decimal(loan), Decimal(grant), Decimal(own)
    cost = loan_amount + grant_amount + own_funds
    return FundingRequest.objects.create(
        reference=f"DEM-TEST-{next(_numbers):06d}",
        campaign=campaign,
        enterprise=enterprise,
        state=RequestState.ELIGIBLE,
        project_category=FundingRequest.ProjectCategory.WEBSITE,
        project_title="Site vitrine",
        loan_amount=loan_amount,
        grant_amount=grant_amount,
        own_funds=own_funds,
        total_cost=cost,
        eligible_cost=cost,
        total_sources=cost,
    )


def complete_request(campaign, *, loan: str = "12000", grant: str = "0"):
    """A draft with everything submission needs (``tests.factories.make_request``'s
    content, with a reference that fits the column on every database). Loan only by
    default: a grant line would wait for its own grant collective, and the request stay
    eligible while its lender bundle goes on."""
    enterprise = EnterpriseFactory()
    applicant = UserFactory()
    enterprise.representatives.add(applicant)
    request = FundingRequest.objects.create(
        reference=f"DEM-TEST-{next(_numbers):06d}",
        campaign=campaign,
        enterprise=enterprise,
        created_by=applicant,
        project_category=FundingRequest.ProjectCategory.ONLINE_SHOP,
        project_title="Boutique en ligne",
        activity_confirmed=True,
        mandate_signed_by="Claire Martin, gérante",
        mandate_signed_on=date.today(),
    )
    loan_amount, grant_amount = Decimal(loan), Decimal(grant)
    cost = (loan_amount + grant_amount) * 2
    sources = [
        PlanLine("grant", "Subvention FEDER", grant_amount),
        PlanLine("loan", "Prêt bancaire", loan_amount),
        PlanLine("own_funds", "Apport", cost - loan_amount - grant_amount),
    ]
    set_financing_plan(
        request,
        actor=None,
        uses=[PlanLine("intangible", "Boutique en ligne", cost)],
        sources=[line for line in sources if line.amount > 0],
    )
    DeMinimisDeclaration.objects.create(
        request=request, declared_by="Claire Martin", declared_on=date.today(), no_aid_received=True
    )
    SupplierQuote.objects.create(
        request=request,
        supplier_name="Atelier Web Creusois",
        quote_date=date.today() - timedelta(days=20),
        amount_excl_vat=cost,
    )
    for kind in ("kbis", "manager_id", "rib", "statutes", "tax_return", "tax_certificate",
                 "social_certificate", "quote"):  # fmt: skip
        add_document(request, kind)
    request.refresh_from_db()
    return request


def reviewed_request(campaign, *, officer, loan: str = "12000", grant: str = "0"):
    """A complete request made eligible by the workflow (submitted, reviewed)."""
    request = complete_request(campaign, loan=loan, grant=grant)
    perform(request, "submit", actor=request.created_by)
    perform(request, "start_review", actor=officer)
    return perform(request, "mark_eligible", actor=officer)


def bundle_of(campaign, *requests_, actor=None) -> Bundle:
    """Run the grouping and return the one draft bundle holding ``requests_``."""
    run_grouping(campaign, actor=actor)
    bundles = Bundle.objects.filter(
        campaign=campaign, state="draft", members__request__in=requests_
    ).distinct()
    assert bundles.count() == 1, list(bundles)
    return bundles.get()


# What a lender decides with an approved loan, in the tests that do not look at the terms.
LOAN_TERMS = LoanTerms(duration_months=60, rate=Decimal("4.20"))
