"""Random sequences of dossier actions over a few enterprises, some of them linked.

After every step: one active request per undertaking and campaign, no undertaking above the
grant cap or the de minimis ceiling, and every stored SME category equal to the recomputed
one (docs/rules.md). A fixed budget of examples keeps it to seconds in CI.
"""

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
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

from dossiers import workflow
from dossiers.demo import complete_request, default_arguments, upload_document
from dossiers.enterprises import Related, set_related_enterprises, set_year_figures
from dossiers.enterprises import update_enterprise as edit
from dossiers.models import (
    Campaign,
    DeMinimisAid,
    Enterprise,
    FundingRequest,
    SchemeParameter,
    SupportingDocument,
)
from dossiers.plan import PlanLine
from dossiers.requests import create_request
from dossiers.undertaking import ENDED, PENDING, first_active_request, undertaking_sirens
from tests.factories import CampaignFactory, EnterpriseFactory, FederationFactory

TRANSITIONS = (
    "submit", "start_review", "mark_eligible", "request_changes", "resubmit", "reject",
    "reopen", "withdraw", "group", "send", "approve", "decline",
)  # fmt: skip
COUNTED = (*PENDING, "approved")
BUDGET = settings(
    max_examples=10,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class Dossiers(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = timezone.localdate()
        self.requests: list[FundingRequest] = []

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        linked=st.booleans(),
        partner_stake=st.sampled_from([None, Decimal(25), Decimal(50)]),
    )
    def world(self, linked, partner_stake):
        self.files = {kind: upload_document(kind, kind) for kind in SupportingDocument.Kind.values}
        federation = FederationFactory()
        self.campaigns = [CampaignFactory(federation=federation) for _ in range(2)]
        self.enterprises = [EnterpriseFactory() for _ in range(3)]
        holder, held, partner = self.enterprises
        related = []
        if linked:
            related.append(Related(held.name, held.siren, "linked", Decimal(60), 3, 1, 1))
        if partner_stake is not None:
            related.append(Related(partner.name, partner.siren, "partner", partner_stake, 12, 9, 9))
        if related:
            set_related_enterprises(holder, related, actor=None, expected_version=1)

    def _enterprise(self, index: int) -> Enterprise:
        return Enterprise.objects.get(pk=self.enterprises[index].pk)

    @rule(
        who=st.integers(0, 2),
        campaign=st.integers(0, 1),
        grant=st.sampled_from([Decimal(4000), Decimal(10000)]),
        prior=st.sampled_from([None, Decimal(1000), Decimal(292_000)]),
    )
    def create(self, who, campaign, grant, prior):
        enterprise, campaign = self._enterprise(who), self.campaigns[campaign]
        existing = first_active_request(campaign, enterprise)
        try:
            request = create_request(
                campaign=campaign,
                enterprise=enterprise,
                created_by=None,
                project_category="website",
                project_title="Site",
                activity_confirmed=True,
                mandate_signed_by="Gérante",
                mandate_signed_on=self.today,
            )
        except workflow.Refused as refused:
            assert existing is not None and existing.reference in refused.problems[0]
        else:
            assert existing is None
            sources = [PlanLine("loan", "Prêt", Decimal(12000))]
            if grant:
                sources.append(PlanLine("grant", "Subvention", grant))
            sources.append(PlanLine("own_funds", "Apport", Decimal(24000) - 12000 - grant))
            aids = [] if prior is None else [(self.today - timedelta(days=400), prior)]
            complete_request(
                request,
                uses=[PlanLine("intangible", "Site", Decimal(24000))],
                sources=sources,
                prior_aids=aids,
                documents=self.files,
            )
            self.requests.append(request)

    @precondition(lambda self: self.requests)
    @rule(which=st.integers(0, 50), choice=st.integers(0, 10))
    def act(self, which, choice):
        """One of the transitions the request's state allows (so decisions are reached)."""
        request = FundingRequest.objects.get(pk=self.requests[which % len(self.requests)].pk)
        allowed = [
            name
            for name in TRANSITIONS
            if getattr(request, name)._django_fsm.has_transition(request.state)
        ]
        if not allowed:
            return
        name = allowed[choice % len(allowed)]
        with contextlib.suppress(workflow.Refused):
            workflow.perform(request, name, actor=None, **default_arguments(name, request))

    @rule(who=st.integers(0, 2), headcount=st.sampled_from([Decimal(2), Decimal(9), Decimal(60)]))
    def edit_figures(self, who, headcount):
        enterprise = self._enterprise(who)
        with contextlib.suppress(workflow.Refused):
            edit(
                enterprise,
                {"headcount": headcount},
                actor=None,
                expected_version=enterprise.version,
            )

    @rule(
        who=st.integers(0, 2),
        year=st.sampled_from([2023, 2024, 2025]),
        staff=st.sampled_from([4, 30]),
    )
    def record_year(self, who, year, staff):
        enterprise = self._enterprise(who)
        with contextlib.suppress(workflow.Refused):
            set_year_figures(
                enterprise, year=year, headcount=Decimal(staff), turnover=Decimal(400_000),
                balance_sheet=Decimal(300_000), actor=None, expected_version=enterprise.version,
            )  # fmt: skip

    # --- What holds after every step ---------------------------------------------------------
    def _undertakings(self) -> list[set[str]]:
        return [undertaking_sirens(e) for e in Enterprise.objects.all()]

    @invariant()
    def one_active_request_per_undertaking_and_campaign(self):
        for sirens in self._undertakings():
            for campaign in Campaign.objects.all():
                active = FundingRequest.objects.filter(
                    campaign=campaign, enterprise__siren__in=sirens
                ).exclude(state__in=ENDED)
                assert active.count() <= 1

    @invariant()
    def no_undertaking_above_the_grant_cap_or_the_de_minimis_ceiling(self):
        cap = SchemeParameter.value_on("grant_cap", self.today)
        ceiling = SchemeParameter.value_on("de_minimis_general", self.today)
        for sirens in self._undertakings():
            asked = FundingRequest.objects.filter(enterprise__siren__in=sirens, state__in=COUNTED)
            grants = sum((r.grant_amount for r in asked), Decimal(0))
            aids = {
                (a.granting_body, a.granted_on, a.amount)
                for a in DeMinimisAid.objects.filter(declaration__request__in=asked)
            }
            assert grants <= cap
            assert grants + sum((a[2] for a in aids), Decimal(0)) <= ceiling

    @invariant()
    def the_stored_category_is_the_recomputed_one(self):
        for enterprise in Enterprise.objects.all():
            assert enterprise.sme_category == enterprise.compute_sme_category(self.today)


@pytest.mark.django_db
def test_random_dossier_actions_keep_the_undertaking_and_category_rules():
    run_state_machine_as_test(Dossiers, settings=BUDGET)
