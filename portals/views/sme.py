"""The SME's space: my requests, a new request, a request's page."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dossiers.models import Campaign, Enterprise, FundingRequest
from dossiers.requests import create_request
from portals.access import FEDERATION, SME, STAFF, audience, for_audience, visible_request
from portals.forms import EnterpriseForm, NewRequestForm, RequestForm
from portals.views.shared import render_request_page


@for_audience(SME)
def request_list(request):
    requests = (
        FundingRequest.objects.visible_to(request.user)
        .select_related("campaign__federation", "enterprise")
        .order_by("-created_at")
    )
    return render(
        request,
        "portals/sme/request_list.html",
        {"requests": requests, "enterprises": Enterprise.objects.visible_to(request.user)},
    )


@for_audience(SME)
def request_create(request):
    """Choose a campaign and one of my enterprises (or describe a new one), then the project."""
    campaigns = Campaign.objects.visible_to(request.user).select_related("federation")
    enterprises = Enterprise.objects.visible_to(request.user)
    data = request.POST if request.method == "POST" else None
    choice = NewRequestForm(data, campaigns=campaigns, enterprises=enterprises)
    # The new-enterprise fields are only checked when no existing enterprise is chosen.
    new_enterprise = not (data and data.get("enterprise"))
    enterprise_form = EnterpriseForm(data if new_enterprise else None, prefix="ent")
    project = RequestForm(data, prefix="req")
    if data is not None:
        valid = choice.is_valid() & project.is_valid()
        if new_enterprise:
            valid &= enterprise_form.is_valid()
        if valid:
            with transaction.atomic():
                enterprise = choice.cleaned_data["enterprise"]
                if enterprise is None:
                    enterprise = enterprise_form.save()
                    enterprise.representatives.add(request.user)
                created = create_request(
                    campaign=choice.cleaned_data["campaign"],
                    enterprise=enterprise,
                    created_by=request.user,
                    **project.request_fields(),
                )
            messages.success(
                request,
                _("Demande %(ref)s créée. Complétez-la étape par étape puis déposez-la.")
                % {"ref": created.reference},
            )
            return redirect("portals:request_detail", created.reference)
    return render(
        request,
        "portals/sme/request_create.html",
        {
            "choice": choice,
            "enterprise_form": enterprise_form,
            "project": project,
            "has_errors": data is not None,
            "no_campaign": not campaigns.exists(),
        },
    )


@for_audience(SME, FEDERATION, STAFF)
def request_detail(request, reference: str):
    """The SME's page of one request; reviewers are sent to their review screen."""
    funding_request = visible_request(request.user, reference)
    if audience(request.user) != SME:
        return redirect("portals:review", funding_request.reference)
    return render_request_page(request, funding_request)
