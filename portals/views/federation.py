"""The federation's space: its requests, the review screen, campaign dashboards, invitations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import invitations
from dossiers.intake import prefill_request
from dossiers.models import Campaign, FundingRequest, RequestState
from dossiers.nomenclature import departements, naf_codes, regions
from dossiers.workflow import Refused, WorkflowError, perform
from portals import export
from portals.access import FEDERATION, STAFF, for_audience, visible_request
from portals.forms import (
    EnterpriseForm,
    InvitationForm,
    PrefillForm,
    RequestFilterForm,
    RequestForm,
)
from portals.sorting import sort_links, sort_rows
from portals.views.shared import render_request_page
from reading.models import unread_messages

REVIEWERS = (FEDERATION, STAFF)
PAGE_SIZE = 25


def _campaigns(user):
    return Campaign.objects.visible_to(user).select_related("federation")


def filtered_requests(user, params) -> tuple[RequestFilterForm, object]:
    """The requests of the person's campaigns, narrowed by the list's filters."""
    form = RequestFilterForm(params or None, campaigns=_campaigns(user))
    rows = (
        FundingRequest.objects.visible_to(user)
        .filter(campaign__in=_campaigns(user))
        .select_related("campaign", "enterprise")
        .annotate(requested=F("grant_amount") + F("loan_amount"))
        .order_by("-submitted_at", "-created_at")
    )
    if not form.is_valid():
        return form, rows.none() if params else rows
    f = form.cleaned_data
    if f["q"]:
        q = f["q"].strip()
        rows = rows.filter(
            Q(reference__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__siret__startswith=q.replace(" ", ""))
        )
    if f["campaign"]:
        rows = rows.filter(campaign=f["campaign"])
    if f["state"]:
        rows = rows.filter(state=f["state"])
    if f["naf"]:
        rows = rows.filter(enterprise__naf_code__startswith=f["naf"])
    if f["departement"]:
        rows = rows.filter(enterprise__departement=f["departement"])
    if f["region"]:
        rows = rows.filter(enterprise__region=f["region"])
    if f["amount_min"] is not None:
        rows = rows.filter(requested__gte=f["amount_min"])
    if f["amount_max"] is not None:
        rows = rows.filter(requested__lte=f["amount_max"])
    return form, rows


# The list's sortable columns (portals.sorting): ?tri=name or ?tri=-name.
SORTABLE = {
    "reference": ("reference",),
    "entreprise": ("enterprise__name",),
    "activite": ("enterprise__naf_code",),
    "territoire": ("enterprise__departement",),
    "etat": ("state",),
    "montant": ("requested",),
    "depot": ("submitted_at",),
}


@for_audience(*REVIEWERS)
def request_list(request):
    form, rows = filtered_requests(request.user, request.GET)
    rows, sorted_on = sort_rows(rows, request.GET, SORTABLE)
    rows = rows.annotate(unread=unread_messages(request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portals/federation/request_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort": sort_links(request.GET, SORTABLE, sorted_on),
            "bulk_results": request.session.pop("bulk_results", None),
        },
    )


@for_audience(*REVIEWERS)
@require_POST
def bulk_start_review(request):
    """ "Commencer l'instruction" on the requests ticked in the list: each one through the
    workflow service on its own, each with its own result (one refused stops no other)."""
    references = request.POST.getlist("selection")[:PAGE_SIZE]
    visible = FundingRequest.objects.visible_to(request.user).filter(
        campaign__in=_campaigns(request.user), reference__in=references
    )
    found = {r.reference: r for r in visible}
    results = []
    for reference in references:
        funding_request = found.get(reference)
        if funding_request is None:
            results.append((reference, False, _("Demande introuvable.")))
            continue
        try:
            perform(
                funding_request,
                "start_review",
                actor=request.user,
                expected_state=RequestState.SUBMITTED,
            )
        except WorkflowError as exc:
            results.append((reference, False, exc.message))
        else:
            results.append((reference, True, _("Instruction commencée.")))
    request.session["bulk_results"] = results
    back = request.POST.get("retour", "")
    return redirect(f"{reverse('portals:federation_requests')}?{back}#resultats")


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="demandes-{stamp}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@for_audience(*REVIEWERS)
def export_csv(request):
    _, rows = filtered_requests(request.user, request.GET)
    return _download(export.render_csv(rows.iterator()), "text/csv; charset=utf-8", "csv")


@for_audience(*REVIEWERS)
def export_xlsx(request):
    _, rows = filtered_requests(request.user, request.GET)
    return _download(
        export.render_xlsx(rows.iterator()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    )


@for_audience(*REVIEWERS)
def review(request, reference: str):
    """Everything about one request, with the decisions the reviewer may take now."""
    return render_request_page(request, visible_request(request.user, reference))


@for_audience(*REVIEWERS)
def campaign_list(request):
    campaigns = _campaigns(request.user).annotate(
        total=Count("funding_requests"),
        waiting=Count(
            "funding_requests",
            filter=Q(funding_requests__state__in=[RequestState.SUBMITTED, RequestState.IN_REVIEW]),
        ),
    )
    return render(request, "portals/federation/campaign_list.html", {"campaigns": campaigns})


def _bars(rows, label_of) -> list[dict]:
    rows = [r for r in rows if r["amount"]]
    top = max((r["amount"] for r in rows), default=0)
    return [
        {"label": label_of(r["key"]), "amount": r["amount"], "count": r["count"], "top": top}
        for r in sorted(rows, key=lambda r: -r["amount"])
    ]


@for_audience(*REVIEWERS)
def campaign_dashboard(request, campaign: str):
    """Counts per state, amounts per région and per trade, as bars with their figures."""
    campaign = get_object_or_404(_campaigns(request.user), reference=campaign)
    requests = FundingRequest.objects.visible_to(request.user).filter(campaign=campaign)
    counts = dict(
        requests.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    states = [(state, label, counts.get(state, 0)) for state, label in RequestState.choices]
    live = requests.exclude(state__in=[RequestState.DRAFT, RequestState.WITHDRAWN])
    amount = Sum(F("grant_amount") + F("loan_amount"))

    def by(field):
        return live.values(key=F(field)).annotate(amount=amount, count=Count("pk")).order_by()

    division_labels = {n.division: n.division_label for n in naf_codes().values()}
    region_names = regions()
    return render(
        request,
        "portals/federation/campaign_dashboard.html",
        {
            "campaign": campaign,
            "states": states,
            "total": sum(counts.values()),
            "by_region": _bars(by("enterprise__region"), lambda k: region_names.get(k, k)),
            "by_trade": _bars(
                by("enterprise__naf_division"),
                lambda k: f"{k} — {division_labels.get(k, '')}",
            ),
            "departements": departements(),
        },
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@for_audience(*REVIEWERS)
def prefill(request):
    """The federation describes an enterprise and a draft request, then invites the SME."""
    data = request.POST if request.method == "POST" else None
    form = PrefillForm(data, campaigns=_campaigns(request.user))
    # A SIRET already registered is not an error here: prefill_request reuses that
    # enterprise when the federation already deals with it, and refuses it otherwise.
    enterprise_form = EnterpriseForm(data, prefix="ent", registered_siret_allowed=True)
    project = RequestForm(data, prefix="req")
    if data is not None and form.is_valid() & enterprise_form.is_valid() & project.is_valid():
        try:
            with transaction.atomic():
                created = prefill_request(
                    actor=request.user,
                    campaign=form.cleaned_data["campaign"],
                    enterprise=enterprise_form.cleaned_data,
                    project=project.request_fields(),
                )
                invitations.invite(
                    funding_request=created,
                    email=form.cleaned_data["email"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    invited_by=request.user,
                    base_url=_base_url(request),
                )
        except Refused as exc:  # the undertaking already has a request in this campaign
            for problem in exc.problems:
                form.add_error("campaign", problem)
        except WorkflowError as refused:
            enterprise_form.add_error("siret", refused.text)
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(
                request,
                _("Demande %(ref)s préremplie ; invitation envoyée à %(email)s.")
                % {"ref": created.reference, "email": form.cleaned_data["email"]},
            )
            return redirect("portals:review", created.reference)
    return render(
        request,
        "portals/federation/prefill.html",
        {
            "form": form,
            "enterprise_form": enterprise_form,
            "project": project,
            "has_errors": data is not None,
        },
    )


@for_audience(*REVIEWERS)
def invite(request, reference: str):
    """Invite (again) a representative to complete a request of the federation's campaign."""
    funding_request = visible_request(request.user, reference)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invite(
                funding_request=funding_request,
                invited_by=request.user,
                base_url=_base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        except Refused as exc:  # the undertaking already has a request in this campaign
            for problem in exc.problems:
                form.add_error("campaign", problem)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % form.cleaned_data)
            return redirect("portals:review", funding_request.reference)
    return render(
        request,
        "portals/federation/invite.html",
        {"fr": funding_request, "form": form, "has_errors": request.method == "POST"},
    )
