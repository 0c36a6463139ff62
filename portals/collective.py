"""What the collective-file pages show: a bundle's actions with their refusal reasons, its
members, its documents, the background job a page follows, a request's collective file.

The reasons come from ``grouping.guards``, the very functions the services run before
acting: a button is never offered for an action the service would refuse silently.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from dossiers.models import FundingRequest
from exports.build import latest_build
from exports.models import DocumentBuild
from grouping import guards, permissions
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
