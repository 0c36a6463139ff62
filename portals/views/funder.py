"""The funder's space: the bundles sent to it, a bundle's page with its package, a decision
per member, and the requests sent to it (read-only).

A funder sees a bundle once it is submitted to it (``Bundle.objects.visible_to``) and a
request once it is sent to it (``FundingRequest.objects.visible_to``); anything else is a
404. Each decision is ``grouping.bundles.record_decision``: the last one decides the bundle.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import guards
from dossiers.workflow import Conflict, WorkflowError
from grouping.decisions import record_decision
from grouping.models import Bundle, BundleMember, BundleState
from portals import presenters
from portals.access import FUNDER, for_audience, visible_request
from portals.collective import financing_summary, memberships
from portals.collective_forms import DecisionForm, InboxFilterForm
from portals.sorting import sort_links, sort_rows
from portals.views.bundles import bundle_context, visible_bundle

M = BundleMember.Status
# The inbox's sortable columns (portals.sorting).
INBOX_SORTABLE = {
    "dossier": ("reference",),
    "chef-de-file": ("campaign__federation__name",),
    "membres": ("member_count",),
    "prets": ("loan_total",),
    "subventions": ("grant_total",),
    "transmis": ("submitted_at",),
    "etat": ("state",),
}


@for_audience(FUNDER)
def home(http_request):
    """The inbox: every bundle sent to the funder, those awaiting decisions first."""
    # The inbox opens on what waits for a decision; "Tous" shows everything.
    params = http_request.GET or QueryDict(f"state={BundleState.SUBMITTED}")
    form = InboxFilterForm(params)
    bundles = (
        Bundle.objects.visible_to(http_request.user)
        .select_related("campaign__federation")
        .annotate(
            pending=Count("members", filter=Q(members__active=True, members__status=M.ACTIVE))
        )
        .order_by("-submitted_at", "reference")
    )
    if form.is_valid() and form.cleaned_data["state"]:
        bundles = bundles.filter(state=form.cleaned_data["state"])
    if form.is_valid() and (q := form.cleaned_data["q"].strip()):
        # Members through a subquery: a join would multiply the pending count above.
        matching = BundleMember.objects.filter(
            Q(request__reference__icontains=q) | Q(request__enterprise__name__icontains=q)
        ).values("bundle")
        bundles = bundles.filter(
            Q(reference__icontains=q)
            | Q(campaign__federation__name__icontains=q)
            | Q(pk__in=matching)
        )
    bundles, sorted_on = sort_rows(bundles, params, INBOX_SORTABLE)
    return render(
        http_request,
        "portals/funder/home.html",
        {
            "bundles": bundles,
            "form": form,
            "sort": sort_links(params, INBOX_SORTABLE, sorted_on),
            "none_sent": not Bundle.objects.visible_to(http_request.user).exists(),
        },
    )


@for_audience(FUNDER)
def bundle_page(http_request, bundle: str):
    """A bundle sent to the funder: its members, the package, a decision link per member."""
    found = visible_bundle(http_request.user, bundle)
    return render(http_request, "portals/funder/bundle.html", bundle_context(http_request, found))


@for_audience(FUNDER)
def decision(http_request, bundle: str, member_id: int):
    """Approve one member with an amount, or decline it with a reason."""
    found = visible_bundle(http_request.user, bundle)
    member = get_object_or_404(
        found.members.select_related("request__enterprise").exclude(status=M.WITHDRAWN),
        pk=member_id,
    )
    form = DecisionForm(
        http_request.POST or None,
        asked=member.asked,
        line=member.line,
        initial={
            "amount": member.asked,
            "guarantor": found.guarantor,
            "guarantee_share": found.guarantee_share,
            "duration_months": member.request.loan_duration_months,
            "deferral_months": member.request.loan_deferral_months,
        },
    )
    refused = None
    if http_request.method == "POST" and form.is_valid():
        approved = form.cleaned_data["decision"] == DecisionForm.APPROVE
        try:
            record_decision(
                found,
                member,
                actor=http_request.user,
                approved=approved,
                amount=form.cleaned_data["amount"] if approved else None,
                reason=form.cleaned_data["reason"].strip(),
                decline_code="" if approved else form.cleaned_data["decline_code"],
                grant_act_date=form.cleaned_data.get("grant_act_date") if approved else None,
                loan_terms=form.loan_terms() if approved else None,
            )
        except Conflict as exc:
            messages.warning(http_request, exc.message)
            return redirect("portals:funder_bundle", found.reference)
        except WorkflowError as exc:
            refused = exc
        else:
            text = (
                _("%(ref)s : financement accordé.")
                if approved
                else _("%(ref)s : refus enregistré.")
            )
            messages.success(http_request, text % {"ref": member.request.reference})
            return redirect("portals:funder_bundle", found.reference)
    return render(
        http_request,
        "portals/funder/decision.html",
        {
            "bundle": found,
            "member": member,
            "fr": member.request,
            "form": form,
            "refused": refused,
            "has_errors": http_request.method == "POST",
            "open": found.state == BundleState.SUBMITTED and member.status == M.ACTIVE,
        },
    )


@for_audience(FUNDER)
def request_page(http_request, reference: str):
    """A request sent to the funder, read-only: the enterprise, the plan, the documents."""
    funding_request = visible_request(http_request.user, reference)
    return render(
        http_request,
        "portals/funder/request.html",
        {
            **presenters.request_parts(funding_request),
            "warnings": guards.plan_warnings(funding_request, timezone.localdate()),
            "timeline": presenters.timeline(funding_request),
            "memberships": memberships(funding_request, http_request.user),
            "financing": financing_summary(funding_request),
        },
    )
