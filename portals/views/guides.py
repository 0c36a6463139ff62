"""Project guides (one per project type) and the SME's testimonial on a funded project."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import permissions
from dossiers.models import Enterprise, FundingRequest, RequestState
from guides.guide import build_guide, give_testimonial
from portals.access import FEDERATION, FUNDER, SME, STAFF, for_audience, visible_request


@for_audience(SME, FEDERATION, FUNDER, STAFF)
def guide(request, project_type: str):
    if project_type not in FundingRequest.ProjectCategory.values:
        raise Http404
    enterprise = Enterprise.objects.visible_to(request.user).first()
    departement = enterprise.departement if enterprise else "75"
    return render(
        request,
        "portals/guides/guide.html",
        {
            "guide": build_guide(project_type, enterprise=enterprise, departement=departement),
            "departement": departement,
            "can_start": request.user.is_sme_representative,
        },
    )


class TestimonialForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Votre témoignage"), widget=forms.Textarea, max_length=2000
    )
    show_name = forms.BooleanField(
        label=gettext_lazy("Afficher le nom de mon entreprise (sinon : anonyme)"), required=False
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "J'accepte que ce témoignage soit publié dans le guide de ce type de projet."
        )
    )


@for_audience(SME)
def testimonial(request, reference: str):
    """Only the applicant of a request its funder approved may testify about it."""
    funding_request = visible_request(request.user, reference)
    if funding_request.state != RequestState.APPROVED or not permissions.is_applicant(
        funding_request, request.user
    ):
        raise Http404
    form = TestimonialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        give_testimonial(
            funding_request,
            actor=request.user,
            text=form.cleaned_data["text"],
            show_name=form.cleaned_data["show_name"],
        )
        messages.success(request, _("Merci ! Votre témoignage est publié dans le guide."))
        return redirect("portals:guide", funding_request.project_category)
    return render(
        request,
        "portals/guides/testimonial.html",
        {"fr": funding_request, "form": form, "has_errors": request.method == "POST"},
    )
