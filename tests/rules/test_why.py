"""The bank analyst's findings on the demo, one regression test each (docs/rules.md).

Item 1 (a collective under the lender minimum reaching the bank) is the collectives'.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers import guards, workflow
from dossiers.demo import valid_siret
from dossiers.enterprises import Related, set_related_enterprises
from dossiers.models import DeMinimisAid, Enterprise, RelatedEnterprise, SchemeParameter
from dossiers.request_parts import Aid, set_de_minimis
from dossiers.requests import create_request
from dossiers.undertaking import check_de_minimis
from tests.dossiers.helpers import receiving_funder_of, request_in
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def link(holder: Enterprise, held: Enterprise, stake: str = "60") -> None:
    RelatedEnterprise.objects.create(
        enterprise=holder,
        name=held.name,
        siren=held.siren,
        relation="linked",
        stake=Decimal(stake),
        headcount=held.headcount,
        turnover=held.turnover,
        balance_sheet=held.balance_sheet,
    )
    holder.save()


# 2. One company takes several grants -------------------------------------------------------


def test_2_a_second_request_of_one_siren_in_one_campaign_is_refused_naming_the_first():
    first = make_request()
    other_establishment = EnterpriseFactory(
        siren=first.enterprise.siren, siret=valid_siret(first.enterprise.siren, 2)
    )

    with pytest.raises(workflow.Refused) as caught:
        make_request(campaign=first.campaign, enterprise=other_establishment)

    [problem] = caught.value.problems
    assert first.reference in problem
    assert first.campaign.reference in problem
    assert problem.startswith("Une seule demande par entreprise unique et par campagne")


def test_2_a_linked_enterprise_is_the_same_undertaking_for_the_one_request_rule():
    first = make_request()
    subsidiary = EnterpriseFactory()
    link(first.enterprise, subsidiary, stake="75")

    with pytest.raises(workflow.Refused) as caught:
        make_request(campaign=first.campaign, enterprise=subsidiary)

    assert first.reference in caught.value.problems[0]
    assert "entreprise liée" in caught.value.problems[0]


def test_2_a_request_withdrawn_leaves_room_for_a_new_one_in_the_campaign():
    first = request_in("withdrawn")

    second = make_request(campaign=first.campaign, enterprise=first.enterprise)

    assert second.state == "draft"


def test_2_a_second_request_slipped_in_before_the_rule_is_refused_at_submission():
    first = make_request()
    with transaction.atomic():  # as an import written before the rule would have
        from dossiers.models import FundingRequest

        twin = FundingRequest.objects.create(
            reference="DEM-IMPORT-1",
            campaign=first.campaign,
            enterprise=first.enterprise,
            project_category="website",
            project_title="Doublon",
        )
    # The older one is named in the refusal of the newer one.
    problems = guards.undertaking_problems(twin, TODAY())
    assert any(first.reference in p for p in problems)


def test_2_the_grant_cap_holds_per_undertaking_across_campaigns():
    first = request_in("eligible")  # 10 000 € asked, the cap
    elsewhere = CampaignFactory(federation=first.campaign.federation)
    second = make_request(campaign=elsewhere, enterprise=first.enterprise)

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(second, "submit", actor=None)

    [problem] = [p for p in caught.value.problems if "entreprise unique" in p]
    assert first.reference in problem


def test_2_de_minimis_counts_the_aids_declared_by_a_linked_enterprise():
    parent = make_request(prior_aid=Decimal("280000.00"))
    subsidiary = EnterpriseFactory()
    link(parent.enterprise, subsidiary)
    other = make_request(enterprise=subsidiary, campaign=CampaignFactory(), grant=Decimal(0))
    set_de_minimis(
        other,
        actor=None,
        declared_by="Gérant",
        declared_on=TODAY(),
        no_aid_received=False,
        aids=[Aid("Région", TODAY() - timedelta(days=30), Decimal("15000.00"))],
    )

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(parent, "submit", actor=None)

    assert any(p.startswith("Plafond de minimis dépassé") for p in caught.value.problems)


# 3. The SME category goes stale ------------------------------------------------------------


def _admin_post(client, enterprise: Enterprise, related: list[dict]) -> None:
    data = {
        "name": enterprise.name,
        "siren": enterprise.siren,
        "siret": enterprise.siret,
        "legal_form": enterprise.legal_form,
        "creation_date": enterprise.creation_date.isoformat(),
        "naf_code": enterprise.naf_code,
        "naf_version": enterprise.naf_version,
        "departement": enterprise.departement,
        "headcount": str(enterprise.headcount),
        "turnover": str(enterprise.turnover),
        "balance_sheet": str(enterprise.balance_sheet),
        "public_ownership": "0",
        "sector": enterprise.sector,
        "years-TOTAL_FORMS": "0",
        "years-INITIAL_FORMS": "0",
        "related_enterprises-TOTAL_FORMS": str(len(related)),
        "related_enterprises-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(related):
        data.update({f"related_enterprises-{index}-{k}": v for k, v in row.items()})
    response = client.post(f"/admin/dossiers/enterprise/{enterprise.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_3_a_linked_enterprise_added_in_the_administration_updates_the_category(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    enterprise = EnterpriseFactory(headcount=Decimal(8), turnover=Decimal(900_000))
    assert enterprise.sme_category == "micro"

    _admin_post(
        client,
        enterprise,
        [
            {
                "name": "Groupe",
                "siren": "552081317",
                "relation": "linked",
                "stake": "60",
                "headcount": "40",
                "turnover": "9000000",
                "balance_sheet": "9000000",
            }
        ],
    )

    enterprise.refresh_from_db()
    assert enterprise.related_enterprises.count() == 1
    assert enterprise.sme_category == "small"
    assert enterprise.compute_sme_category(TODAY()) == "small"


@pytest.mark.parametrize(("stake", "words"), [("10", "moins de 25 %"), ("60", "plus de 50 %")])
def test_3_a_partner_stake_outside_25_to_50_percent_is_refused(stake, words):
    enterprise = EnterpriseFactory()
    row = Related("Associé", "552081317", "partner", Decimal(stake), 10, 100_000, 100_000)

    with pytest.raises(ValidationError) as caught:
        set_related_enterprises(enterprise, [row], actor=None, expected_version=1)

    assert words in " ".join(caught.value.messages)
    assert not enterprise.related_enterprises.exists()


@pytest.mark.parametrize("stake", ["10", "60"])
def test_3_the_database_refuses_a_partner_stake_outside_25_to_50_percent(stake):
    with pytest.raises(IntegrityError), transaction.atomic():
        RelatedEnterprise.objects.create(
            enterprise=EnterpriseFactory(),
            name="Associé",
            siren="552081317",
            relation="partner",
            stake=Decimal(stake),
            headcount=1,
            turnover=1,
            balance_sheet=1,
        )


# 5. De minimis at the grant date -----------------------------------------------------------


def test_5_de_minimis_is_checked_with_the_grant_date_given():
    request = make_request(prior_aid=Decimal("290000.01"))
    aid_day = TODAY() - timedelta(days=3 * 365 - 10)
    DeMinimisAid.objects.filter(declaration__request=request).update(granted_on=aid_day)

    assert check_de_minimis(request, grant_date=TODAY())  # within the 3 years: over
    assert check_de_minimis(request, grant_date=TODAY() + timedelta(days=20)) == []


def test_5_an_approval_is_refused_when_the_grant_would_cross_the_ceiling_on_its_date():
    sent = request_in("sent", prior_aid=Decimal("285000.00"))
    # Since the review, the same enterprise declared a new aid in another campaign's draft.
    later = make_request(
        enterprise=sent.enterprise,
        campaign=CampaignFactory(federation=sent.campaign.federation),
        complete=False,
    )
    set_de_minimis(
        later,
        actor=None,
        declared_by="Gérante",
        declared_on=TODAY(),
        no_aid_received=False,
        aids=[Aid("Région", TODAY() - timedelta(days=1), Decimal("10000.00"))],
    )

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(
            sent, "approve", actor=receiving_funder_of(sent), amount=Decimal("10000.00")
        )

    assert caught.value.problems[0].startswith("Plafond de minimis dépassé")


# 6. Negative de minimis aids ---------------------------------------------------------------


def test_6_a_negative_aid_is_refused_by_the_service():
    request = make_request(complete=False)

    with pytest.raises(ValidationError) as caught:
        set_de_minimis(
            request,
            actor=None,
            declared_by="Gérant",
            declared_on=TODAY(),
            no_aid_received=False,
            aids=[
                Aid("État", date(2025, 3, 1), Decimal("297601.00")),
                Aid("Région", date(2025, 4, 1), Decimal("-50000.00")),
                Aid("Commune", date(2025, 5, 1), Decimal("2400.00")),
            ],
        )

    assert "Aide n°2 (Région) : Un montant ne peut pas être négatif." in caught.value.messages
    assert not DeMinimisAid.objects.exists()


def test_6_the_database_refuses_a_negative_aid():
    request = make_request(prior_aid=Decimal(1000))

    with pytest.raises(IntegrityError), transaction.atomic():
        DeMinimisAid.objects.filter(declaration__request=request).update(amount=Decimal(-50_000))


def test_6_an_aid_dated_before_the_enterprise_was_created_is_refused():
    request = make_request(complete=False)  # created on 01/03/2015

    with pytest.raises(ValidationError) as caught:
        set_de_minimis(
            request,
            actor=None,
            declared_by="Gérant",
            declared_on=TODAY(),
            no_aid_received=False,
            aids=[Aid("Région", date(2014, 6, 1), Decimal("1000.00"))],
        )

    assert "avant la création de l'entreprise le 01/03/2015" in caught.value.messages[0]


# 8. Checks dated in 2024 -------------------------------------------------------------------


def test_8_an_agricultural_check_dated_2024_has_a_ceiling():
    farm = EnterpriseFactory(sector=Enterprise.Sector.AGRICULTURE, naf_code="01.11Z")
    request = make_request(enterprise=farm)

    assert guards.de_minimis_problems(request, date(2024, 6, 1)) == []
    over = make_request(
        enterprise=EnterpriseFactory(sector="agriculture"), prior_aid=Decimal(15_000)
    )
    DeMinimisAid.objects.filter(declaration__request=over).update(granted_on=date(2023, 1, 1))
    [problem] = guards.de_minimis_problems(over, date(2024, 6, 1))
    assert "20\u202f000,00\xa0€" in problem  # the ceiling before Regulation 2024/3118


def test_8_a_date_without_a_parameter_row_is_a_clear_refusal_not_a_crash():
    request = make_request()
    SchemeParameter.objects.filter(key="de_minimis_general").delete()

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)

    assert any("Plafond de minimis général" in p for p in caught.value.problems)


def test_8_every_parameter_a_check_reads_has_a_row_for_every_day_from_2024_to_2030():
    # Only a funder's or a programme's own row sets these (docs/rules.md#two-collectives).
    optional = {"lender_maximum", "operation_minimum", "operation_maximum", "loan_max_rate"}
    day = date(2024, 1, 1)
    while day <= date(2030, 12, 31):
        for key in set(SchemeParameter.Key.values) - optional:
            SchemeParameter.value_on(key, day)
        day += timedelta(days=7)


def test_a_request_created_through_the_service_for_a_new_campaign_is_accepted():
    request = make_request()
    fresh = create_request(
        campaign=CampaignFactory(),
        enterprise=request.enterprise,
        created_by=None,
        project_category="website",
        project_title="Site",
    )
    assert fresh.reference.startswith("DEM-")
