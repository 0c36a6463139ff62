"""The federation's page of one bundle (collective file): members, totals, history, the
actions the lead partner may take, the documents and their build.

Each action is one service of ``grouping.bundles`` (or the documents build job); a
refusal comes back on the page with the service's reasons, nothing done.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dossiers.workflow import Conflict, Refused, WorkflowError
from exports.services import request_build
from grouping import bundles as services
from grouping import permissions
from grouping.models import Bundle, BundleState
from portals.access import FEDERATION, STAFF, for_audience
from portals.collective import (
    BUNDLE_ACTIONS,
    bundle_history,
    bundle_options,
    documents_of,
    followed_job,
    members_of,
)
from portals.collective_forms import BundleActionForm
from portals.confirmations import BUNDLE_CONSEQUENCES, NOT_CONFIRMED, needs_confirmation
from workers.models import Job

REVIEWERS = (FEDERATION, STAFF)
NOTE_OFFERED = {"dissolve", "submit", "close"}
WITHDRAWABLE = (BundleState.DRAFT, BundleState.SEALED)  # grouping.bundles.withdraw_member


def visible_bundle(user, reference: str) -> Bundle:
    """The bundle ``reference`` if ``user`` may see it, else 404."""
    return get_object_or_404(
        Bundle.objects.visible_to(user).select_related(
            "campaign__federation", "funder", "run__actor"
        ),
        reference=reference,
    )


def bundle_context(http_request, bundle: Bundle, **extra) -> dict:
    """What both sides' bundle pages show; ``extra`` carries a refused action."""
    user = http_request.user
    members = members_of(bundle)
    return {
        "bundle": bundle,
        "members": members,
        "history": bundle_history(bundle),
        "build": documents_of(bundle),
        "works_on_it": permissions.is_lead_partner(bundle, user)
        or permissions.is_bundle_funder(bundle, user),
        "job": followed_job(user, Job.Kind.BUILD_DOCUMENTS, bundle, http_request.GET.get("job")),
        "options": bundle_options(bundle, user, members, timezone.localdate()),
        "note_offered": NOTE_OFFERED,
        "consequences": BUNDLE_CONSEQUENCES,
        "pending": sum(1 for m in members if m.active and m.status == m.Status.ACTIVE),
        "can_withdraw": bundle.state in WITHDRAWABLE and permissions.is_lead_partner(bundle, user),
        **extra,
    }


def _render(http_request, bundle: Bundle, **extra):
    return render(
        http_request,
        "portals/federation/bundle.html",
        bundle_context(http_request, bundle, **extra),
    )


@for_audience(*REVIEWERS)
def bundle_page(http_request, bundle: str):
    return _render(http_request, visible_bundle(http_request.user, bundle))


def _act(name: str, bundle: Bundle, user, note: str):
    if name == "seal":
        return services.seal_bundle(bundle, actor=user, note=note)
    if name == "dissolve":
        return services.dissolve_bundle(bundle, actor=user, note=note)
    if name == "submit":
        return services.submit_bundle(bundle, actor=user, note=note)
    if name == "close":
        return services.close_bundle(bundle, actor=user, note=note)
    raise Http404


DONE = {
    "seal": gettext_lazy(
        "Dossier scellé : ses membres ne changent plus. Construisez maintenant ses documents."
    ),
    "dissolve": gettext_lazy("Dossier dissous : ses demandes redeviennent éligibles."),
    "submit": gettext_lazy("Dossier transmis au financeur."),
    "close": gettext_lazy("Dossier clos."),
}


@for_audience(*REVIEWERS)
@require_POST
def bundle_action(http_request, bundle: str):
    """Seal, dissolve, build the documents of, submit or close a bundle."""
    bundle = visible_bundle(http_request.user, bundle)
    form = BundleActionForm(http_request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in BUNDLE_ACTIONS:
        messages.error(http_request, _("Action inconnue : rechargez la page."))
        return redirect("portals:bundle", bundle.reference)
    name, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if form.cleaned_data["expected_state"] != bundle.state:
            raise Conflict(
                _(
                    "Le dossier est passé « %(state)s » depuis l'affichage de la page : "
                    "vérifiez-le puis recommencez."
                )
                % {"state": bundle.get_state_display()}
            )
        if needs_confirmation(BUNDLE_CONSEQUENCES, name, http_request.POST):
            raise Refused(str(NOT_CONFIRMED))
        if name == "build":
            return _start_build(http_request, bundle)
        _act(name, bundle, http_request.user, note)
    except WorkflowError as refused:
        bundle.refresh_from_db()
        return _render(
            http_request, bundle, action_error=refused, action_name=name, action_note=note
        )
    messages.success(http_request, DONE[name])
    return redirect("portals:bundle", bundle.reference)


@for_audience(*REVIEWERS)
@require_POST
def member_withdraw(http_request, bundle: str, member_id: int):
    """Take one request out of a draft or sealed bundle; it is eligible again."""
    bundle = visible_bundle(http_request.user, bundle)
    member = get_object_or_404(
        bundle.members.select_related("request").filter(active=True), pk=member_id
    )
    try:
        services.withdraw_member(
            bundle, member, actor=http_request.user, note=http_request.POST.get("note", "")
        )
    except WorkflowError as refused:
        bundle.refresh_from_db()
        return _render(http_request, bundle, action_error=refused)
    messages.success(
        http_request,
        _("%(ref)s retirée du dossier : elle est de nouveau éligible.")
        % {"ref": member.request.reference},
    )
    return redirect("portals:bundle", bundle.reference)


def _start_build(http_request, bundle: Bundle):
    if not permissions.is_lead_partner(bundle, http_request.user):
        raise Http404
    job = request_build(bundle, actor=http_request.user)
    url = reverse("portals:bundle", args=[bundle.reference])
    return redirect(f"{url}?job={job.pk}#documents")
