"""The cost references for federations, funders and staff: a page and its downloads."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from costs import export
from costs.models import CostReference
from dossiers.models import FundingRequest
from dossiers.nomenclature import regions
from portals.access import FEDERATION, FUNDER, STAFF, for_audience

READERS = (FEDERATION, FUNDER, STAFF)


class ReferenceFilterForm(forms.Form):
    project_type = forms.ChoiceField(
        label=_("Type de projet"),
        required=False,
        choices=[("", _("Tous"))] + list(FundingRequest.ProjectCategory.choices),
    )
    region = forms.ChoiceField(label=_("Région"), required=False)
    year = forms.IntegerField(label=_("Année"), required=False, min_value=2000, max_value=2100)
    published = forms.BooleanField(label=_("Publiables seulement"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Toutes"))] + sorted(
            regions().items(), key=lambda item: item[1]
        )


def filtered_references(params):
    form = ReferenceFilterForm(params or None)
    rows = CostReference.objects.all()
    if form.is_valid():
        f = form.cleaned_data
        if f["project_type"]:
            rows = rows.filter(project_type=f["project_type"])
        if f["region"]:
            rows = rows.filter(region=f["region"])
        if f["year"]:
            rows = rows.filter(year=f["year"])
        if f["published"]:
            rows = rows.filter(published=True)
    return form, rows


@for_audience(*READERS)
def references(request):
    form, rows = filtered_references(request.GET)
    return render(
        request,
        "portals/costs/references.html",
        {
            "form": form,
            "rows": rows[:500],
            "total": rows.count(),
            "query": request.GET.urlencode(),
            "regions": regions(),
        },
    )


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="references-couts-{stamp}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@for_audience(*READERS)
def references_csv(request):
    _, rows = filtered_references(request.GET)
    return _download(export.render_csv(rows.iterator()), "text/csv; charset=utf-8", "csv")


@for_audience(*READERS)
def references_xlsx(request):
    _, rows = filtered_references(request.GET)
    return _download(
        export.render_xlsx(rows.iterator()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    )
