"""Editing a draft: a stale form is a conflict, an invalid plan line is refused whole."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dossiers import workflow
from dossiers.models import FundingRequest
from dossiers.plan import PlanLine, set_financing_plan
from dossiers.requests import update_request
from tests.dossiers.helpers import applicant_of, request_in
from tests.factories import UserFactory, make_request

pytestmark = pytest.mark.django_db


def test_the_applicant_edits_a_draft_and_the_version_moves_on():
    request = make_request()

    updated = update_request(
        request,
        actor=applicant_of(request),
        expected_version=request.version,
        project_title="Nouvelle boutique",
    )

    assert (updated.project_title, updated.version) == ("Nouvelle boutique", request.version + 1)


def test_an_edit_from_a_stale_form_is_a_conflict_and_nothing_is_saved():
    request = make_request()
    stale = request.version
    update_request(request, actor=None, expected_version=stale, project_title="Première")

    with pytest.raises(workflow.Conflict) as caught:
        update_request(
            request, actor=applicant_of(request), expected_version=stale, project_title="Seconde"
        )

    assert caught.value.message.startswith(
        "Cette demande a été modifiée par quelqu'un d'autre pendant votre saisie."
    )
    saved = FundingRequest.objects.get(pk=request.pk)
    assert (saved.project_title, saved.version) == ("Première", stale + 1)


def test_a_submitted_request_can_no_longer_be_edited():
    request = request_in("submitted")

    with pytest.raises(workflow.Conflict, match="n'est plus modifiable : elle est « Déposée »"):
        update_request(request, actor=None, expected_version=request.version, project_title="X")


def test_someone_else_is_forbidden_to_edit_a_draft():
    request = make_request()

    with pytest.raises(workflow.Forbidden):
        update_request(
            request, actor=UserFactory(), expected_version=request.version, project_title="X"
        )


def test_state_and_reference_are_not_editable_fields():
    request = make_request()

    with pytest.raises(ValueError, match="Not editable on a request: \\['state'\\]"):
        update_request(request, actor=None, expected_version=request.version, state="approved")


def test_an_invalid_plan_line_is_refused_with_its_place_and_nothing_is_saved():
    request = make_request()
    lines_before = list(request.financing_lines.values_list("kind", "amount"))

    with pytest.raises(ValidationError) as caught:
        set_financing_plan(
            request,
            actor=applicant_of(request),
            uses=[PlanLine("intangible", "Site", Decimal("24000.00"))],
            sources=[
                PlanLine("grant", "Subvention", Decimal("10000.00")),
                PlanLine("loan", "Prêt bancaire", Decimal("13999.999")),
                PlanLine("intangible", "", Decimal("1")),
            ],
        )

    assert caught.value.messages == [
        "Ligne 2 des ressources (Prêt bancaire) : Un montant a au plus deux décimales.",
        "Ligne 3 des ressources (sans libellé) : nature « intangible » impossible pour une "
        "ressource.",
    ]
    saved = FundingRequest.objects.get(pk=request.pk)
    assert saved.version == request.version
    assert saved.total_cost == Decimal("24000.00")
    assert list(saved.financing_lines.values_list("kind", "amount")) == lines_before


def test_a_plan_without_any_use_is_refused():
    with pytest.raises(ValidationError, match="au moins un besoin"):
        set_financing_plan(make_request(), actor=None, uses=[], sources=[])


def test_a_plan_from_a_stale_form_is_a_conflict():
    request = make_request()

    with pytest.raises(workflow.Conflict):
        set_financing_plan(
            request,
            actor=None,
            uses=[PlanLine("intangible", "Site", Decimal("1000"))],
            sources=[PlanLine("own_funds", "Apport", Decimal("1000"))],
            expected_version=request.version - 1,
        )
