"""The federation's bundle page: members and totals, history, the lead partner's actions
with the reasons one is refused, the documents built in the background, then sent."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from dossiers.models import RequestState
from dossiers.workflow import perform
from exports.models import DocumentBuild
from grouping.bundles import seal_bundle
from grouping.models import Bundle, BundleTransition
from tests.grouping.builders import bundle_of, campaign_with_policy, officer_of, reviewed_request
from tests.portals.pages import text
from workers.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    requests = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    client.force_login(officer)
    return {"campaign": campaign, "officer": officer, "requests": requests,
            "bundle": bundle_of(campaign, *requests)}  # fmt: skip


def page_of(client, bundle):
    return client.get(reverse("portals:bundle", args=[bundle.reference]))


def act(client, bundle, action, expected_state, note=""):
    return client.post(
        reverse("portals:bundle_action", args=[bundle.reference]),
        {"action": action, "expected_state": expected_state, "note": note, "confirmed": "1"},
    )


def test_the_page_lists_each_member_with_its_figures_and_the_totals(client, world):
    bundle, first = world["bundle"], world["requests"][0]
    page = text(page_of(client, bundle))

    assert f"Dossier collectif {bundle.reference}" in page
    assert first.enterprise.name in page and first.enterprise.siret in page
    assert "10.71C" in page and ">23<" in page
    assert "12\u00a0000,00\u00a0€" in page  # each member's loan
    assert "24\u00a0000,00\u00a0€" in page  # the loans' total
    assert "Total (2 membres actifs)" in page
    assert "Historique du dossier" in page
    assert "Dossier proposé par le regroupement" in page
    assert "Sceller le dossier" in page and "Dissoudre le dossier" in page


def test_sealing_is_refused_with_the_guards_reasons_when_a_member_left(client, world):
    bundle, leaving = world["bundle"], world["requests"][1]
    perform(leaving, "withdraw", actor=leaving.created_by)

    page = text(page_of(client, bundle))
    assert 'aria-disabled="true" aria-describedby="why-seal"' in page
    assert "est « Retirée » et non « Éligible »" in page

    response = act(client, bundle, "seal", "draft")
    assert response.status_code == 200
    assert "ne peut pas être scellé" in text(response)
    bundle.refresh_from_db()
    assert bundle.state == "draft"


def test_a_page_shown_before_someone_else_acted_gets_a_conflict_not_an_action(client, world):
    bundle = world["bundle"]
    seal_bundle(bundle, actor=world["officer"])

    response = act(client, bundle, "dissolve", "draft")

    assert "Le dossier est passé « Scellé » depuis l'affichage de la page" in text(response)
    bundle.refresh_from_db()
    assert bundle.state == "sealed"


def test_seal_build_download_and_submit_from_the_page(
    client, world, django_capture_on_commit_callbacks
):
    bundle = world["bundle"]

    response = act(client, bundle, "seal", "draft", "")
    assert response.status_code == 302
    assert "Dossier scellé" in text(client.get(response.url))
    for request in world["requests"]:
        request.refresh_from_db()
        assert request.state == RequestState.GROUPED

    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, bundle, "build", "sealed")
    job = Job.objects.get(kind=Job.Kind.BUILD_DOCUMENTS)
    assert response.url.endswith(f"?job={job.pk}#documents")
    assert job.state == "done"
    page = text(client.get(response.url))
    assert 'value="100"' in page and "Terminé — 100 %" in page
    package_url = reverse("exports:bundle_package", args=[bundle.reference])
    assert package_url in page
    assert DocumentBuild.objects.get(bundle=bundle).fingerprint in page

    download = client.get(package_url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "manifest.json" in archive.namelist()
    json.loads(archive.read("manifest.json"))

    response = act(client, bundle, "submit", "ready", "Dossier complet.")
    assert response.status_code == 302
    bundle.refresh_from_db()
    assert bundle.state == "submitted"
    log = BundleTransition.objects.filter(bundle=bundle).last()
    assert (log.transition, log.note, log.actor) == ("submit", "Dossier complet.", world["officer"])
    page = text(client.get(response.url))
    assert "Le dossier attend les décisions du financeur." in page


def test_dissolving_gives_the_requests_back_to_the_next_grouping(client, world):
    bundle = world["bundle"]
    seal_bundle(bundle, actor=world["officer"])

    response = act(client, bundle, "dissolve", "sealed", "Un membre change de projet.")

    assert response.status_code == 302
    bundle.refresh_from_db()
    assert bundle.state == "dissolved"
    for request in world["requests"]:
        request.refresh_from_db()
        assert request.state == RequestState.ELIGIBLE


def test_a_review_page_shows_the_collective_file_its_request_is_in(client, world):
    bundle, first = world["bundle"], world["requests"][0]

    page = text(client.get(reverse("portals:review", args=[first.reference])))

    assert reverse("portals:bundle", args=[bundle.reference]) in page
    assert "pas encore transmise au financeur" in page


def test_an_unknown_action_changes_nothing(client, world):
    bundle = world["bundle"]

    response = act(client, bundle, "decide", "draft")

    assert response.status_code == 302
    assert Bundle.objects.get(pk=bundle.pk).state == "draft"


def test_a_member_taken_out_is_eligible_again_and_the_seal_says_what_is_left(client, world):
    bundle, leaving = world["bundle"], world["requests"][1]
    member = bundle.members.get(request=leaving)

    response = client.post(reverse("portals:member_withdraw", args=[bundle.reference, member.pk]))

    assert response.status_code == 302
    member.refresh_from_db()
    leaving.refresh_from_db()
    assert (member.status, member.active, leaving.state) == ("withdrawn", False, "eligible")
    page = text(client.get(response.url))
    assert f"{leaving.reference} retirée du dossier : elle est de nouveau éligible." in page
    assert "Le dossier compte 1 membre(s) : il en faut au moins 2." in page
    assert Bundle.objects.get(pk=bundle.pk).member_count == 1
