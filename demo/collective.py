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
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from dossiers.demo import catalogue as data
from dossiers.models import Campaign, Instrument
from exports.build import build_bundle_documents
from grouping.bundles import close_bundle, seal_bundle, submit_bundle
from grouping.decisions import LoanTerms, record_decision
from grouping.models import Bundle, BundleState, DeclineCode, GroupingPolicy, Guarantor
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
            kinds = _rules(campaign, officer)
            for kind in kinds:  # lender bundles first: grant collectives coincide with them
                run_grouping(campaign, actor=officer, kind=kind)
        steps: dict[int, str] = {}
        for bundle in Bundle.objects.filter(campaign=campaign).order_by("-kind", "reference"):
            step = STEPS[number] if number < len(STEPS) else CYCLE[number % len(CYCLE)]
            # A grant collective that coincides with a lender bundle goes along with it,
            # so that its members' requests are decided on both lines.
            step = steps.get(bundle.twin_id, step)
            steps[bundle.pk] = step
            _walk(bundle, step, officer, rng)
            bundle.refresh_from_db(fields=["state"])
            counts[bundle.state] += 1
            number += 1
    return counts


def _rules(campaign: Campaign, officer: User) -> list[str]:
    """Rules for the lender bundles and, where the campaign has an EU programme among its
    funders, for the grant collectives; returns the kinds, lender bundles first."""
    funders = campaign.funders.order_by("pk")
    lender = funders.exclude(funder_kind=Organisation.FunderKind.EU_PROGRAMME).first()
    programme = funders.filter(funder_kind=Organisation.FunderKind.EU_PROGRAMME).first()
    kinds = []
    for kind, funder in ((Instrument.LOAN, lender), (Instrument.GRANT, programme)):
        if funder is None:
            continue
        policy = GroupingPolicy(
            campaign=campaign,
            kind=kind,
            widening=[list(step) for step in USUAL_WIDENING],
            min_members=2,
            max_members=8 if kind == Instrument.LOAN else 12,
            target_members=4 if kind == Instrument.LOAN else 6,
            funder=funder,
            guarantor=Guarantor.BPIFRANCE if kind == Instrument.LOAN else "",
            guarantee_share=Decimal("80") if kind == Instrument.LOAN else None,
        )
        policy.full_clean()
        save_policy(policy, actor=officer, expected_version=None)
        kinds.append(kind)
    return kinds


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
                bundle, member, actor=analyst, approved=False, reason=reason, notify=False,
                decline_code=rng.choice(DeclineCode.values),
            )  # fmt: skip
            continue
        # Now and then a committee grants less than asked.
        amount = member.asked
        if rng.random() < 0.2:
            amount = (member.asked * Decimal("0.8")).quantize(Decimal("1"))
        terms: dict = {"grant_act_date": timezone.localdate() - timedelta(days=rng.randint(0, 20))}
        if member.line == Instrument.LOAN:
            terms = {"loan_terms": LoanTerms(
                duration_months=rng.choice((36, 48, 60, 84)),
                rate=Decimal(rng.choice(("3.85", "4.10", "4.35", "4.60"))),
                deferral_months=rng.choice((0, 0, 6, 12)),
                guarantor=bundle.guarantor,
                guarantee_share=bundle.guarantee_share,
            )}  # fmt: skip
        note = rng.choice(data.NOTES["approve"])
        record_decision(bundle, member, actor=analyst, approved=True, amount=amount,
                        reason=note, notify=False, **terms)  # fmt: skip
    if step == "closed":
        close_bundle(bundle, actor=officer)
