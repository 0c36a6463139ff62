"""The federation's grouping screen, per campaign: its rules, a preview, a run, the result.

The preview is a dry run (``run_grouping(..., dry_run=True)``): nothing is written but the
run's record. A real run is a background job (``grouping.tasks``), followed on the page
by a progress bar polling ``/jobs/<id>/progress``; its bundles then show as drafts.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers.models import Campaign, FundingRequest, Instrument, MissingParameter, SchemeParameter
from dossiers.workflow import Conflict, WorkflowError
from grouping.models import Bundle, BundleState, GroupingPolicy, GroupingRun
from grouping.models.bundle import KIND_LABELS
from grouping.models.policy import grant_figures, lender_figures
from grouping.models.run import UNPLACED_CHOICES
from grouping.runs import run_grouping, start_grouping
from portals.access import FEDERATION, STAFF, for_audience
from portals.collective import followed_job
from portals.collective_forms import PolicyForm, level_words
from workers.models import Job

REVIEWERS = (FEDERATION, STAFF)
BUNDLES_PER_PAGE = 50
ROWS_SHOWN = 200  # of a preview's bundles, and of the requests left out
P = SchemeParameter.Key


def _campaign(user, reference: str) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(user).select_related("federation"), reference=reference
    )


def _kind(http_request) -> str:
    """Which collectives the screen shows: lender bundles (default) or grant collectives."""
    asked = http_request.POST.get("kind") or http_request.GET.get("kind")
    return asked if asked in Instrument.values else Instrument.LOAN


def _policy(campaign: Campaign, kind: str) -> GroupingPolicy | None:
    return (
        GroupingPolicy.objects.select_related("funder").filter(campaign=campaign, kind=kind).first()
    )


def _figures(policy: GroupingPolicy | None) -> dict | None:
    """The funder's numbers in force today, in euros, or the sentence saying one is missing."""
    if policy is None:
        return None
    try:
        if policy.kind == Instrument.GRANT:
            cents = grant_figures(policy.funder, timezone.localdate())
        else:
            cents = lender_figures(policy.funder, timezone.localdate())
    except MissingParameter as missing:
        return {"missing": str(missing)}

    def euros(key):
        return None if cents.get(key) is None else Decimal(cents[key]) / 100

    return {
        "funder": policy.funder.name,
        "kind": policy.kind,
        "lender_minimum": euros(P.LENDER_MINIMUM),
        "lender_maximum": euros(P.LENDER_MAXIMUM),
        "loan_min": euros(P.LOAN_MIN),
        "loan_max": euros(P.LOAN_MAX),
        "grant_cap": euros(P.GRANT_CAP),
        "operation_minimum": euros(P.OPERATION_MINIMUM),
        "operation_maximum": euros(P.OPERATION_MAXIMUM),
    }


def _kinds(user, campaign: Campaign, current: str) -> list[dict]:
    """The two tabs: each kind with its collectives and how many coincide with the other."""
    live = Bundle.objects.filter(campaign=campaign).exclude(state=BundleState.DISSOLVED)
    counts = dict(
        live.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    twins = live.filter(kind=Instrument.GRANT, twin__isnull=False).count()
    return [
        {
            "kind": kind,
            "label": KIND_LABELS[kind],
            "count": counts.get(kind, 0),
            "current": kind == current,
            "twins": twins,
        }
        for kind in (Instrument.LOAN, Instrument.GRANT)
    ]


def _result(user, campaign: Campaign, kind: str, page_number) -> dict:
    """The campaign's current collectives of ``kind`` and what its last real run of that
    kind left out."""
    bundles = (
        Bundle.objects.visible_to(user)
        .filter(campaign=campaign, kind=kind)
        .exclude(state=BundleState.DISSOLVED)
        .select_related("funder")
        .order_by("-created_at", "reference")
    )
    # order_by(): the list's ordering would otherwise join the GROUP BY (one per bundle).
    counts = dict(
        bundles.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    last_run = (
        GroupingRun.objects.filter(campaign=campaign, kind=kind, dry_run=False)
        .select_related("actor")
        .order_by("-started_at", "-pk")
        .first()
    )
    unplaced = []
    if last_run is not None and last_run.status == GroupingRun.Status.DONE:
        unplaced = list(
            last_run.unplaced.select_related("request__enterprise").order_by("request__reference")[
                :ROWS_SHOWN
            ]
        )
    return {
        "bundles": Paginator(bundles, BUNDLES_PER_PAGE).get_page(page_number),
        "bundle_counts": [
            (label, counts[state]) for state, label in BundleState.choices if counts.get(state)
        ],
        "last_run": last_run,
        "unplaced": unplaced,
    }


def _page(http_request, campaign: Campaign, *, form=None, status=200, **extra):
    kind = _kind(http_request)
    policy = _policy(campaign, kind)
    form = form or PolicyForm(campaign=campaign, policy=policy, kind=kind)
    context = {
        "campaign": campaign,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "kinds": _kinds(http_request.user, campaign, kind),
        "policy": policy,
        "ladder": [level_words(*step) for step in policy.ladder] if policy else [],
        "form": form,
        "figures": _figures(policy),
        "job": followed_job(
            http_request.user, Job.Kind.RUN_GROUPING, campaign, http_request.GET.get("job")
        ),
        **_result(http_request.user, campaign, kind, http_request.GET.get("page")),
        **extra,
    }
    return render(http_request, "portals/federation/grouping.html", context, status=status)


@for_audience(*REVIEWERS)
def grouping(http_request, campaign: str):
    """The screen; a POST saves the rules (every problem shown next to its field)."""
    campaign = _campaign(http_request.user, campaign)
    if http_request.method != "POST":
        return _page(http_request, campaign)
    kind = _kind(http_request)
    form = PolicyForm(
        http_request.POST, campaign=campaign, policy=_policy(campaign, kind), kind=kind
    )
    if not form.is_valid():
        return _page(http_request, campaign, form=form, has_errors=True)
    try:
        form.save(actor=http_request.user)
    except Conflict as changed:
        # The page shows the rules now saved; what this person typed stays in the form,
        # now carrying the current version: saving again replaces the rules knowingly.
        data = http_request.POST.copy()
        current = _policy(campaign, kind)
        data["version"] = current.version if current is not None else ""
        form = PolicyForm(data, campaign=campaign, policy=current, kind=kind)
        form.is_valid()
        conflict = " ".join(
            [
                changed.message,
                _(
                    "Les règles enregistrées sont affichées ci-dessous et votre saisie est "
                    "conservée dans le formulaire : enregistrez à nouveau pour les remplacer."
                ),
            ]
        )
        return _page(http_request, campaign, form=form, conflict=conflict, status=409)
    messages.success(http_request, _("Règles de regroupement enregistrées."))
    return redirect(_screen(campaign, kind))


def _screen(campaign: Campaign, kind: str, anchor: str = "") -> str:
    return f"{reverse('portals:grouping', args=[campaign.reference])}?kind={kind}{anchor}"


@dataclass(frozen=True)
class PreviewBundle:
    description: str
    level: int
    level_label: str
    members: int
    loan_total: Decimal
    grant_total: Decimal


@dataclass(frozen=True)
class PreviewUnplaced:
    reference: str
    enterprise: str
    code_label: str
    reason: str


def _preview(result) -> dict:
    ladder = result.run.policy.get("ladder", [])
    bundles = []
    for summary in result.bundles():
        if len(bundles) == ROWS_SHOWN:
            break
        trade, territory = ladder[summary.level]
        bundles.append(
            PreviewBundle(
                description=summary.description,
                level=summary.level + 1,
                level_label=level_words(trade, territory),
                members=len(summary.member_ids),
                loan_total=summary.loan_total,
                grant_total=summary.grant_total,
            )
        )
    left_out = result.unplaced[:ROWS_SHOWN]
    requests = FundingRequest.objects.select_related("enterprise").in_bulk(
        [u.request_id for u in left_out]
    )
    labels = dict(UNPLACED_CHOICES)
    unplaced = [
        PreviewUnplaced(
            reference=requests[u.request_id].reference,
            enterprise=requests[u.request_id].enterprise.name,
            code_label=str(labels.get(u.code.value, u.code.value)),
            reason=u.reason,
        )
        for u in left_out
        if u.request_id in requests
    ]
    return {
        "run": result.run,
        "bundles": bundles,
        "unplaced": unplaced,
        "loan_total": Decimal(sum(b.loan_total for b in result.proposed.bundles)) / 100,
        "grant_total": Decimal(sum(b.grant_total for b in result.proposed.bundles)) / 100,
        "rows_shown": ROWS_SHOWN,
    }


@for_audience(*REVIEWERS)
@require_POST
def grouping_preview(http_request, campaign: str):
    """A dry run: the bundles a run would propose, and why some requests would stay out."""
    campaign = _campaign(http_request.user, campaign)
    try:
        result = run_grouping(
            campaign, actor=http_request.user, kind=_kind(http_request), dry_run=True
        )
    except WorkflowError as refused:
        return _page(http_request, campaign, run_error=refused)
    return _page(http_request, campaign, preview=_preview(result))


@for_audience(*REVIEWERS)
@require_POST
def grouping_run(http_request, campaign: str):
    """Start the grouping as a background job; the page then follows its progress."""
    campaign = _campaign(http_request.user, campaign)
    kind = _kind(http_request)
    try:
        job = start_grouping(campaign, actor=http_request.user)
    except WorkflowError as refused:
        messages.error(http_request, refused.text)
        return redirect(_screen(campaign, kind))
    return redirect(_screen(campaign, kind, f"&job={job.pk}#regroupement"))
