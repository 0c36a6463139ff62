"""Completing a request, step by step: project, plan, quotes, de minimis, documents.

Used by the SME and by the federation that prefilled the request (both are applicants).
Every step carries the version the form was opened on. A failed step re-renders with
everything that was typed; a concurrent change shows who changed what and keeps the
typed data, ready to be saved again on top of the new version.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import plan, request_parts, requests
from dossiers.models import FinancingLine, RemovedDocument
from dossiers.models.funding_request import EDITABLE
from dossiers.workflow import Conflict, Forbidden
from portals.access import FEDERATION, SME, STAFF, editable_request, for_audience, request_page
from portals.forms import (
    AidFormSet,
    DeMinimisForm,
    DocumentForm,
    QuoteFormSet,
    RequestForm,
    SourceFormSet,
    UseFormSet,
    VersionedForm,
)

APPLICANTS = (SME, FEDERATION, STAFF)


def _kept(data, version: int):
    """The typed data, now pointing at the current version so it can be saved again."""
    data = data.copy()
    data["version"] = str(version)
    return data


def _conflict(http_request, funding_request, exc: Conflict) -> dict:
    funding_request.refresh_from_db()
    return {
        "conflict": exc.message,
        "conflict_can_retry": funding_request.state in EDITABLE,
    }


def _done(http_request, funding_request, text: str):
    messages.success(http_request, text)
    return redirect(request_page(http_request.user, funding_request))


def _not_editable(http_request, funding_request):
    if funding_request.state in EDITABLE:
        return None
    messages.warning(
        http_request,
        _("Cette demande est « %(state)s » : elle n'est plus modifiable.")
        % {"state": funding_request.get_state_display()},
    )
    return redirect(request_page(http_request.user, funding_request))


def _page(http_request, template: str, funding_request, **context):
    return render(
        http_request,
        f"portals/sme/{template}",
        {
            "fr": funding_request,
            "back": request_page(http_request.user, funding_request),
            **context,
        },
    )


@for_audience(*APPLICANTS)
def project_edit(http_request, reference: str):
    funding_request = editable_request(http_request.user, reference)
    if http_request.method != "POST":
        if stop := _not_editable(http_request, funding_request):
            return stop
        form = RequestForm(instance=funding_request, initial={"version": funding_request.version})
        return _page(http_request, "project_edit.html", funding_request, form=form)
    form = RequestForm(http_request.POST, instance=funding_request)
    extra = {"has_errors": True}
    if form.is_valid():
        try:
            requests.update_request(
                funding_request,
                actor=http_request.user,
                expected_version=form.cleaned_data["version"],
                **form.request_fields(),
            )
        except Conflict as exc:
            extra = _conflict(http_request, funding_request, exc)
            form = RequestForm(_kept(http_request.POST, funding_request.version))
        except Forbidden as exc:
            raise Http404 from exc
        else:
            return _done(http_request, funding_request, _("Projet et mandat enregistrés."))
    return _page(http_request, "project_edit.html", funding_request, form=form, **extra)


def with_added_line(formset, add_to: str):
    """The formset as typed, unsaved and unchecked, with one more blank line if it is the
    one asked for: adding a line without JavaScript (the script adds it in place)."""
    rows = []
    for form in formset.forms:
        values = {name: form[name].value() for name in form.fields if name != "DELETE"}
        if form["DELETE"].value() or not form.has_changed():
            continue
        rows.append(values)
    rebuilt = type(formset)(initial=rows, prefix=formset.prefix)
    rebuilt.extra = formset.extra + (1 if formset.prefix == add_to else 0)
    return rebuilt


def plan_totals(uses, sources) -> dict:
    """The plan's running balance as typed so far (lines that do not read as amounts are
    left out: their own message says why)."""
    totals = {}
    for name, formset in (("uses", uses), ("sources", sources)):
        total = Decimal(0)
        for form in formset.forms:
            if form.is_bound and form["DELETE"].value():
                continue
            raw = form["amount"].value()
            try:
                amount = form.fields["amount"].to_python(raw)
            except ValidationError:
                continue
            total += amount or 0
        totals[name] = total
    totals["gap"] = totals["sources"] - totals["uses"]
    return totals


def _lines(formset) -> list[plan.PlanLine]:
    return [
        plan.PlanLine(f.cleaned_data["kind"], f.cleaned_data["label"], f.cleaned_data["amount"])
        for f in formset.forms
        if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@for_audience(*APPLICANTS)
def plan_edit(http_request, reference: str):
    funding_request = editable_request(http_request.user, reference)
    extra = {}
    if http_request.method == "POST":
        data = http_request.POST
        form = VersionedForm(data)
        uses, sources = UseFormSet(data, prefix="uses"), SourceFormSet(data, prefix="sources")
        if add_to := data.get("add_line"):
            form = VersionedForm(initial={"version": data.get("version")})
            uses, sources = with_added_line(uses, add_to), with_added_line(sources, add_to)
        else:
            extra["has_errors"] = True
            if form.is_valid() & uses.is_valid() & sources.is_valid():
                try:
                    plan.set_financing_plan(
                        funding_request,
                        actor=http_request.user,
                        uses=_lines(uses),
                        sources=_lines(sources),
                        expected_version=form.cleaned_data["version"],
                    )
                except Conflict as exc:
                    extra = _conflict(http_request, funding_request, exc)
                    data = _kept(data, funding_request.version)
                    form = VersionedForm(data)
                    uses = UseFormSet(data, prefix="uses")
                    sources = SourceFormSet(data, prefix="sources")
                except ValidationError as exc:
                    extra["plan_errors"] = exc.messages
                except Forbidden as exc:
                    raise Http404 from exc
                else:
                    saved = _("Plan de financement enregistré.")
                    return _done(http_request, funding_request, saved)
    else:
        if stop := _not_editable(http_request, funding_request):
            return stop
        lines = list(funding_request.financing_lines.all())
        initial = {
            side: [
                {"kind": line.kind, "label": line.label, "amount": line.amount}
                for line in lines
                if line.side == side
            ]
            for side in (FinancingLine.Side.USE, FinancingLine.Side.SOURCE)
        }
        form = VersionedForm(initial={"version": funding_request.version})
        uses = UseFormSet(initial=initial[FinancingLine.Side.USE], prefix="uses")
        sources = SourceFormSet(initial=initial[FinancingLine.Side.SOURCE], prefix="sources")
    return _page(
        http_request,
        "plan_edit.html",
        funding_request,
        form=form,
        uses=uses,
        sources=sources,
        totals=plan_totals(uses, sources),
        **extra,
    )


@for_audience(*APPLICANTS)
def quotes_edit(http_request, reference: str):
    funding_request = editable_request(http_request.user, reference)
    extra = {}
    if http_request.method == "POST":
        data = http_request.POST
        form, quotes = VersionedForm(data), QuoteFormSet(data, prefix="quotes")
        extra["has_errors"] = True
        if form.is_valid() & quotes.is_valid():
            rows = [
                request_parts.Quote(**{k: v for k, v in f.cleaned_data.items() if k != "DELETE"})
                for f in quotes.forms
                if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                request_parts.set_quotes(
                    funding_request,
                    actor=http_request.user,
                    quotes=rows,
                    expected_version=form.cleaned_data["version"],
                )
            except Conflict as exc:
                extra = _conflict(http_request, funding_request, exc)
                data = _kept(data, funding_request.version)
                form, quotes = VersionedForm(data), QuoteFormSet(data, prefix="quotes")
            except Forbidden as exc:
                raise Http404 from exc
            else:
                return _done(http_request, funding_request, _("Devis enregistrés."))
    else:
        if stop := _not_editable(http_request, funding_request):
            return stop
        form = VersionedForm(initial={"version": funding_request.version})
        quotes = QuoteFormSet(
            initial=list(
                funding_request.quotes.values(
                    "supplier_name",
                    "supplier_siret",
                    "quote_date",
                    "amount_excl_vat",
                    "description",
                )
            ),
            prefix="quotes",
        )
    return _page(
        http_request, "quotes_edit.html", funding_request, form=form, quotes=quotes, **extra
    )


@for_audience(*APPLICANTS)
def de_minimis_edit(http_request, reference: str):
    funding_request = editable_request(http_request.user, reference)
    extra = {}
    if http_request.method == "POST":
        data = http_request.POST
        form, aids = DeMinimisForm(data), AidFormSet(data, prefix="aids")
        extra["has_errors"] = True
        if form.is_valid() & aids.is_valid():
            rows = [
                request_parts.Aid(**{k: v for k, v in f.cleaned_data.items() if k != "DELETE"})
                for f in aids.forms
                if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                request_parts.set_de_minimis(
                    funding_request,
                    actor=http_request.user,
                    aids=rows,
                    expected_version=form.cleaned_data["version"],
                    **fields,
                )
            except Conflict as exc:
                extra = _conflict(http_request, funding_request, exc)
                data = _kept(data, funding_request.version)
                form, aids = DeMinimisForm(data), AidFormSet(data, prefix="aids")
            except ValidationError as exc:
                form.add_error("no_aid_received", exc)
            except Forbidden as exc:
                raise Http404 from exc
            else:
                return _done(
                    http_request, funding_request, _("Déclaration de minimis enregistrée.")
                )
    else:
        if stop := _not_editable(http_request, funding_request):
            return stop
        declaration = getattr(funding_request, "de_minimis", None)
        initial = {"version": funding_request.version}
        aid_rows = []
        if declaration is not None:
            initial.update(
                declared_by=declaration.declared_by,
                declared_on=declaration.declared_on,
                no_aid_received=declaration.no_aid_received,
            )
            aid_rows = list(
                declaration.aids.values("granting_body", "regulation", "granted_on", "amount")
            )
        form = DeMinimisForm(initial=initial)
        aids = AidFormSet(initial=aid_rows, prefix="aids")
    return _page(
        http_request, "de_minimis_edit.html", funding_request, form=form, aids=aids, **extra
    )


@for_audience(*APPLICANTS)
def documents(http_request, reference: str):
    """The request's supporting documents, and a form to add one."""
    funding_request = editable_request(http_request.user, reference)
    extra = {}
    if http_request.method == "POST":
        form = DocumentForm(http_request.POST, http_request.FILES)
        extra["has_errors"] = True
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                request_parts.add_document(
                    funding_request,
                    actor=http_request.user,
                    kind=form.cleaned_data["kind"],
                    name=upload.name,
                    data=upload,  # read in chunks: a large upload is a temporary file
                    issued_on=form.cleaned_data["issued_on"],
                    expires_on=form.cleaned_data["expires_on"],
                    expected_version=form.cleaned_data["version"],
                )
            except Conflict as exc:
                extra = _conflict(http_request, funding_request, exc)
                form = DocumentForm(_kept(http_request.POST, funding_request.version))
            except ValidationError as exc:
                # A date's problem is said on that date's field; a file's on the file.
                form.add_error(None if hasattr(exc, "error_dict") else "file", exc)
            except Forbidden as exc:
                raise Http404 from exc
            else:
                messages.success(
                    http_request, _("Pièce « %(name)s » ajoutée.") % {"name": upload.name}
                )
                return redirect("portals:documents", funding_request.reference)
    else:
        form = DocumentForm(initial={"version": funding_request.version})
    return _page(
        http_request,
        "documents.html",
        funding_request,
        form=form,
        documents=funding_request.documents.select_related("stored_file"),
        removed=funding_request.removed_documents.select_related("stored_file", "removed_by"),
        editable=funding_request.state in EDITABLE,
        **extra,
    )


@for_audience(*APPLICANTS)
@require_POST
def document_delete(http_request, reference: str, document_id: int):
    funding_request = editable_request(http_request.user, reference)
    document = funding_request.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    try:
        request_parts.remove_document(
            funding_request, actor=http_request.user, document_id=document_id
        )
    except Conflict as exc:
        messages.error(http_request, exc.message)
    except Forbidden as exc:
        raise Http404 from exc
    else:
        messages.success(
            http_request,
            _(
                "Pièce retirée de la demande. Elle reste dans « Pièces retirées » : "
                "vous pouvez la remettre."
            ),
        )
    return redirect("portals:documents", funding_request.reference)


@for_audience(*APPLICANTS)
@require_POST
def document_restore(http_request, reference: str, removed_id: int):
    """Undo a removal: the document is attached again."""
    funding_request = editable_request(http_request.user, reference)
    try:
        request_parts.restore_document(
            funding_request, actor=http_request.user, removed_id=removed_id
        )
    except RemovedDocument.DoesNotExist as exc:
        raise Http404 from exc
    except Conflict as exc:
        messages.error(http_request, exc.message)
    except Forbidden as exc:
        raise Http404 from exc
    else:
        messages.success(http_request, _("Pièce remise dans la demande."))
    return redirect("portals:documents", funding_request.reference)
