"""Random sequences of collective actions over a few requests with a grant and a loan line.

Group (both kinds), seal, withdraw a member, make ready, raise the lender's minimum, submit,
decide one line: after every step, no collective was sent or decided while it broke one of
its funder's rules (checked again, independently, at that moment), each membership carries
exactly its line, and each request's state is the one its lines give
(docs/rules.md#two-collectives). A fixed budget keeps it to seconds in CI.
"""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Organisation
from dossiers.models import FundingRequest, SchemeParameter
from dossiers.workflow import WorkflowError
from grouping import guards
from grouping.bundles import seal_bundle, submit_bundle, withdraw_member
from grouping.decisions import record_decision
from grouping.lines import Stage, line_states
from grouping.models import Bundle, BundleMember, GroupingPolicy
from grouping.runs import group_campaign
from tests.factories import FunderFactory
from tests.grouping.builders import (
    LOAN_TERMS,
    analyst_of,
    campaign_with_policy,
    officer_of,
    reviewed_request,
)

BUDGET = settings(
    max_examples=6,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
EXPECTED = {  # the request state each lowest line stage gives, once the request is eligible
    Stage.WAITING: "eligible",
    Stage.GROUPED: "grouped",
    Stage.SENT: "sent",
}


class Collectives(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = date.today()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        amounts=st.lists(
            st.tuples(st.sampled_from(["0", "12000", "12000"]), st.sampled_from(["0", "4000"])),
            min_size=3,
            max_size=5,
        )
    )
    def world(self, amounts):
        self.campaign = campaign_with_policy(max_members=4)
        authority = FunderFactory(
            name="Autorité de gestion (stateful)",
            funder_kind=Organisation.FunderKind.EU_PROGRAMME,
        )
        self.campaign.funders.add(authority)
        GroupingPolicy.objects.create(
            campaign=self.campaign, kind="grant", trade_level="subclass",
            territory_level="departement", min_members=2, max_members=4, funder=authority,
        )  # fmt: skip
        self.officer = officer_of(self.campaign)
        self.requests = [
            reviewed_request(self.campaign, officer=self.officer, loan=loan, grant=grant)
            for loan, grant in amounts
            if Decimal(loan) + Decimal(grant) > 0
        ]
        group_campaign(self.campaign, actor=self.officer)

    def _has(self, state: str) -> bool:
        campaign = getattr(self, "campaign", None)
        return Bundle.objects.filter(campaign=campaign, state=state).exists()

    def _bundles(self, state: str) -> list[Bundle]:
        return list(Bundle.objects.filter(campaign=self.campaign, state=state).order_by("pk"))

    @rule()
    def group(self):
        with contextlib.suppress(WorkflowError):
            group_campaign(self.campaign, actor=self.officer)

    @precondition(lambda self: self._has("draft"))
    @rule(pick=st.integers(0, 9))
    def seal(self, pick):
        drafts = self._bundles("draft")
        if drafts:
            with contextlib.suppress(WorkflowError):
                seal_bundle(drafts[pick % len(drafts)], actor=self.officer)

    @rule(pick=st.integers(0, 9))
    def withdraw(self, pick):
        bundles = self._bundles("draft") + self._bundles("sealed")
        if bundles:
            bundle = bundles[pick % len(bundles)]
            member = bundle.members.filter(active=True).order_by("pk").first()
            if member is not None:
                with contextlib.suppress(WorkflowError):
                    withdraw_member(bundle, member, actor=self.officer)

    @precondition(lambda self: self._has("sealed"))
    @rule(pick=st.integers(0, 9))
    def documents_built(self, pick):
        sealed = self._bundles("sealed")
        if sealed:  # the build itself is tested elsewhere; here only its state matters
            Bundle.objects.filter(pk=sealed[pick % len(sealed)].pk).update(state="ready")

    @rule()
    def lender_raises_its_minimum(self):
        SchemeParameter.objects.update_or_create(
            key="lender_minimum",
            funder=self.campaign.funders.exclude(funder_kind="eu_programme").get(),
            valid_from=date(2024, 1, 1),
            defaults={"value": Decimal("30000"), "source": "test"},
        )

    @precondition(lambda self: self._has("ready"))
    @rule(pick=st.integers(0, 9))
    def submit(self, pick):
        ready = self._bundles("ready")
        if not ready:
            return
        bundle = ready[pick % len(ready)]
        try:
            submit_bundle(bundle, actor=self.officer, notify=False)
        except WorkflowError:
            return
        self._assert_within_rules(bundle)

    @precondition(lambda self: self._has("submitted"))
    @rule(pick=st.integers(0, 9), approved=st.booleans())
    def decide(self, pick, approved):
        submitted = self._bundles("submitted")
        if not submitted:
            return
        bundle = submitted[pick % len(submitted)]
        member = bundle.members.filter(active=True, status="active").order_by("pk").first()
        if member is None:
            return
        terms = (
            {"grant_act_date": self.today} if member.line == "grant" else {"loan_terms": LOAN_TERMS}
        )
        try:
            record_decision(
                bundle,
                member,
                actor=analyst_of(bundle.funder),
                approved=approved,
                decline_code="" if approved else "financials",
                reason="" if approved else "Fonds propres insuffisants.",
                notify=False,
                **(terms if approved else {}),
            )
        except WorkflowError:
            return
        self._assert_within_rules(Bundle.objects.get(pk=bundle.pk), deciding=True)

    def _assert_within_rules(self, bundle: Bundle, *, deciding: bool = False) -> None:
        members = list(bundle.members.filter(active=True).select_related("request__enterprise"))
        problems = guards.collective_problems(bundle, members, self.today)
        assert problems == [], (bundle.reference, bundle.state, problems)

    @invariant()
    def each_membership_carries_exactly_its_line(self):
        for member in BundleMember.objects.filter(bundle__campaign=getattr(self, "campaign", None)):
            assert member.line == member.bundle.kind
            other = member.loan if member.line == "grant" else member.grant
            assert other == 0

    @invariant()
    def each_request_state_is_the_one_its_lines_give(self):
        for request in getattr(self, "requests", []):
            request = FundingRequest.objects.get(pk=request.pk)
            lowest = min(s.stage for s in line_states(request))
            if lowest == Stage.DECIDED:
                assert request.state in ("approved", "declined"), request.reference
            else:
                assert request.state == EXPECTED[lowest], (request.reference, lowest)


@pytest.mark.django_db(transaction=False)
def test_no_collective_is_sent_or_decided_while_it_breaks_its_funders_rules():
    run_state_machine_as_test(Collectives, settings=BUDGET)
