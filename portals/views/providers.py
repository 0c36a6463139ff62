"""The provider directory: providers by territory and project type, nearest first."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from dossiers.models import Enterprise, FundingRequest
from dossiers.nomenclature import departements
from portals.access import FEDERATION, FUNDER, SME, STAFF, for_audience
from providers.directory import find_providers, proximity

PROXIMITY_LABELS = {0: _("dans votre département"), 1: _("dans votre région"), 2: _("ailleurs")}


class ProviderSearchForm(forms.Form):
    departement = forms.ChoiceField(label=_("Département"))
    project_type = forms.ChoiceField(
        label=_("Type de projet"),
        required=False,
        choices=[("", _("Tous"))] + list(FundingRequest.ProjectCategory.choices),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [
            (code, f"{code} — {d.name}") for code, d in sorted(departements().items())
        ]


@for_audience(SME, FEDERATION, FUNDER, STAFF)
def directory(request):
    """No certification needed, no paid placement: nearest first, then most projects."""
    mine = Enterprise.objects.visible_to(request.user).values_list("departement", flat=True)
    initial = {"departement": request.GET.get("departement") or next(iter(mine), "75")}
    form = ProviderSearchForm({**initial, "project_type": request.GET.get("project_type", "")})
    rows = []
    if form.is_valid():
        dep = form.cleaned_data["departement"]
        rows = [
            (p, PROXIMITY_LABELS[proximity(p, dep)])
            for p in find_providers(
                departement=dep, project_type=form.cleaned_data["project_type"] or None
            )[:100]
        ]
    return render(request, "portals/providers/directory.html", {"form": form, "rows": rows})
