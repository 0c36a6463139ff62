"""The snapshots are read from the real models: labels, figures, order, and few queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from dossiers.de_minimis import PriorAid as AidFigure
from dossiers.de_minimis import aid_in_window
from dossiers.models import DeMinimisAid, DeMinimisDeclaration, FundingRequest
from dossiers.workflow import perform
from exports.adapters import (
    IncompleteDossier,
    collect_bundle,
    sealed_on,
    snapshot_bundle,
    snapshot_receipt,
)
from exports.members import parse_address, project_text, split_signatory
from exports.snapshot import Address, FunderKind, fingerprint
from grouping.models import BundleTransition
from tests.exports.bundles import sealed_bundle
from tests.factories import add_document, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return sealed_bundle(3)


def test_the_members_are_the_bundles_in_request_reference_order(world):
    snapshot = snapshot_bundle(world.bundle, build_date=date(2026, 11, 23))

    assert [m.request_reference for m in snapshot.members] == [r.reference for r in world.requests]
    assert snapshot.reference == world.bundle.reference
    assert snapshot.grouping_key == world.bundle.key_description
    assert snapshot.build_date == date(2026, 11, 23)


def test_a_member_shows_its_enterprise_with_french_labels(world):
    with translation.override("en"):  # the dossier is French whoever builds it
        member = snapshot_bundle(world.bundle, build_date=date.today()).members[0]
    enterprise = world.requests[0].enterprise

    assert (member.company_name, member.siren, member.siret) == (
        enterprise.name,
        enterprise.siren,
        enterprise.siret,
    )
    assert member.legal_form == "SARL"
    assert (member.naf_code, member.naf_label) == (
        "10.71C",
        "Boulangerie et boulangerie-pâtisserie",
    )
    assert member.nafa_code is None
    assert (member.departement_code, member.departement_name) == ("23", "Creuse")
    assert (member.region_code, member.region_name) == ("75", "Nouvelle-Aquitaine")
    assert member.headcount == Decimal("4.00")
    assert member.sme_category == "Micro-entreprise (TPE)"
    assert member.project_category == "Boutique en ligne"
    assert member.project_description == "Boutique en ligne"


def test_the_financing_plan_has_its_lines_and_balances_to_the_cent(world):
    member = snapshot_bundle(world.bundle, build_date=date.today()).members[0]
    plan = member.plan

    assert [(line.label, line.amount) for line in plan.uses] == [
        ("Boutique en ligne", Decimal("24000.00"))
    ]
    assert [(line.label, line.amount) for line in plan.sources] == [
        ("Prêt bancaire", Decimal("12000.00")),
        ("Apport", Decimal("12000.00")),
    ]
    assert (plan.total_cost, plan.grant, plan.loan, plan.own_funds) == (
        Decimal("24000.00"),
        Decimal("0.00"),
        Decimal("12000.00"),
        Decimal("12000.00"),
    )
    assert plan.total_uses == plan.total_sources
    [quote] = member.quotes
    assert (quote.supplier, quote.amount_excl_vat) == ("Atelier Web Creusois", Decimal("24000.00"))


def test_the_totals_are_the_bundles(world):
    totals = snapshot_bundle(world.bundle, build_date=date.today()).totals

    assert (totals.loan, totals.grant, totals.total_cost, totals.own_funds) == (
        world.bundle.loan_total,
        world.bundle.grant_total,
        world.bundle.cost_total,
        world.bundle.own_funds_total,
    )


def test_the_de_minimis_declaration_counts_the_aids_of_the_window_before_the_build_date(world):
    on = date.today()
    members = snapshot_bundle(world.bundle, build_date=on).members
    declared = members[0].de_minimis

    assert [(aid.granting_body, aid.amount) for aid in declared.prior_aids] == [
        ("Région Nouvelle-Aquitaine", Decimal("4500.00"))
    ]
    assert declared.total_over_window == Decimal("4500.00")
    assert declared.ceiling == Decimal("300000.00")
    assert declared.regulation == "Règlement (UE) 2023/2831"
    assert declared.window_end == on
    assert declared.window_start == on.replace(year=on.year - 3) + timedelta(days=1)
    assert (declared.declared_by, declared.declared_on) == ("Claire Martin", date.today())
    # Four years later the same aid is out of the window.
    later = snapshot_bundle(world.bundle, build_date=on + timedelta(days=3 * 365))
    assert later.members[0].de_minimis.total_over_window == Decimal("0.00")
    assert members[1].de_minimis.prior_aids == ()


def test_an_aid_older_than_the_window_is_left_out_so_the_rows_add_up(world):
    declaration = world.requests[0].de_minimis
    on = date.today()
    DeMinimisAid.objects.create(
        declaration=declaration,
        granting_body="Bpifrance",
        granted_on=on.replace(year=on.year - 3),  # exactly three years: no longer counts
        amount=Decimal("23900.00"),
    )

    declared = snapshot_bundle(world.bundle, build_date=on).members[0].de_minimis

    assert [aid.granting_body for aid in declared.prior_aids] == ["Région Nouvelle-Aquitaine"]
    aids = [AidFigure(a.amount, a.granted_on) for a in declaration.aids.all()]
    assert declared.total_over_window == aid_in_window(aids, on, 3) == Decimal("4500.00")


def test_the_mandate_separates_the_signatory_from_the_role(world):
    mandate = snapshot_bundle(world.bundle, build_date=date.today()).members[0].mandate

    assert (mandate.signed_by, mandate.signatory_role) == ("Claire Martin", "gérante")
    assert mandate.signed_on == world.requests[0].mandate_signed_on


def test_the_lead_partner_and_the_funder_come_from_the_campaign(world):
    snapshot = snapshot_bundle(world.bundle, build_date=date.today())
    federation = world.bundle.campaign.federation

    assert snapshot.lead_partner.name == federation.name
    assert snapshot.lead_partner.siren == federation.siren
    assert snapshot.lead_partner.address == Address("12, place Bonnyaud", "23000", "Guéret")
    assert snapshot.funder.name == world.bundle.funder.name
    assert snapshot.funder.kind == FunderKind.BANK
    assert snapshot.funder.programme == world.bundle.campaign.programme
    assert snapshot.campaign_name == world.bundle.campaign.name


def test_the_documents_are_listed_with_their_hash_in_a_stable_order(world):
    content = collect_bundle(world.bundle, build_date=date.today())
    member = content.snapshot.members[0]
    rows = list(world.requests[0].documents.select_related("stored_file").order_by("kind", "pk"))

    assert [d.kind for d in member.documents] == [
        "Extrait Kbis",
        "Pièce d'identité du dirigeant",
        "Devis fournisseur",
        "RIB au nom de l'entreprise",
        "Attestation de vigilance URSSAF",
        "Statuts",
        "Attestation de régularité fiscale",
        "Liasse fiscale",
    ]
    assert [(d.filename, d.sha256, d.size) for d in member.documents] == [
        (r.stored_file.original_name, r.stored_file.sha256, r.stored_file.size) for r in rows
    ]
    first = content.documents[0]
    assert (first.request_reference, first.filename, first.storage_name) == (
        member.request_reference,
        "kbis.pdf",
        rows[0].stored_file.file.name,
    )


def test_two_uploads_of_the_same_name_get_distinct_filenames(world):
    request = world.requests[0]
    add_document(request, "kbis", issued_on=date.today() - timedelta(days=1))

    member = snapshot_bundle(world.bundle, build_date=date.today()).members[0]

    names = [d.filename for d in member.documents if d.kind == "Extrait Kbis"]
    assert names == ["kbis.pdf", "kbis (2).pdf"]


def test_the_same_bundle_gives_the_same_snapshot_and_fingerprint(world):
    first = snapshot_bundle(world.bundle, build_date=date(2026, 11, 23))
    second = snapshot_bundle(world.bundle, build_date=date(2026, 11, 23))

    assert first == second
    assert fingerprint(first) == fingerprint(second)
    assert fingerprint(first) != fingerprint(
        snapshot_bundle(world.bundle, build_date=date(2026, 11, 24))
    )


def test_the_build_date_is_the_day_the_bundle_was_sealed(world):
    seal = BundleTransition.objects.get(bundle=world.bundle, transition="seal")
    assert sealed_on(world.bundle) == timezone.localdate(seal.at)


def test_a_member_without_de_minimis_declaration_is_named(world):
    DeMinimisDeclaration.objects.filter(request=world.requests[1]).delete()

    with pytest.raises(IncompleteDossier) as refused:
        snapshot_bundle(world.bundle, build_date=date.today())

    assert refused.value.problems == [
        f"{world.requests[1].reference} : la déclaration de minimis manque."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12, place Bonnyaud, 23000 Guéret", ("12, place Bonnyaud", "23000", "Guéret")),
        ("3 rue de la Paix 75002 Paris", ("3 rue de la Paix", "75002", "Paris")),
        ("Maison des artisans", ("Maison des artisans", "", "")),
    ],
)
def test_a_one_line_address_is_split(text, expected):
    assert parse_address(text) == Address(*expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Claire Martin, gérante", ("Claire Martin", "gérante")),
        ("Jean Dupont, Gérant, associé", ("Jean Dupont, Gérant", "associé")),
        ("Jean Dupont", ("Jean Dupont", "")),
    ],
)
def test_a_signatory_is_split_from_the_role(text, expected):
    assert split_signatory(text) == expected


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Site vitrine", "", "Site vitrine"),
        ("Site vitrine", "Avec prise de rendez-vous.", "Site vitrine — Avec prise de rendez-vous."),
        (
            "Site vitrine",
            "Site vitrine et prise de rendez-vous.",
            "Site vitrine et prise de rendez-vous.",
        ),
    ],
)
def test_the_project_is_its_title_then_its_description(title, description, expected):
    request = FundingRequest(project_title=title, project_description=description)
    assert project_text(request) == expected


def _queries(bundle) -> int:
    with CaptureQueriesContext(connection) as queries:
        snapshot_bundle(bundle, build_date=date.today())
    return len(queries)


def test_the_adapter_reads_a_bundle_in_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    small, large = sealed_bundle(2), sealed_bundle(9)

    assert _queries(small.bundle) == _queries(large.bundle)
    # bundle, memberships, members, plan lines, quotes, aids, documents; the window, the
    # loan warning threshold, one ceiling per sector
    with django_assert_max_num_queries(7 + 2 + 4):
        snapshot_bundle(large.bundle, build_date=date.today())


# --- The deposit receipt ---------------------------------------------------------------


def test_a_submitted_request_has_a_receipt_of_what_was_submitted():
    request = make_request()
    request = perform(request, "submit", actor=request.enterprise.representatives.get())

    receipt = snapshot_receipt(request)

    assert receipt.request_reference == request.reference
    assert receipt.submitted_at == request.submitted_at
    assert (receipt.total_cost, receipt.grant, receipt.loan) == (
        Decimal("24000.00"),
        Decimal("10000.00"),
        Decimal("12000.00"),
    )
    assert receipt.funder_name == request.campaign.funders.get().name
    assert receipt.lead_partner_name == request.campaign.federation.name
    assert len(receipt.documents) == request.documents.count()
    assert receipt.de_minimis_declared_on == request.de_minimis.declared_on


def test_a_request_never_submitted_has_no_receipt():
    draft = make_request(complete=False)

    with pytest.raises(ValueError, match="never been submitted"):
        snapshot_receipt(FundingRequest.objects.get(pk=draft.pk))
