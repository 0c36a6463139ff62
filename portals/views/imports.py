"""A federation imports its member sheet into a campaign: upload, preview, confirm.

The preview and the apply are background jobs (``intake.tasks``) followed on the import's
page by the usual progress bar. The page shows the counts, the columns recognised and the
rows in error; the confirm button carries the preview's hash, so what is applied is
exactly what was shown.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dossiers.models import Campaign
from dossiers.workflow import Conflict
from intake.columns import FIELDS
from intake.models import MemberImport
from intake.report import error_report
from intake.services import receive_sheet, request_confirmation, save_mapping, start_import
from portals.access import FEDERATION, STAFF, for_audience
from portals.collective import followed_job
from workers.jobs import enqueue_job
from workers.models import Job

REVIEWERS = (FEDERATION, STAFF)
ROWS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Feuille des adhérents (.xlsx, .ods ou .csv)"),
        help_text=gettext_lazy(
            "Une ligne par entreprise, avec au moins le SIRET et la raison sociale. "
            "Rien n'est enregistré avant votre confirmation."
        ),
    )


def _campaign(user, reference: str) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(user).select_related("federation"), reference=reference
    )


def _import(user, reference: str, import_id: int) -> MemberImport:
    return get_object_or_404(
        MemberImport.objects.visible_to(user).select_related("campaign", "stored_file"),
        campaign__reference=reference,
        pk=import_id,
    )


@for_audience(*REVIEWERS)
def import_upload(request, campaign: str):
    campaign = _campaign(request.user, campaign)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["file"]
        try:
            member_import, job = start_import(
                campaign=campaign,
                name=sheet.name,
                data=sheet.read(),
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            url = reverse("portals:import_detail", args=[campaign.reference, member_import.pk])
            return redirect(f"{url}?job={job.pk}")
    imports = MemberImport.objects.filter(campaign=campaign).select_related("stored_file")[:20]
    return render(
        request,
        "portals/federation/import_upload.html",
        {"campaign": campaign, "form": form, "imports": imports,
         "has_errors": request.method == "POST"},
    )  # fmt: skip


@for_audience(*REVIEWERS)
def import_detail(request, campaign: str, import_id: int):
    member_import = _import(request.user, campaign, import_id)
    job = followed_job(
        request.user, Job.Kind.CONFIRM_IMPORT, member_import, request.GET.get("job")
    ) or followed_job(request.user, Job.Kind.PREVIEW_IMPORT, member_import, request.GET.get("job"))
    rows, faulty, counted = [], [], 0
    for row in member_import.iter_rows():
        counted += 1
        if len(rows) < ROWS_SHOWN:
            rows.append(row)
        if row["errors"] and len(faulty) < ROWS_SHOWN:
            faulty.append(row)
    errors = member_import.counts.get("error", 0)
    return render(
        request,
        "portals/federation/import_detail.html",
        {
            "campaign": member_import.campaign,
            "imp": member_import,
            "job": job,
            "rows": rows,
            "faulty": faulty,
            "more_rows": max(0, counted - len(rows)),
            "more_faulty": max(0, errors - len(faulty)),
            "fields": FIELDS,
        },
    )


@require_POST
@for_audience(*REVIEWERS)
def import_confirm(request, campaign: str, import_id: int):
    member_import = _import(request.user, campaign, import_id)
    url = reverse("portals:import_detail", args=[campaign, member_import.pk])
    try:
        job = request_confirmation(
            member_import, actor=request.user, expected_sha256=request.POST.get("sha256", "")
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(url)
    messages.success(request, _("Import confirmé : il est appliqué en arrière-plan."))
    return redirect(f"{url}?job={job.pk}")


@require_POST
@for_audience(*REVIEWERS)
def import_columns(request, campaign: str, import_id: int):
    """Save the federation's reading of this sheet's headers, then preview the file again."""
    member_import = _import(request.user, campaign, import_id)
    url = reverse("portals:import_detail", args=[campaign, member_import.pk])
    if member_import.state != MemberImport.State.PREVIEWED:
        messages.error(request, _("Seul un aperçu non encore appliqué peut être relu."))
        return redirect(url)
    headers = {
        column["header"]: request.POST.get(f"column-{column['column']}", column["field"])
        for column in member_import.columns
    }
    with member_import.stored_file.file.open("rb") as sheet:
        data = sheet.read()
    try:
        with transaction.atomic():
            save_mapping(member_import.campaign.federation, headers)
            fresh = receive_sheet(
                campaign=member_import.campaign,
                name=member_import.stored_file.original_name,
                data=data,
                actor=request.user,
                base_url=member_import.base_url,
            )
            job = enqueue_job(Job.Kind.PREVIEW_IMPORT, fresh, created_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(url)
    messages.success(
        request, _("Colonnes enregistrées pour vos prochains fichiers ; nouvel aperçu.")
    )
    fresh_url = reverse("portals:import_detail", args=[campaign, fresh.pk])
    return redirect(f"{fresh_url}?job={job.pk}")


@for_audience(*REVIEWERS)
def import_errors(request, campaign: str, import_id: int):
    member_import = _import(request.user, campaign, import_id)
    if not member_import.snapshot_sha256:
        messages.error(request, _("L'aperçu de cet import n'est pas encore prêt."))
        return redirect("portals:import_detail", campaign, member_import.pk)
    response = HttpResponse(error_report(member_import), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="import-{member_import.pk}-erreurs.xlsx"'
    )
    return response
