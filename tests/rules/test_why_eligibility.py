"""Items 4 and 7 of the bank analyst's findings: programme eligibility and certificates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.eligibility.models import CampaignEligibility, DocumentRequirement, FunderProduct
from dossiers.eligibility.rules import (
    document_requirement_problems,
    product_document_problems,
    product_filter_problems,
)
from dossiers.models import SupportingDocument
from tests.dossiers.helpers import officer_of, request_in
from tests.factories import EnterpriseFactory, add_document, make_request

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
D = SupportingDocument.Kind


def tpe_only(campaign, **fields) -> CampaignEligibility:
    return CampaignEligibility.objects.create(
        campaign=campaign,
        valid_from=date(2024, 1, 1),
        sme_categories=["micro"],
        source="Programme réservé aux TPE",
        **fields,
    )


# 4. Firms with 50 and 174 staff in a programme for TPEs -------------------------------------


@pytest.mark.parametrize(("staff", "category"), [(50, "Moyenne"), (12, "Petite")])
def test_4_a_programme_for_tpe_refuses_a_larger_firm_at_submission(staff, category):
    request = make_request(enterprise=EnterpriseFactory(headcount=Decimal(staff)))
    tpe_only(request.campaign)

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    [problem] = [p for p in caught.value.problems if p.startswith("Programme")]
    assert "réservé aux catégories Micro-entreprise (TPE)" in problem
    assert category in problem


def test_4_the_programme_is_checked_again_at_review():
    request = request_in("in_review", enterprise=EnterpriseFactory(headcount=Decimal(12)))
    tpe_only(request.campaign)

    with pytest.raises(workflow.Refused):
        workflow.perform(request, "mark_eligible", actor=officer_of(request))


def test_4_age_staff_naf_and_territory_are_programme_parameters():
    enterprise = EnterpriseFactory(creation_date=TODAY() - timedelta(days=400))
    request = make_request(enterprise=enterprise)
    tpe_only(
        request.campaign,
        min_age_years=2,
        min_headcount=Decimal(5),
        naf_excluded=["10.71"],
        regions=["84"],
    )

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    text = " ".join(caught.value.problems)
    for words in ("au moins 2 ans", "au moins 5", "10.71C", "région 75"):
        assert words in text


def test_4_a_campaign_whose_rules_do_not_cover_the_date_refuses_clearly():
    request = make_request()
    CampaignEligibility.objects.create(
        campaign=request.campaign, valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31)
    )

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    assert any("aucune règle d'éligibilité n'est en vigueur" in p for p in caught.value.problems)


def test_4_a_guarantee_filters_staff_age_and_naf_when_a_loan_line_enters_a_bundle():
    guarantee = FunderProduct.objects.create(
        code="GAR-NUM",
        name="Garantie numérique",
        kind="guarantee",
        valid_from=date(2024, 1, 1),
        min_age_years=3,
        max_headcount_exclusive=Decimal(50),
        naf_excluded=["64", "68.1", "68.2", "41.1"],
        naf_excluded_except=["64.2"],
    )
    young_bank = make_request(
        enterprise=EnterpriseFactory(
            naf_code="64.19Z", headcount=Decimal(8), creation_date=TODAY() - timedelta(days=700)
        )
    )
    holding = make_request(enterprise=EnterpriseFactory(naf_code="64.20Z"))

    problems = product_filter_problems(young_bank, guarantee)
    assert len(problems) == 2 and "au moins 3 ans" in problems[0] and "64.19Z" in problems[1]
    assert product_filter_problems(holding, guarantee) == []


# 7. Tax and social certificates -------------------------------------------------------------


def test_7_a_request_without_tax_and_social_certificates_is_refused():
    request = make_request()
    request.documents.filter(kind__in=[D.TAX_CERTIFICATE, D.SOCIAL_CERTIFICATE]).delete()

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    assert (
        "Pièce manquante pour Socle commun à tout financement : Attestation de régularité "
        "fiscale." in caught.value.problems
    )
    assert any("Attestation de vigilance URSSAF" in p for p in caught.value.problems)


def test_7_a_2019_urssaf_certificate_with_no_end_date_is_refused():
    request = make_request()
    request.documents.filter(kind=D.SOCIAL_CERTIFICATE).delete()
    add_document(request, D.SOCIAL_CERTIFICATE, issued_on=date(2019, 5, 2))

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    [problem] = caught.value.problems
    assert problem.startswith("Attestation de vigilance URSSAF (social_certificate.pdf, émise le ")
    assert "périmée le 29/10/2019" in problem


def test_7_a_lender_product_asks_its_number_of_tax_returns_and_its_documents():
    request = make_request()
    funder = request.campaign.funders.get()
    loan = FunderProduct.objects.create(
        funder=funder, code="PRET-NUM", name="Prêt numérique", kind="loan",
        valid_from=date(2024, 1, 1), tax_returns=3,
    )  # fmt: skip
    DocumentRequirement.objects.create(product=loan, kind=D.BANK_LETTER, validity_days=180)

    problems = document_requirement_problems(request, TODAY())

    assert "Prêt numérique demande les 3 dernières liasses fiscales : 1 fournie(s)." in problems
    assert "Pièce manquante pour Prêt numérique : Lettre d'accord bancaire." in problems
    for _ in range(2):
        add_document(request, D.TAX_RETURN)
    add_document(request, D.BANK_LETTER)
    assert product_document_problems(request, loan, TODAY()) == []
