"""What the pages show about a request: its timeline and its thread, in plain words."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from dossiers.models import FinancingLine, FundingRequest, RequestState
from portals.amounts import euros

# One sentence per transition, as the applicant and the reviewer read it.
TRANSITION_LABELS = {
    "submit": _("Demande déposée"),
    "resubmit": _("Demande complétée et déposée à nouveau"),
    "start_review": _("Instruction commencée"),
    "request_changes": _("Compléments demandés"),
    "mark_eligible": _("Demande jugée éligible"),
    "reject": _("Demande refusée"),
    "group": _("Toutes ses lignes sont dans un dossier collectif"),
    "ungroup": _("Retirée du dossier collectif"),
    "send": _("Toutes ses lignes sont transmises aux financeurs"),
    "note_line": _("Suivi d'une ligne de financement"),
    "approve": _("Financement accordé"),
    "decline": _("Financement refusé par le financeur"),
    "withdraw": _("Demande retirée"),
    "reopen": _("Demande rouverte"),
}
# The label of the button that does each transition.
ACTION_LABELS = {
    "submit": _("Déposer la demande"),
    "resubmit": _("Déposer à nouveau"),
    "start_review": _("Commencer l'instruction"),
    "request_changes": _("Demander des compléments"),
    "mark_eligible": _("Déclarer éligible"),
    "reject": _("Refuser la demande"),
    "withdraw": _("Retirer la demande"),
    "reopen": _("Rouvrir la demande"),
}
# Where a note matters, the form asks for one (the guards refuse these without it).
NOTE_ASKED = {"request_changes", "reject", "reopen"}
# Which states wait on whom: the lists show "à vous d'agir" on these rows.
WAITING_ON = {
    "sme": {RequestState.DRAFT, RequestState.NEEDS_CHANGES},
    "federation": {RequestState.SUBMITTED, RequestState.IN_REVIEW},
    "staff": {RequestState.SUBMITTED, RequestState.IN_REVIEW},
}
SYSTEM = _("Grappe")


def person(user) -> str:
    if user is None:
        return str(SYSTEM)
    return user.get_full_name() or user.username


def actor(user) -> str:
    """Who acted, for an applicant's eyes: a funder's analyst is named with their bank."""
    name = person(user)
    if user is not None and user.is_funder_member and user.organisation_id:
        return f"{name} ({user.organisation.name})"
    return name


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    actor: str
    note: str
    state: str
    state_label: str


def request_parts(funding_request: FundingRequest) -> dict:
    """What a request page shows of its content, whoever reads it: the enterprise, the
    plan's uses and sources, quotes, de minimis declaration and aids, documents."""
    lines = list(funding_request.financing_lines.all())
    declaration = getattr(funding_request, "de_minimis", None)
    return {
        "fr": funding_request,
        "enterprise": funding_request.enterprise,
        "uses": [line for line in lines if line.side == FinancingLine.Side.USE],
        "sources": [line for line in lines if line.side == FinancingLine.Side.SOURCE],
        "quotes": list(funding_request.quotes.all()),
        "declaration": declaration,
        "aids": list(declaration.aids.all()) if declaration else [],
        "documents": list(funding_request.documents.select_related("stored_file")),
    }


def timeline(funding_request: FundingRequest) -> list[TimelineEntry]:
    """Creation, then every transition in order, with who did it and the note."""
    entries = [
        TimelineEntry(
            at=funding_request.created_at,
            label=str(_("Demande créée")),
            actor=person(funding_request.created_by),
            note="",
            state=RequestState.DRAFT,
            state_label=RequestState.DRAFT.label,
        )
    ]
    rows = list(funding_request.history.select_related("actor__organisation"))
    last_approval = max((i for i, r in enumerate(rows) if r.transition == "approve"), default=None)
    for index, row in enumerate(rows):
        label = str(TRANSITION_LABELS.get(row.transition, row.transition))
        if index == last_approval and funding_request.approved_amount is not None:
            label = _("%(label)s : %(amount)s") % {
                "label": label,
                "amount": euros(funding_request.approved_amount),
            }
        entries.append(
            TimelineEntry(
                at=row.at,
                label=label,
                actor=actor(row.actor),
                note=row.note,
                state=row.to_state,
                state_label=RequestState(row.to_state).label,
            )
        )
    return entries


def changes_asked(funding_request: FundingRequest):
    """The federation's last request for changes, while the request waits on them."""
    if funding_request.state != RequestState.NEEDS_CHANGES:
        return None
    return (
        funding_request.history.filter(transition="request_changes")
        .select_related("actor__organisation")
        .order_by("-at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    author: str
    side: str  # "sme", "federation", "funder" or "system": how the page tells them apart
    body: str
    about: str  # for a decision's note: the decision it came with


def _side(user) -> str:
    if user is None:
        return "system"
    if user.is_funder_member:
        return "funder"
    return "sme" if user.is_sme_representative and not user.is_staff else "federation"


def thread(funding_request: FundingRequest) -> list[ThreadEntry]:
    """Messages, and the notes written with decisions, in the order they were written."""
    entries = [
        ThreadEntry(m.created_at, person(m.author), _side(m.author), m.body, "")
        for m in funding_request.messages.select_related("author")
    ]
    entries += [
        ThreadEntry(
            row.at,
            actor(row.actor),
            _side(row.actor),
            row.note,
            str(TRANSITION_LABELS.get(row.transition, row.transition)),
        )
        for row in funding_request.history.select_related("actor__organisation").exclude(note="")
    ]
    return sorted(entries, key=lambda e: e.at)
