"""Where each financing line of a request stands, and the request state that follows.

A request asks for up to two lines, a grant and a loan (docs/rules.md#two-collectives).
Each line travels in its own collective: the grant in a grant collective decided by the
EU programme's managing authority, the loan in a lender bundle decided by a bank. The
request's own state tells the truth about both:

- **eligible** while a financed line awaits its collective;
- **grouped** once every financed line is in a sealed collective;
- **sent** once every line has been sent to its funder;
- **approved** / **declined** once every line is decided (approved if any line got money).

A change on one line that leaves the request's state as it is (the grant sent while the
loan still waits) is written in the request's history all the same, as a line note, so the
SME's timeline reads "Subvention : transmise à … · Prêt bancaire : en attente de
regroupement". ``advance`` is the one place that turns line changes into request
transitions; the bundle services call it for every member they move.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum

from dossiers.formatting import euros
from dossiers.models import FundingRequest, Instrument, RequestState
from dossiers.workflow import note_line, perform
from grouping.models import Bundle, BundleMember, BundleState

M = BundleMember.Status
ZERO = Decimal("0.00")


class Stage(IntEnum):
    WAITING = 0  # in no collective, or only proposed in a draft
    GROUPED = 1  # in a sealed (or ready) collective
    SENT = 2  # the collective is at its funder, no decision yet
    DECIDED = 3


_BUNDLE_STAGE = {
    BundleState.DRAFT: Stage.WAITING,
    BundleState.SEALED: Stage.GROUPED,
    BundleState.READY: Stage.GROUPED,
    BundleState.SUBMITTED: Stage.SENT,
    BundleState.DECIDED: Stage.SENT,  # the bundle is decided once all its members are
    BundleState.CLOSED: Stage.SENT,
}


@dataclass(frozen=True)
class LineState:
    line: str
    asked: Decimal
    stage: Stage
    member: BundleMember | None

    @property
    def bundle(self) -> Bundle | None:
        return self.member.bundle if self.member else None

    @property
    def label(self) -> str:
        return str(Instrument(self.line).label)

    def describe(self) -> str:
        """``"Subvention : transmise à FEDER Occitanie"``, in plain words."""
        member, bundle = self.member, self.bundle
        # A draft is a proposal the SME does not see: the line still waits.
        if member is None or bundle is None or self.stage == Stage.WAITING:
            return f"{self.label} : en attente de regroupement"
        if member.status == M.APPROVED:
            cut = "" if member.decided_amount == member.asked else f" sur {euros(member.asked)}"
            given = euros(member.decided_amount)
            return f"{self.label} : accordée {given}{cut} par {bundle.funder.name}"
        if member.status == M.DECLINED:
            return f"{self.label} : refusée par {bundle.funder.name}"
        if self.stage == Stage.SENT:
            when = f" le {bundle.submitted_at:%d/%m/%Y}" if bundle.submitted_at else ""
            return f"{self.label} : transmise à {bundle.funder.name}{when}"
        return f"{self.label} : dans le dossier collectif {bundle.reference}"


def _since_reopened(request: FundingRequest):
    last = request.history.filter(transition="reopen").order_by("-at").values_list("at", flat=True)
    return last.first()


def line_states(request: FundingRequest) -> list[LineState]:
    """Each financed line of ``request``, grant first, with its membership and stage.

    A line counts the membership that holds it now, or, once its collective is closed,
    the one that decided it (since the request was last reopened, if ever)."""
    reopened = _since_reopened(request)
    memberships = list(
        BundleMember.objects.filter(request=request)
        .exclude(status=M.WITHDRAWN)
        .select_related("bundle__funder")
        .order_by("-active", "-decided_at", "-pk")
    )
    states = []
    for line in request.financed_lines:
        found = None
        for member in memberships:
            if member.line != line:
                continue
            decided = member.status in (M.APPROVED, M.DECLINED)
            if member.active or (decided and (reopened is None or member.decided_at > reopened)):
                found = member
                break
        if found is None:
            stage = Stage.WAITING
        elif found.status in (M.APPROVED, M.DECLINED):
            stage = Stage.DECIDED
        else:
            stage = _BUNDLE_STAGE.get(BundleState(found.bundle.state), Stage.WAITING)
        states.append(LineState(line, request.asked(line), stage, found))
    return states


def advance(
    request_id: int,
    *,
    actor,
    note: str,
    funder=None,
    on: date | None = None,
    notify: bool = True,
) -> FundingRequest:
    """After one line of the request moved (call inside the bundle service's transaction):
    move the request to the state all its lines have reached, or log a line note.

    Lines move one stage at a time, so the request needs at most one transition here.
    """
    request = FundingRequest.objects.get(pk=request_id)
    states = line_states(request)
    lowest = min((state.stage for state in states), default=Stage.WAITING)
    current = request.state
    name, kwargs = None, {}
    if current == RequestState.ELIGIBLE and lowest >= Stage.GROUPED:
        name = "group"
    elif current == RequestState.GROUPED and lowest < Stage.GROUPED:
        name = "ungroup"
    elif current == RequestState.GROUPED and lowest >= Stage.SENT:
        name, kwargs = "send", {"funder": funder}
    elif current == RequestState.SENT and lowest >= Stage.DECIDED:
        approved = [s.member for s in states if s.member and s.member.status == M.APPROVED]
        if approved:
            name = "approve"
            kwargs = {"amount": sum((m.decided_amount for m in approved), ZERO)}
        else:
            reasons = [s.member.decision_reason for s in states if s.member]
            name = "decline"
            kwargs = {"reason": " ".join(r for r in reasons if r) or note}
    if name is None:
        return note_line(request_id, actor=actor, note=note)
    return perform(request_id, name, actor=actor, note=note, on=on, notify=notify, **kwargs)
