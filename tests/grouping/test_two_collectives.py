"""Two collectives per campaign: a request's grant line goes to an EU grant collective and its
loan line to a lender bundle, each grouped by its own rules; the request's state follows
both lines; the collectives coincide where they can."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Organisation
from dossiers.models import DeMinimisDeclaration, FundingRequest
from grouping.bundles import seal_bundle, submit_bundle, withdraw_member
from grouping.decisions import record_decision
from grouping.lines import Stage, line_states
from grouping.models import Bundle, BundleMember, GroupingPolicy
from grouping.runs import group_campaign, run_grouping
from tests.factories import FunderFactory
from tests.grouping.builders import (
    LOAN_TERMS,
    analyst_of,
    campaign_with_policy,
    eligible_request,
    officer_of,
)

pytestmark = pytest.mark.django_db


def programme():
    return FunderFactory(
        name="Autorité de gestion FEDER test", funder_kind=Organisation.FunderKind.EU_PROGRAMME
    )


def with_grant_rules(campaign, **fields):
    authority = programme()
    campaign.funders.add(authority)
    values = {
        "trade_level": "subclass",
        "territory_level": "departement",
        "widening": [["subclass", "region"]],
        "min_members": 2,
        "max_members": 10,
        "funder": authority,
        "coincide": False,
    }
    values.update(fields)
    GroupingPolicy.objects.create(campaign=campaign, kind="grant", **values)
    return authority


@pytest.fixture
def campaign():
    campaign = campaign_with_policy()
    with_grant_rules(campaign)
    return campaign


def lines_of(bundle):
    return {
        (m.request_id, m.line, m.grant, m.loan)
        for m in BundleMember.objects.filter(bundle=bundle, active=True)
    }


def test_a_grant_only_request_is_placed_in_a_grant_collective(campaign):
    first = eligible_request(campaign, loan="0", grant="6000")
    second = eligible_request(campaign, loan="0", grant="7000")

    group_campaign(campaign, actor=None)

    [collective] = Bundle.objects.filter(campaign=campaign)
    assert collective.kind == "grant"
    assert collective.funder.funder_kind == "eu_programme"
    assert (collective.grant_total, collective.loan_total) == (Decimal("13000.00"), 0)
    assert lines_of(collective) == {
        (first.pk, "grant", Decimal("6000.00"), 0),
        (second.pk, "grant", Decimal("7000.00"), 0),
    }


def test_a_request_with_both_lines_goes_into_both_collectives_each_with_its_own_amount(campaign):
    pair = [eligible_request(campaign, loan="12000", grant="8000") for _ in range(2)]

    group_campaign(campaign, actor=None)

    grants = Bundle.objects.get(campaign=campaign, kind="grant")
    loans = Bundle.objects.get(campaign=campaign, kind="loan")
    assert lines_of(grants) == {(r.pk, "grant", Decimal("8000.00"), 0) for r in pair}
    assert lines_of(loans) == {(r.pk, "loan", 0, Decimal("12000.00")) for r in pair}
    assert (grants.grant_total, grants.loan_total) == (Decimal("16000.00"), 0)
    assert (loans.grant_total, loans.loan_total) == (0, Decimal("24000.00"))


def test_a_loan_only_request_is_in_no_grant_collective(campaign):
    for _ in range(2):
        eligible_request(campaign, loan="12000", grant="0")

    results = group_campaign(campaign, actor=None)

    assert [r.run.kind for r in results] == ["loan", "grant"]
    assert not Bundle.objects.filter(campaign=campaign, kind="grant").exists()
    assert results[1].run.eligible_count == 0


def test_a_grant_above_the_cap_is_explained_in_grant_words(campaign):
    over = eligible_request(campaign, loan="0", grant="12000")

    result = run_grouping(campaign, actor=None, kind="grant")

    [unplaced] = result.unplaced
    assert (unplaced.request_id, unplaced.code) == (over.pk, "grant_above_cap")
    assert unplaced.reason.startswith(
        "Subvention demandée 12\u202f000,00\u00a0€ au-dessus du plafond"
    )


def test_grant_collectives_coincide_with_lender_bundles_when_their_members_can(campaign):
    GroupingPolicy.objects.filter(campaign=campaign, kind="grant").update(coincide=True)
    both = [eligible_request(campaign, loan="12000", grant="8000") for _ in range(3)]

    results = group_campaign(campaign, actor=None)

    loans = Bundle.objects.get(campaign=campaign, kind="loan")
    grants = Bundle.objects.get(campaign=campaign, kind="grant")
    assert (grants.twin_id, loans.twin_id) == (loans.pk, grants.pk)
    assert {m.request_id for m in grants.members.all()} == {r.pk for r in both}
    assert grants.key_codes == loans.key_codes
    assert results[1].twins == 1


def test_a_policy_may_key_collectives_on_the_project_category_too(campaign):
    GroupingPolicy.objects.filter(campaign=campaign, kind="loan").update(by_category=True)
    shops = []
    for _ in range(2):
        request = eligible_request(campaign, loan="12000", grant="0")
        FundingRequest.objects.filter(pk=request.pk).update(project_category="online_shop")
        shops.append(request)
    sites = [eligible_request(campaign, loan="12000", grant="0") for _ in range(2)]

    run_grouping(campaign, actor=None, kind="loan")

    bundles = Bundle.objects.filter(campaign=campaign, kind="loan").order_by("key_codes")
    assert [b.key_codes[-1] for b in bundles] == ["online_shop", "website"]
    assert "Boutique en ligne" in bundles[0].key_description
    assert {m.request_id for m in bundles[0].members.all()} == {r.pk for r in shops}
    assert {m.request_id for m in bundles[1].members.all()} == {r.pk for r in sites}


def test_the_request_state_follows_both_of_its_lines(campaign):
    officer = officer_of(campaign)
    pair = [eligible_request(campaign, loan="12000", grant="8000") for _ in range(2)]
    group_campaign(campaign, actor=None)
    grants = Bundle.objects.get(campaign=campaign, kind="grant")
    loans = Bundle.objects.get(campaign=campaign, kind="loan")

    seal_bundle(grants, actor=officer)
    request = FundingRequest.objects.get(pk=pair[0].pk)
    assert request.state == "eligible"  # its loan still waits
    last = request.history.order_by("-pk").first()
    assert (last.transition, last.from_state, last.to_state) == (
        "note_line",
        "eligible",
        "eligible",
    )
    assert last.note == f"Subvention : dans le dossier collectif {grants.reference}, scellé."
    assert [s.stage for s in line_states(request)] == [Stage.GROUPED, Stage.WAITING]

    seal_bundle(loans, actor=officer)
    request.refresh_from_db()
    assert request.state == "grouped"
    assert [s.describe() for s in line_states(request)] == [
        f"Subvention : dans le dossier collectif {grants.reference}",
        f"Prêt bancaire : dans le dossier collectif {loans.reference}",
    ]


def sent_pair(campaign, officer):
    """Two members with both lines, both collectives sealed and submitted (documents are
    not built here: the state is set as the documents build would)."""
    pair = [eligible_request(campaign, loan="12000", grant="8000") for _ in range(2)]
    group_campaign(campaign, actor=None)
    collectives = {}
    for bundle in Bundle.objects.filter(campaign=campaign):
        seal_bundle(bundle, actor=officer)
        Bundle.objects.filter(pk=bundle.pk).update(state="submitted")
        collectives[bundle.kind] = Bundle.objects.get(pk=bundle.pk)
    for request in pair:
        FundingRequest.objects.filter(pk=request.pk).update(state="sent")
        DeMinimisDeclaration.objects.create(
            request=request, declared_by="Gérante", declared_on=date.today(), no_aid_received=True
        )
    return pair, collectives


def test_each_funder_decides_its_own_line_and_the_last_decision_decides_the_request(campaign):
    officer = officer_of(campaign)
    pair, collectives = sent_pair(campaign, officer)
    grants, loans = collectives["grant"], collectives["loan"]
    grant_member = grants.members.get(request=pair[0])
    loan_member = loans.members.get(request=pair[0])

    record_decision(
        grants,
        grant_member,
        actor=analyst_of(grants.funder),
        approved=True,
        amount=Decimal("6000"),
        grant_act_date=grants.created_at.date(),
    )
    assert FundingRequest.objects.get(pk=pair[0].pk).state == "sent"
    record_decision(
        loans, loan_member, actor=analyst_of(loans.funder), approved=True, loan_terms=LOAN_TERMS
    )

    request = FundingRequest.objects.get(pk=pair[0].pk)
    assert (request.state, request.approved_amount) == ("approved", Decimal("18000.00"))
    decided = BundleMember.objects.get(pk=loan_member.pk)
    assert (decided.loan_duration_months, decided.loan_rate) == (60, Decimal("4.200"))
    notes = list(request.history.order_by("pk").values_list("note", flat=True))
    assert any(
        n.startswith("Subvention : accordée 6\u202f000,00\u00a0€ sur 8\u202f000,00") for n in notes
    )


def test_a_bank_cannot_decide_a_grant_nor_an_eu_authority_a_loan(campaign):
    officer = officer_of(campaign)
    pair, collectives = sent_pair(campaign, officer)
    grants, loans = collectives["grant"], collectives["loan"]
    bank = loans.funder
    Bundle.objects.filter(pk=grants.pk).update(funder=bank)  # a grant collective at a bank

    with pytest.raises(Exception) as refused:
        record_decision(
            Bundle.objects.get(pk=grants.pk),
            grants.members.get(request=pair[0]),
            actor=None,
            approved=True,
            grant_act_date=grants.created_at.date(),
        )

    assert f"{bank.name} ne peut pas décider une subvention" in refused.value.problems[0]


@pytest.mark.parametrize(
    ("terms", "problem"),
    [
        ({"duration_months": 0}, "La durée du prêt doit être d'au moins 1 mois."),
        ({"duration_months": 120}, "Durée de 120 mois : le produit permet 84 mois au plus."),
        ({"rate": Decimal("-0.5")}, "Le taux du prêt ne peut pas être négatif."),
        (
            {"guarantor": "bpifrance", "guarantee_share": Decimal("90")},
            "Quotité garantie de 90 % : le garant en couvre 80.0000 % au plus.",
        ),
        (
            {"guarantor": "bpifrance", "guarantee_share": Decimal("120")},
            "La quotité garantie est un pourcentage entre 0 et 100 %.",
        ),
    ],
)
def test_bad_loan_terms_are_refused_with_a_reason_and_change_nothing(campaign, terms, problem):
    from dataclasses import replace

    from dossiers.workflow import Refused

    officer = officer_of(campaign)
    pair, collectives = sent_pair(campaign, officer)
    loans = collectives["loan"]
    member = loans.members.get(request=pair[0])

    with pytest.raises(Refused) as refused:
        record_decision(
            loans,
            member,
            actor=analyst_of(loans.funder),
            approved=True,
            loan_terms=replace(LOAN_TERMS, **terms),
        )

    assert problem in refused.value.problems
    member.refresh_from_db()
    assert (member.status, member.decided_amount) == ("active", None)


def test_a_rate_above_the_lenders_maximum_is_refused(campaign):
    from dataclasses import replace

    from dossiers.workflow import Refused
    from tests.grouping.builders import funder_parameter

    officer = officer_of(campaign)
    pair, collectives = sent_pair(campaign, officer)
    loans = collectives["loan"]
    funder_parameter(loans.funder, "loan_max_rate", "6.5")

    with pytest.raises(Refused) as refused:
        record_decision(
            loans,
            loans.members.get(request=pair[0]),
            actor=analyst_of(loans.funder),
            approved=True,
            loan_terms=replace(LOAN_TERMS, rate=Decimal("7")),
        )

    assert "Taux de 7 % : le maximum en vigueur est 6.5000 %." in refused.value.problems


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"amount": Decimal("9000")}, "supérieur au montant demandé"),
        ({"grant_act_date": "future"}, "dans le futur"),
        ({"grant_act_date": None}, "Donnez la date de l'acte d'attribution"),
    ],
)
def test_bad_grant_decisions_are_refused(campaign, kwargs, problem):
    from datetime import timedelta

    from dossiers.workflow import Refused

    officer = officer_of(campaign)
    pair, collectives = sent_pair(campaign, officer)
    grants = collectives["grant"]
    values = {"grant_act_date": date.today(), **kwargs}
    if values["grant_act_date"] == "future":
        values["grant_act_date"] = date.today() + timedelta(days=3)

    with pytest.raises(Refused) as refused:
        record_decision(
            grants,
            grants.members.get(request=pair[0]),
            actor=analyst_of(grants.funder),
            approved=True,
            **values,
        )

    assert any(problem in p for p in refused.value.problems)


def test_a_withdrawal_that_breaks_the_lenders_minimum_sends_the_bundle_back_to_draft(campaign):
    officer = officer_of(campaign)
    pair = [eligible_request(campaign, loan="12000", grant="0") for _ in range(2)]
    run_grouping(campaign, actor=None, kind="loan")
    loans = seal_bundle(Bundle.objects.get(campaign=campaign, kind="loan"), actor=officer)

    withdraw_member(loans, loans.members.get(request=pair[0]), actor=officer)

    loans.refresh_from_db()
    assert loans.state == "draft"
    unsealed = loans.history.order_by("-pk").first()
    assert unsealed.transition == "unseal"
    assert "Le dossier compte 1 membre(s) : il en faut au moins 2." in unsealed.note
    assert FundingRequest.objects.get(pk=pair[1].pk).state == "eligible"


def test_submission_checks_the_lenders_minimum_again(campaign):
    from dossiers.workflow import Refused
    from tests.grouping.builders import funder_parameter

    officer = officer_of(campaign)
    [eligible_request(campaign, loan="12000", grant="0") for _ in range(2)]
    run_grouping(campaign, actor=None, kind="loan")
    loans = seal_bundle(Bundle.objects.get(campaign=campaign, kind="loan"), actor=officer)
    Bundle.objects.filter(pk=loans.pk).update(state="ready")
    funder_parameter(loans.funder, "lender_minimum", "30000")  # the lender raised it since

    with pytest.raises(Refused) as refused:
        submit_bundle(loans, actor=officer)

    assert any("moins que le minimum" in p for p in refused.value.problems)


def test_each_funder_sees_only_the_collectives_sent_to_it_and_their_requests(campaign):
    officer = officer_of(campaign)
    pair, collectives = sent_pair(campaign, officer)
    eu_analyst = analyst_of(collectives["grant"].funder)
    bank_analyst = analyst_of(collectives["loan"].funder)

    assert list(Bundle.objects.visible_to(eu_analyst)) == [collectives["grant"]]
    assert list(Bundle.objects.visible_to(bank_analyst)) == [collectives["loan"]]
    for analyst in (eu_analyst, bank_analyst):
        assert set(FundingRequest.objects.visible_to(analyst)) == set(pair)


def test_a_loan_line_must_pass_the_lenders_product_filters_to_be_sealed(campaign):
    from dossiers.eligibility.models import FunderProduct
    from dossiers.workflow import Refused

    officer = officer_of(campaign)
    pair = [eligible_request(campaign, loan="12000", grant="0") for _ in range(2)]
    run_grouping(campaign, actor=None, kind="loan")
    loans = Bundle.objects.get(campaign=campaign, kind="loan")
    FunderProduct.objects.create(
        funder=loans.funder,
        code="GARANTIE-TEST",
        name="Garantie numérique",
        kind="guarantee",
        naf_excluded=["10.71"],
        valid_from=date(2024, 1, 1),
    )

    with pytest.raises(Refused) as refused:
        seal_bundle(loans, actor=officer)

    assert any(
        p.startswith(f"{pair[0].reference}")
        and "Produit Garantie numérique" in p
        and "est exclue" in p
        for p in refused.value.problems
    )


def test_a_rerun_keeps_coinciding_collectives_paired(campaign):
    GroupingPolicy.objects.filter(campaign=campaign, kind="grant").update(coincide=True)
    for _ in range(3):
        eligible_request(campaign, loan="12000", grant="8000")
    group_campaign(campaign, actor=None)
    before = dict(Bundle.objects.filter(campaign=campaign).values_list("reference", "twin_id"))

    group_campaign(campaign, actor=None)

    after = dict(Bundle.objects.filter(campaign=campaign).values_list("reference", "twin_id"))
    assert after == before and all(after.values())
