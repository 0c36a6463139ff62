"""The SME's space: my requests, a new request, a request's page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dossiers.enterprises import update_enterprise
from dossiers.intake import create_request_for_enterprise
from dossiers.models import Campaign, Enterprise, FundingRequest
from dossiers.workflow import Conflict, Refused
from portals.access import FEDERATION, SME, STAFF, audience, for_audience, visible_request
from portals.forms import EnterpriseEditForm, EnterpriseForm, NewRequestForm, RequestForm
from portals.views.shared import render_request_page
from reading.models import unread_messages


@for_audience(SME)
def request_list(request):
    requests = (
        FundingRequest.objects.visible_to(request.user)
        .select_related("campaign__federation", "enterprise")
        .annotate(unread=unread_messages(request.user))
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
    # A project guide leads here with its project type chosen.
    project = RequestForm(
        data, prefix="req", initial={"project_category": request.GET.get("projet")}
    )
    if data is not None:
        valid = choice.is_valid() & project.is_valid()
        if new_enterprise:
            valid &= enterprise_form.is_valid()
        if valid:
            try:
                created = create_request_for_enterprise(
                    actor=request.user,
                    campaign=choice.cleaned_data["campaign"],
                    enterprise=choice.cleaned_data["enterprise"],
                    new_enterprise=enterprise_form.cleaned_data if new_enterprise else None,
                    project=project.request_fields(),
                )
            except Refused as exc:  # the undertaking already has a request in this campaign
                for problem in exc.problems:
                    choice.add_error("campaign", problem)
            else:
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


@for_audience(SME)
def enterprise_edit(request, pk: int):
    """Correct my enterprise's description while none of its requests is being assessed."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    back = request.GET.get("retour", "")
    back = back if back.startswith("/") and not back.startswith("//") else ""
    context = {"enterprise": enterprise, "back": back or "portals:request_list"}
    if request.method != "POST":
        form = EnterpriseEditForm(instance=enterprise, initial={"version": enterprise.version})
        return render(request, "portals/sme/enterprise_edit.html", {**context, "form": form})
    form = EnterpriseEditForm(request.POST, instance=Enterprise.objects.get(pk=enterprise.pk))
    if form.is_valid():
        try:
            update_enterprise(
                enterprise,
                form.changes(),
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as changed:
            # What was typed stays, now against the current version: saving again replaces.
            data = request.POST.copy()
            data["version"] = Enterprise.objects.get(pk=enterprise.pk).version
            form = EnterpriseEditForm(data, instance=enterprise)
            form.is_valid()
            context.update(conflict=changed.message, conflict_can_retry=True)
        except Refused as refused:
            context.update(refused=refused)
        else:
            messages.success(request, _("Informations de l'entreprise enregistrées."))
            return redirect(back) if back else redirect("portals:request_list")
    else:
        context["has_errors"] = True
    return render(request, "portals/sme/enterprise_edit.html", {**context, "form": form})
