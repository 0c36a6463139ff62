"""The documented example client works against a running server."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

from api.tokens import issue_token
from dossiers.models import FundingRequest
from exports.build import build_bundle_documents
from grouping.bundles import seal_bundle, submit_bundle
from tests.grouping.builders import bundle_of, campaign_with_policy, officer_of, reviewed_request

# serialized_rollback: the flush after a transactional test would otherwise also remove the
# scheme parameters the migrations load, which later tests need.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = Path(settings.BASE_DIR) / "docs" / "examples" / "funder_client.py"


def load_client_module():
    spec = importlib.util.spec_from_file_location("funder_client", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_client_lists_downloads_and_decides(live_server, capsys, monkeypatch, tmp_path):
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    requests_ = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    bundle = seal_bundle(bundle_of(campaign, *requests_), actor=officer)
    build_bundle_documents(bundle)
    submit_bundle(bundle, actor=officer)
    _, raw = issue_token(organisation=bundle.funder, name="Client", scopes=["write"])
    monkeypatch.setenv("GRAPPE_URL", live_server.url)
    monkeypatch.setenv("GRAPPE_TOKEN", raw)
    client = load_client_module()
    member = bundle.members.select_related("request").order_by("request_id").first()

    assert client.main(["list", "--state", "submitted"]) == 0
    assert bundle.reference in capsys.readouterr().out
    saved = tmp_path / "paquet.zip"
    assert client.main(["download", bundle.reference, "--to", str(saved)]) == 0
    assert saved.stat().st_size > 0 and "sha256" in capsys.readouterr().out
    decide = ["decide", bundle.reference, member.request.reference, "--approve"]
    assert client.main([*decide, "--months", "60", "--rate", "4.2"]) == 0
    assert "approved" in capsys.readouterr().out
    assert FundingRequest.objects.get(pk=member.request_id).state == "approved"
    # A refusal is printed with its reasons, in the API's error shape.
    other = bundle.members.exclude(pk=member.pk).select_related("request").get()
    assert client.main(["decide", bundle.reference, other.request.reference, "--decline"]) == 1
    assert "transition_refused" in capsys.readouterr().err
