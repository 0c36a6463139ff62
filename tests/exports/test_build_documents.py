"""Building a sealed bundle's documents from the models: what they show, that they are the
same bytes every time, recorded once, and that the bundle becomes ready."""

import hashlib
import io
import zipfile
from decimal import Decimal
from unittest import mock

import openpyxl
import pikepdf
import pypdf
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from dossiers.formatting import euros
from dossiers.workflow import Conflict
from exports import build as build_module
from exports.adapters import collect_bundle, sealed_on
from exports.build import build_bundle_documents, latest_build, render_documents
from exports.models import DocumentBuild
from exports.package import safe_component, verify_package
from grouping.bundles import submit_bundle, withdraw_member
from grouping.models import BundleTransition
from tests.exports.bundles import sealed_bundle
from tests.grouping.builders import bundle_of, campaign_with_policy, officer_of, reviewed_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return sealed_bundle(3, loans=("12000", "15000", "8000"))


@pytest.fixture
def built(world):
    return build_bundle_documents(world.bundle)


def read(stored) -> bytes:
    with stored.open("rb") as stream:
        return stream.read()


def plain(text: str) -> str:
    """pypdf reads the no-break spaces of French amounts as plain spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pdf_text(data: bytes) -> str:
    return plain("\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


# --- What the documents show ------------------------------------------------------------


def test_the_pdf_shows_every_member_and_the_totals_of_the_bundle(world, built):
    text = pdf_text(read(built.pdf))
    bundle = world.refresh()

    assert bundle.reference in text
    assert built.fingerprint in text
    for request in world.requests:
        assert request.reference in text
        assert request.enterprise.siret in text
        assert plain(request.enterprise.name) in text
        assert plain(euros(request.loan_amount)) in text
    for total in (bundle.loan_total, bundle.grant_total, bundle.cost_total):
        assert plain(euros(total)) in text
    assert plain(euros(Decimal("35000.00"))) in text  # 12 000 + 15 000 + 8 000
    assert f"Total ({len(world.requests)} membres)" in text
    assert bundle.campaign.federation.name in text


def test_the_pdf_passes_the_qpdf_check(built):
    with pikepdf.open(io.BytesIO(read(built.pdf))) as document:
        assert document.check_pdf_syntax() == []
        assert len(document.pages) >= 3 + 3  # cover, summary, members, one annex each…


def test_the_xlsx_reads_back_with_the_same_typed_values(world, built):
    workbook = openpyxl.load_workbook(io.BytesIO(read(built.xlsx)))
    rows = list(workbook["Membres"].iter_rows(values_only=True))
    header, members = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}

    assert len(members) == len(world.requests)
    for row, request in zip(members, world.requests, strict=True):
        enterprise = request.enterprise
        assert row[column["Référence de la demande"]] == request.reference
        assert row[column["SIRET"]] == enterprise.siret  # a string: leading zeros survive
        assert isinstance(row[column["SIRET"]], str)
        assert row[column["Code département"]] == "23"
        assert row[column["Date de création"]].date() == enterprise.creation_date
        for header_name, value in (
            ("Coût total HT", request.total_cost),
            ("Montant sollicité", request.loan_amount),  # a lender bundle: the loan only
            ("Fonds propres", request.own_funds),
        ):
            cell = row[column[header_name]]
            assert isinstance(cell, int | float)
            assert Decimal(str(cell)).quantize(Decimal("0.01")) == value
    summary = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(values_only=True) if row}
    assert summary["Nombre de membres"] == 3
    assert Decimal(str(summary["Prêts sollicités"])) == world.refresh().loan_total
    assert summary["Empreinte du dossier (SHA-256)"] == built.fingerprint


def test_the_package_verifies_and_holds_each_members_documents_in_its_folder(world, built):
    package = read(built.package)

    assert verify_package(package) == []
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        assert names[:2] == ["dossier.pdf", "annexe.xlsx"]
        assert names[-1] == "manifest.json"
        assert archive.read("dossier.pdf") == read(built.pdf)
        assert archive.read("annexe.xlsx") == read(built.xlsx)
        for request in world.requests:
            folder = f"pieces/{safe_component(f'{request.reference} - {request.enterprise.name}')}/"
            for document in request.documents.select_related("stored_file"):
                stored = document.stored_file
                assert archive.read(folder + stored.original_name) == read(stored.file)


def test_the_files_are_in_private_storage_with_the_recorded_hashes(built):
    for stored, sha256, size in built.files().values():
        assert stored.name.startswith(f"exports/{built.bundle.reference}/{built.fingerprint}/")
        data = read(stored)
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (sha256, size)
        private = settings.STORAGES["default"]["OPTIONS"]["location"]
        assert default_storage.path(stored.name).startswith(private)


# --- Determinism and idempotency --------------------------------------------------------


def rendered_bytes(content) -> tuple[bytes, bytes, bytes]:
    with render_documents(content) as rendered:
        rendered.package.seek(0)
        return rendered.pdf, rendered.xlsx, rendered.package.read()


def test_building_twice_gives_byte_identical_pdf_xlsx_and_zip(world, built):
    again = rendered_bytes(collect_bundle(world.bundle, build_date=sealed_on(world.bundle)))
    once_more = rendered_bytes(collect_bundle(world.bundle, build_date=built.build_date))

    assert again == once_more
    assert again == (read(built.pdf), read(built.xlsx), read(built.package))


def test_the_build_date_is_the_seal_date_not_today(world, built):
    assert built.build_date == sealed_on(world.bundle)
    with mock.patch("django.utils.timezone.now") as later:
        later.return_value = built.built_at.replace(year=built.built_at.year + 1)
        content = collect_bundle(world.bundle, build_date=sealed_on(world.bundle))
    assert rendered_bytes(content)[2] == read(built.package)


def test_a_second_build_of_an_unchanged_bundle_reuses_the_record(world, built):
    with mock.patch.object(build_module, "render_documents") as render:
        again = build_bundle_documents(world.bundle)

    render.assert_not_called()
    assert again == built
    assert DocumentBuild.objects.count() == 1


def test_a_concurrent_build_of_the_same_content_keeps_the_first_record(world, built):
    # It looked before the first build wrote its row, rendered, and now loses the insert.
    content = collect_bundle(world.bundle, build_date=built.build_date)

    with render_documents(content) as rendered:
        again = build_module._record(
            world.bundle, content, built.fingerprint, rendered, actor=world.officer
        )

    assert again == built
    assert DocumentBuild.objects.count() == 1


def test_the_record_cannot_be_edited_or_deleted(built):
    with pytest.raises(ValidationError):
        built.save()
    with pytest.raises(ValidationError):
        built.delete()


def test_the_bundle_becomes_ready_once_as_the_system(world, built):
    build_bundle_documents(world.bundle)

    assert world.refresh().state == "ready"
    [log] = BundleTransition.objects.filter(bundle=world.bundle, transition="mark_ready")
    assert (log.from_state, log.to_state, log.actor) == ("sealed", "ready", None)
    assert built.fingerprint in log.note


def test_who_asked_is_recorded(world):
    built = build_bundle_documents(world.bundle, actor=world.officer)

    assert built.built_by == world.officer
    assert built.member_count == 3


def test_progress_is_reported_per_step_and_per_member(world):
    calls = []
    build_bundle_documents(world.bundle, progress=lambda done, total: calls.append((done, total)))

    total = 2 * 3 + build_module.STEPS  # each member's PDF annex and documents, 4 steps
    assert {t for _, t in calls} == {total}
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert set(range(1, total + 1)) <= set(done)
    assert calls[-1] == (total, total)


def test_a_build_stopped_before_its_transition_finishes_on_the_next_run(world):
    with (
        mock.patch.object(build_module, "mark_ready", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        build_bundle_documents(world.bundle)
    first = DocumentBuild.objects.get()
    assert world.refresh().state == "sealed"

    with mock.patch.object(build_module, "render_documents") as render:
        again = build_bundle_documents(world.bundle)

    render.assert_not_called()
    assert again == first
    assert world.refresh().state == "ready"
    assert BundleTransition.objects.filter(transition="mark_ready").count() == 1


def test_a_build_stopped_before_its_record_leaves_no_second_file_on_the_next_run(world):
    with (
        mock.patch.object(DocumentBuild.objects, "create", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        build_bundle_documents(world.bundle)
    assert not DocumentBuild.objects.exists()

    built = build_bundle_documents(world.bundle)

    folder = built.pdf.name.rsplit("/", 1)[0]
    assert sorted(default_storage.listdir(folder)[1]) == [
        "annexe.xlsx",
        "dossier.pdf",
        "paquet.zip",
    ]
    assert built.package.name == f"{folder}/paquet.zip"


def test_a_member_withdrawn_during_the_build_is_not_in_the_ready_dossier(world):
    render = build_module.render_documents
    leaving = world.bundle.members.get(request=world.requests[0])

    def render_while_a_member_leaves(content, **kwargs):
        if leaving.status != "withdrawn":
            withdraw_member(world.bundle, leaving, actor=world.officer)
            leaving.status = "withdrawn"
        return render(content, **kwargs)

    with mock.patch.object(build_module, "render_documents", render_while_a_member_leaves):
        built = build_bundle_documents(world.bundle)

    assert world.refresh().state == "ready"
    assert built.member_count == 2
    assert latest_build(world.bundle) == built
    assert world.requests[0].reference not in pdf_text(read(built.pdf))
    assert DocumentBuild.objects.filter(bundle=world.bundle).count() == 2


def test_a_draft_bundle_has_no_documents_to_build():
    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    draft = bundle_of(campaign, *(reviewed_request(campaign, officer=officer) for _ in range(2)))

    with pytest.raises(Conflict, match="ne se construisent qu'une fois scellé"):
        build_bundle_documents(draft)
    assert not DocumentBuild.objects.exists()


def test_a_bundle_already_sent_keeps_the_documents_it_was_sent_with(world, built):
    submit_bundle(world.bundle, actor=world.officer)
    transitions = BundleTransition.objects.count()

    with mock.patch.object(build_module, "render_documents") as render:
        again = build_bundle_documents(world.bundle)

    render.assert_not_called()
    assert again == built
    assert BundleTransition.objects.count() == transitions
