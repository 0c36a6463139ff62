"""The package download: streamed, for who works on the bundle only."""

import hashlib
import html
import io
import json
import zipfile

import pytest
from django.urls import reverse

from api.tokens import issue_token
from exports.build import build_bundle_documents
from grouping.bundles import seal_bundle, submit_bundle
from tests.api.conftest import caller
from tests.factories import FunderFactory
from tests.grouping.builders import bundle_of, campaign_with_policy, officer_of, reviewed_request
from workers.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    requests_ = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    bundle = seal_bundle(bundle_of(campaign, *requests_), actor=officer)
    build_bundle_documents(bundle)
    return submit_bundle(bundle, actor=officer)


def url(bundle) -> str:
    return f"/api/v1/bundles/{bundle.reference}/package/"


def test_the_funder_downloads_the_package_it_was_sent(shipped):
    lender = caller(issue_token(organisation=shipped.funder, name="SI", scopes=["read"]))

    response = lender.get(url(shipped), headers={"Accept": "application/zip"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert f"{shipped.reference}-paquet.zip" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)  # read to the end: the file is closed
    assert response["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["bundle_reference"] == shipped.reference


def test_the_lead_federation_downloads_it_too(shipped):
    lead = caller(issue_token(organisation=shipped.campaign.federation, name="SI", scopes=["read"]))

    response = lead.get(url(shipped))

    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # read to the end: the file is closed


def test_another_funder_gets_a_404(shipped):
    stranger = caller(issue_token(organisation=FunderFactory(), name="SI", scopes=["read"]))

    response = stranger.get(url(shipped), headers={"Accept": "application/zip"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_bundle_without_documents_says_so():
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    requests_ = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    bundle = seal_bundle(bundle_of(campaign, *requests_), actor=officer)
    lead = caller(issue_token(organisation=campaign.federation, name="SI", scopes=["read"]))

    response = lead.get(url(bundle))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "package_not_built"


def test_a_federation_builds_the_documents_and_follows_the_job(
    django_capture_on_commit_callbacks,
):
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    requests_ = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    bundle = seal_bundle(bundle_of(campaign, *requests_), actor=officer)
    lead = caller(issue_token(organisation=campaign.federation, name="SI", scopes=["write"]))

    with django_capture_on_commit_callbacks(execute=True):
        started = lead.post(f"/api/v1/bundles/{bundle.reference}/documents/")

    assert started.status_code == 202
    job = lead.get(f"/api/v1/jobs/{started.json()['id']}/").json()
    assert job["state"] == "done", job
    assert lead.get(f"/api/v1/bundles/{bundle.reference}/").json()["state"] == "ready"
    response = lead.get(url(bundle))
    content = b"".join(response.streaming_content)  # read to the end: the file is closed
    assert hashlib.sha256(content).hexdigest() == job["result"]["package_sha256"]


def test_the_api_refuses_to_build_an_unsealed_collective_at_once_with_the_portals_reason(
    client,
):
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    bundle = bundle_of(campaign, *[reviewed_request(campaign, officer=officer) for _ in range(2)])
    lead = caller(issue_token(organisation=campaign.federation, name="SI", scopes=["write"]))

    answered = lead.post(f"/api/v1/bundles/{bundle.reference}/documents/")

    assert answered.status_code == 409
    error = answered.json()["error"]
    assert error["code"] == "conflict"
    assert error["message"].startswith("Les documents se construisent une fois le dossier scellé")
    assert not Job.objects.filter(kind=Job.Kind.BUILD_DOCUMENTS).exists()
    # The portal gives the same reason for the same bundle.
    client.force_login(officer)
    page = client.post(
        reverse("portals:bundle_action", args=[bundle.reference]),
        {"action": "build", "expected_state": bundle.state, "note": ""},
    )
    assert html.escape(error["message"], quote=False) in page.content.decode()
