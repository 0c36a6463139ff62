"""Pages every side of a request uses: its actions, thread, documents and receipt."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import guards, workflow
from dossiers.messages import post_message
from dossiers.models import FundingRequest
from dossiers.models.funding_request import EDITABLE
from exports.adapters import snapshot_receipt
from exports.pdf_receipt import render_receipt_pdf
from portals import presenters
from portals.access import (
    FEDERATION,
    SME,
    STAFF,
    audience,
    for_audience,
    request_page,
    visible_request,
)
from portals.collective import financing_summary, memberships
from portals.confirmations import NOT_CONFIRMED, REQUEST_CONSEQUENCES, needs_confirmation
from portals.forms import MessageForm, TransitionForm
from reading.models import mark_read

THREAD_AUDIENCES = (SME, FEDERATION, STAFF)


def request_context(http_request, funding_request: FundingRequest, **extra) -> dict:
    """Everything the request pages show; ``extra`` carries a failed form or an error."""
    user = http_request.user
    today = timezone.localdate()
    options = workflow.options_for(funding_request, user, on=today)
    context = {
        **presenters.request_parts(funding_request),
        "timeline": presenters.timeline(funding_request),
        "changes_asked": presenters.changes_asked(funding_request),
        "thread": presenters.thread(funding_request),
        "options": [o for o in options if o.name in presenters.ACTION_LABELS],
        "note_asked": presenters.NOTE_ASKED,
        "consequences": REQUEST_CONSEQUENCES,
        "editable": funding_request.state in EDITABLE,
        "warnings": guards.plan_warnings(funding_request, today),
        "message_form": MessageForm(initial={"next": http_request.get_full_path()}),
        "memberships": memberships(funding_request, user),
        "financing": financing_summary(funding_request),
        "link_bundle": "portals:bundle" if audience(user) in (FEDERATION, STAFF) else "",
    }
    if context["editable"]:
        context["missing"] = guards.submission_problems(funding_request, today)
    context.update(extra)
    offered = {o.name for o in context["options"]}
    if extra.get("action_note") and extra.get("action_name") not in offered:
        # The action is gone (someone acted first): still give back the note typed.
        context["orphan_note"] = extra["action_note"]
    return context


def render_request_page(http_request, funding_request: FundingRequest, status=200, **extra):
    """The SME's request page or the federation's review screen, whoever is looking."""
    context = request_context(http_request, funding_request, **extra)
    mark_read(http_request.user, funding_request)  # its thread is on the page
    if audience(http_request.user) in (FEDERATION, STAFF):
        template = "portals/federation/review.html"
    else:
        template = "portals/sme/request_detail.html"
    return render(http_request, template, context, status=status)


@for_audience(SME, FEDERATION, STAFF)
@require_POST
def transition(http_request, reference: str):
    """Do one workflow transition from a request page; a refusal shows the guard's reasons."""
    funding_request = visible_request(http_request.user, reference)
    form = TransitionForm(http_request.POST)
    if not form.is_valid() or form.cleaned_data["transition"] not in presenters.ACTION_LABELS:
        messages.error(http_request, _("Action inconnue : rechargez la page."))
        return redirect(_page(http_request, funding_request))
    name = form.cleaned_data["transition"]
    if needs_confirmation(REQUEST_CONSEQUENCES, name, http_request.POST):
        return render_request_page(
            http_request,
            funding_request,
            action_error=workflow.Refused(str(NOT_CONFIRMED)),
            action_name=name,
            action_note=form.cleaned_data["note"],
        )
    try:
        workflow.perform(
            funding_request,
            name,
            actor=http_request.user,
            note=form.cleaned_data["note"],
            expected_state=form.cleaned_data["expected_state"],
        )
    except workflow.WorkflowError as exc:
        funding_request.refresh_from_db()
        return render_request_page(
            http_request,
            funding_request,
            action_error=exc,
            action_name=name,
            action_note=form.cleaned_data["note"],
        )
    messages.success(
        http_request,
        _("%(action)s : c'est fait.") % {"action": presenters.TRANSITION_LABELS[name]},
    )
    return redirect(_page(http_request, funding_request))


def _page(http_request, funding_request) -> str:
    return request_page(http_request.user, funding_request)


@for_audience(*THREAD_AUDIENCES)
def thread(http_request, reference: str):
    """The conversation between the SME and the federation; posting adds a message."""
    funding_request = visible_request(http_request.user, reference)
    form = MessageForm(http_request.POST or None)
    if http_request.method == "POST" and form.is_valid():
        try:
            post_message(funding_request, author=http_request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            messages.success(http_request, _("Votre message a été envoyé."))
            target = form.cleaned_data["next"]
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={http_request.get_host()}, require_https=False
            ):
                target = _page(http_request, funding_request)
            return redirect(f"{target.split('#')[0]}#messages")
    mark_read(http_request.user, funding_request)
    return render(
        http_request,
        "portals/thread.html",
        {
            "fr": funding_request,
            "thread": presenters.thread(funding_request),
            "message_form": form,
            "back": _page(http_request, funding_request),
        },
    )


@login_required
def document_download(http_request, reference: str, document_id: int):
    """A supporting document, streamed only to who may see the request, never inline."""
    funding_request = visible_request(http_request.user, reference)
    document = get_object_or_404(
        funding_request.documents.select_related("stored_file"), pk=document_id
    )
    stored = document.stored_file
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    _private(response)
    return response


@login_required
def receipt(http_request, reference: str):
    """The deposit receipt (PDF) of a request that has been submitted."""
    funding_request = visible_request(http_request.user, reference)
    if funding_request.submitted_at is None:
        raise Http404
    pdf = render_receipt_pdf(snapshot_receipt(funding_request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="accuse-depot-{funding_request.reference}.pdf"'
    )
    _private(response)
    return response


def _private(response) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
