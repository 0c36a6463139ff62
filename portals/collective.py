"""What the collective-file pages show: a bundle's actions with their refusal reasons, its
members, its documents, the background job a page follows, a request's collective file.

The reasons come from ``grouping.guards``, the very functions the services run before
acting: a button is never offered for an action the service would refuse silently.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from dossiers.formatting import euros
from dossiers.models import FundingRequest, RequestState
from exports.build import latest_build
from exports.models import DocumentBuild
from grouping import guards, permissions
from grouping.lines import LineState, Stage, line_states
from grouping.models import Bundle, BundleMember, BundleState
from grouping.models.bundle import DISSOLVABLE
from portals.presenters import TimelineEntry, person
from workers.models import ACTIVE, Job

S = BundleState
M = BundleMember.Status

# The label of each bundle action's button, in the order the page offers them.
BUNDLE_ACTIONS = {
    "seal": _("Sceller le dossier"),
    "build": _("Construire les documents"),
    "submit": _("Transmettre au financeur"),
    "close": _("Clore le dossier"),
    "dissolve": _("Dissoudre le dossier"),
}
# One sentence per bundle transition, for its history.
BUNDLE_TRANSITION_LABELS = {
    "seal": _("Dossier scellé : ses membres ne changent plus"),
    "unseal": _("Dossier à compléter : il ne respecte plus les règles du financeur"),
    "dissolve": _("Dossier dissous : ses demandes redeviennent éligibles"),
    "mark_ready": _("Documents construits : dossier prêt à transmettre"),
    "submit": _("Dossier transmis au financeur"),
    "decide": _("Toutes les décisions sont prises"),
    "close": _("Dossier clos"),
    "withdraw_member": _("Une demande a été retirée du dossier"),
}
STATE_BY_ACTION = {
    "seal": (S.DRAFT,),
    "build": (S.SEALED,),
    "submit": (S.READY,),
    "close": (S.DECIDED,),
    "dissolve": DISSOLVABLE,
}


@dataclass(frozen=True)
class BundleOption:
    name: str
    label: str
    allowed: bool
    problems: list[str] = field(default_factory=list)


def members_of(bundle: Bundle) -> list[BundleMember]:
    """The members to show: every one but those taken out, in request order."""
    return list(
        bundle.members.exclude(status=M.WITHDRAWN)
        .select_related("request__enterprise")
        .order_by("request__reference")
    )


def bundle_options(bundle: Bundle, user, members: list[BundleMember], on: date) -> list:
    """The actions the lead partner may take now, each with why it is not yet possible."""
    if not permissions.is_lead_partner(bundle, user):
        return []
    active = [m for m in members if m.active]
    options = []
    for name in BUNDLE_ACTIONS:
        if bundle.state not in STATE_BY_ACTION[name]:
            continue
        problems: list[str] = []
        if name == "seal":
            problems = guards.seal_problems(bundle, active, on)
        elif name == "submit":
            problems = guards.submission_problems(bundle, active, on)
        options.append(BundleOption(name, str(BUNDLE_ACTIONS[name]), not problems, problems))
    return options


def bundle_history(bundle: Bundle) -> list[TimelineEntry]:
    """The bundle's history for the timeline template, its proposal first."""
    entries = [
        TimelineEntry(
            bundle.created_at,
            str(_("Dossier proposé par le regroupement")),
            person(bundle.run.actor if bundle.run_id and bundle.run else None),
            "",
            S.DRAFT,
            S.DRAFT.label,
        )
    ]
    for row in bundle.history.select_related("actor"):
        entries.append(
            TimelineEntry(
                row.at,
                str(BUNDLE_TRANSITION_LABELS.get(row.transition, row.transition)),
                person(row.actor),
                row.note,
                row.to_state,
                S(row.to_state).label,
            )
        )
    return entries


def documents_of(bundle: Bundle) -> DocumentBuild | None:
    """The documents the downloads serve (the latest build), if any."""
    return latest_build(bundle)


def followed_job(user, kind: str, target, job_id: str | None) -> Job | None:
    """The job a page shows: the one named in its address (just started), else one still
    queued or running on the same target, among the jobs ``user`` may see."""
    jobs = Job.objects.visible_to(user).filter(
        kind=kind,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
    )
    if job_id and job_id.isdigit():
        named = jobs.filter(pk=int(job_id)).first()
        if named is not None:
            return named
    return jobs.filter(state__in=ACTIVE).order_by("-created_at").first()


@dataclass(frozen=True)
class Membership:
    member: BundleMember
    bundle: Bundle


def memberships(funding_request: FundingRequest, user) -> list[Membership]:
    """The collective files ``user`` may see that hold (or held) this request, newest first.

    Dissolved bundles and memberships withdrawn are left out: the request is no longer in
    them, and its history already says so.
    """
    rows = (
        BundleMember.objects.filter(
            request=funding_request, bundle__in=Bundle.objects.visible_to(user)
        )
        .exclude(status=M.WITHDRAWN)
        .exclude(bundle__state=S.DISSOLVED)
        .select_related("bundle__funder", "bundle__campaign")
        .order_by("-bundle__created_at")
    )
    return [Membership(member=row, bundle=row.bundle) for row in rows]


# A request whose lines are on their way: eligible, in collectives, sent or decided.
LINE_STATES = (
    RequestState.ELIGIBLE,
    RequestState.GROUPED,
    RequestState.SENT,
    RequestState.APPROVED,
    RequestState.DECLINED,
)


@dataclass(frozen=True)
class FinancingSummary:
    """The plan as decided, line by line, for the request pages."""

    lines: list[LineState]
    asked: Decimal
    granted: Decimal
    decided: bool
    gap: Decimal  # what the project still lacks once every line is decided
    next_step: str


def financing_summary(funding_request: FundingRequest) -> FinancingSummary | None:
    """Each financed line's progress in plain words, and once decided, what is granted,
    what is left to fund and what to do next. None for a request with no financed line
    or not yet eligible (nothing to follow)."""
    if not funding_request.financed_lines or funding_request.state not in LINE_STATES:
        return None
    lines = line_states(funding_request)
    asked = sum((state.asked for state in lines), Decimal("0.00"))
    granted = sum(
        (
            state.member.decided_amount
            for state in lines
            if state.member is not None and state.member.status == M.APPROVED
        ),
        Decimal("0.00"),
    )
    decided = all(state.stage == Stage.DECIDED for state in lines)
    gap = asked - granted if decided else Decimal("0.00")
    if not decided:
        waiting = [state.label for state in lines if state.stage != Stage.DECIDED]
        next_step = gettext_now("En attente : %(lines)s. Vous serez prévenu à chaque décision.") % {
            "lines": ", ".join(waiting)
        }
    elif gap > 0:
        next_step = gettext_now(
            "Il manque %(gap)s pour financer le projet : augmentez vos fonds propres, "
            "sollicitez une autre aide ou réduisez le projet, avec l'aide de votre fédération."
        ) % {"gap": euros(gap)}
    else:
        next_step = gettext_now(
            "Votre plan est financé : signez la convention de subvention et l'offre de prêt "
            "que chaque financeur vous adressera, puis lancez le projet."
        )
    return FinancingSummary(lines, asked, granted, decided, gap, next_step)
