"""Submitting a draft: who may, and every reason it is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.models import Enterprise
from tests.dossiers.helpers import applicant_of, assert_logged, officer_of
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db


def refusal(request, actor=None):
    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=actor)
    return caught.value.problems


def test_the_applicant_submits_a_complete_draft():
    request = make_request()
    applicant = applicant_of(request)

    request = workflow.perform(request, "submit", actor=applicant)

    assert request.state == "submitted"
    assert request.submitted_at is not None
    assert request.version == 3  # created, plan set, submitted
    assert_logged(
        request, transition="submit", actor=applicant, from_state="draft", to_state="submitted"
    )


def test_the_federation_may_submit_for_a_member_it_entered_itself():
    request = make_request()
    officer = officer_of(request)

    request = workflow.perform(request, "submit", actor=officer)

    assert request.state == "submitted"
    assert_logged(
        request, transition="submit", actor=officer, from_state="draft", to_state="submitted"
    )


def test_it_refuses_submission_without_de_minimis_declaration():
    request = make_request()
    request.de_minimis.delete()

    problems = refusal(request, applicant_of(request))

    assert problems == [
        "La déclaration des aides de minimis reçues ces 3 dernières années manque : "
        "elle est obligatoire pour déposer."
    ]


def test_it_refuses_an_incomplete_draft_and_lists_everything_missing():
    request = make_request(complete=False)

    problems = refusal(request)

    assert "Le demandeur doit confirmer son activité (le code APE seul ne suffit pas)." in problems
    assert "Le mandat donné à la fédération chef de file n'est pas signé." in problems
    assert "Le plan de financement est vide : indiquez le coût du projet." in problems
    assert any(p.startswith("La déclaration des aides de minimis") for p in problems)
    assert "Pièce manquante : Extrait Kbis." in problems
    assert "Pièce manquante : Statuts." in problems
    assert "Au moins un devis fournisseur est nécessaire." in problems


def test_it_refuses_an_activity_outside_the_campaign():
    campaign = CampaignFactory(eligible_naf_prefixes=["43"])
    request = make_request(campaign=campaign, enterprise=EnterpriseFactory(naf_code="10.71C"))

    problems = refusal(request)

    assert problems == [
        "L'activité 10.71C (Boulangerie et boulangerie-pâtisserie) n'est pas éligible à la "
        f"campagne {campaign.reference}."
    ]


def test_it_refuses_a_departement_the_campaign_does_not_cover():
    campaign = CampaignFactory(eligible_departements=["23", "87"])
    request = make_request(campaign=campaign, enterprise=EnterpriseFactory(departement="2A"))

    assert refusal(request) == [
        f"Le département 2A (Corse-du-Sud) n'est pas couvert par la campagne {campaign.reference}."
    ]


def test_it_refuses_an_enterprise_under_insolvency_proceedings():
    request = make_request(enterprise=EnterpriseFactory(insolvency_proceedings=True))

    assert refusal(request) == ["L'entreprise fait l'objet d'une procédure collective."]


def test_it_refuses_an_enterprise_that_is_not_an_sme():
    enterprise = EnterpriseFactory(headcount=300, turnover=60_000_000, balance_sheet=50_000_000)
    assert enterprise.sme_category == Enterprise.Category.LARGE

    problems = refusal(make_request(enterprise=enterprise))

    assert len(problems) == 1
    assert problems[0].startswith("L'entreprise n'est pas une PME au sens de l'UE")


def test_it_refuses_to_submit_a_request_twice():
    request = make_request()
    workflow.perform(request, "submit", actor=None)

    with pytest.raises(workflow.Conflict) as caught:
        workflow.perform(request, "submit", actor=applicant_of(request))

    assert caught.value.message == "Action impossible : la demande est « Déposée »."


def test_the_representative_of_another_enterprise_is_forbidden_to_submit():
    request = make_request()

    with pytest.raises(workflow.Forbidden):
        workflow.perform(request, "submit", actor=UserFactory())

    request.refresh_from_db()
    assert request.state == "draft"
    assert not request.history.exists()


def test_the_portal_shows_why_submission_is_not_possible_yet():
    request = make_request()
    request.de_minimis.delete()
    request.refresh_from_db()

    options = workflow.options_for(request, applicant_of(request))

    submit = next(o for o in options if o.name == "submit")
    assert (submit.target, submit.allowed) == ("submitted", False)
    assert submit.problems[0].startswith("La déclaration des aides de minimis")
    assert [o.name for o in options] == ["submit", "withdraw"]


def test_guards_are_checked_on_the_day_given():
    request = make_request()
    too_late = request.campaign.deadline + timedelta(days=1)

    with pytest.raises(workflow.Refused):
        workflow.perform(request, "submit", actor=None, on=too_late)
    request = workflow.perform(request, "submit", actor=None, on=timezone.localdate())

    assert request.state == "submitted"
