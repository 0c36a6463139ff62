"""The demo's collective files: rules, a grouping run and bundles at every step.

Runs after ``dossiers.demo.load_demo`` and goes through the same services as the portals:
``save_policy``, ``run_grouping``, ``seal_bundle``, ``build_bundle_documents``,
``submit_bundle``, ``record_decision``, ``close_bundle``. So the grouped, sent, approved
and declined requests of the demo are members of real bundles, with built documents, in
the funders' inboxes. Nobody is notified: the demo replays a history that never happened.

Its own module rather than ``grouping``'s because it needs the documents (``exports``),
which themselves build on ``grouping``.
"""

import random

from django.db import transaction

from accounts.models import Organisation, User
from dossiers.demo import catalogue as data
from dossiers.models import Campaign
from exports.build import build_bundle_documents
from grouping.bundles import close_bundle, record_decision, seal_bundle, submit_bundle
from grouping.models import Bundle, BundleState, GroupingPolicy
from grouping.models.policy import USUAL_WIDENING
from grouping.policies import save_policy
from grouping.runs import run_grouping

# Where the bundles stop, in order across the campaigns: the first ones cover every step
# even in a small demo, the rest cycle.
STEPS = ("decided", "submitted", "sealed", "draft", "ready", "closed")
CYCLE = ("decided", "submitted", "draft", "sealed", "ready", "decided", "draft")


def load_collective_files(seed: int = 2026) -> dict[str, int]:
    """Rules, a grouping run and bundles for each demo campaign that has no rules yet;
    returns the bundles made, by state (zero counts when already loaded)."""
    rng = random.Random(seed)
    counts = dict.fromkeys(BundleState.values, 0)
    number = 0
    for spec in data.FEDERATIONS:
        campaign = Campaign.objects.filter(reference=spec.campaign_reference).first()
        if campaign is None or GroupingPolicy.objects.filter(campaign=campaign).exists():
            continue
        officer = User.objects.get(username=spec.officer)
        with transaction.atomic():
            _rules(campaign, officer)
            run_grouping(campaign, actor=officer)
        for bundle in Bundle.objects.filter(campaign=campaign).order_by("reference"):
            step = STEPS[number] if number < len(STEPS) else CYCLE[number % len(CYCLE)]
            _walk(bundle, step, officer, rng)
            bundle.refresh_from_db(fields=["state"])
            counts[bundle.state] += 1
            number += 1
    return counts


def _rules(campaign: Campaign, officer: User) -> GroupingPolicy:
    lender = (
        campaign.funders.exclude(funder_kind=Organisation.FunderKind.EU_PROGRAMME)
        .order_by("pk")
        .first()
    )
    policy = GroupingPolicy(
        campaign=campaign,
        widening=[list(step) for step in USUAL_WIDENING],
        min_members=2,
        max_members=8,
        target_members=4,
        funder=lender,
    )
    policy.full_clean()
    return save_policy(policy, actor=officer, expected_version=None)


def _walk(bundle: Bundle, step: str, officer: User, rng: random.Random) -> None:
    """Take a draft bundle to ``step``, each move by whom the portals would have it."""
    if step == "draft":
        return
    seal_bundle(bundle, actor=officer, notify=False)
    if step == "sealed":
        return
    build_bundle_documents(bundle, actor=officer)  # sealed → ready
    if step == "ready":
        return
    submit_bundle(bundle, actor=officer, notify=False)
    if step == "submitted":
        return
    analyst = User.objects.filter(
        organisation_id=bundle.funder_id, role=User.Role.FUNDER_OFFICER
    ).first()
    members = list(bundle.members.filter(active=True).select_related("request").order_by("pk"))
    for position, member in enumerate(members):
        if position % 3 == 2:  # about one member in three declined
            reason = rng.choice(data.NOTES["decline"])
            record_decision(
                bundle, member, actor=analyst, approved=False, reason=reason, notify=False
            )
        else:
            asked = member.asked
            # Now and then the grant alone: a committee that declines the loan part.
            amount = member.grant if member.grant > 0 and rng.random() < 0.2 else asked
            record_decision(bundle, member, actor=analyst, approved=True, amount=amount,
                            reason=rng.choice(data.NOTES["approve"]), notify=False)  # fmt: skip
    if step == "closed":
        close_bundle(bundle, actor=officer)
