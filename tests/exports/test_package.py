import hashlib
import io
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossiers.uploads import EXTENSIONS
from exports.package import (
    COMPRESSED_FORMATS,
    render_package,
    safe_component,
    verify_package,
    write_package,
)
from exports.snapshot import fingerprint
from tests.exports.sample import sample_documents, sample_dossier


@pytest.fixture(scope="module")
def snapshot():
    return sample_dossier(3)


@pytest.fixture(scope="module")
def package(snapshot):
    return render_package(snapshot, sample_documents(snapshot))


def rebuilt(package: bytes, *, replace: dict[str, bytes] | None = None, add=None, drop=()):
    """A copy of ``package`` with some entries changed, added or removed."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def test_a_fresh_package_verifies(package):
    assert verify_package(package) == []


def test_it_holds_the_dossier_the_annex_every_document_and_the_manifest(package, snapshot):
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        assert names[:2] == ["dossier.pdf", "annexe.xlsx"]
        assert names[-1] == "manifest.json"
        assert len(names) == 3 + sum(len(m.documents) for m in snapshot.members)
        assert manifest["bundle_reference"] == snapshot.reference
        assert manifest["dossier_fingerprint"] == fingerprint(snapshot)
        for item in manifest["files"]:
            data = archive.read(item["path"])
            assert item["size"] == len(data)
            assert item["sha256"] == hashlib.sha256(data).hexdigest()


def test_member_folders_and_file_names_are_safe(package):
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for name in archive.namelist():
            assert not name.startswith("/")
            assert ".." not in name.split("/")
            assert "\\" not in name
            assert all(ord(char) >= 32 for char in name)
        assert any(name.endswith("/de_minimis.pdf") for name in archive.namelist())


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("/absolu/fichier.pdf", "_absolu_fichier.pdf"),
        ("C:\\Windows\\kbis.pdf", "C__Windows_kbis.pdf"),
        ("nul\x00 caché\n.pdf", "nul caché .pdf"),
        ("CON.pdf", "CON_.pdf"),
        ("Cafe\u0301", "Café"),
        ("  ...  ", "sans nom"),
    ],
)
def test_safe_component(raw, safe):
    assert safe_component(raw) == safe


def test_clashing_names_get_a_numbered_suffix(snapshot):
    reference = snapshot.members[0].request_reference
    documents = [
        (reference, "Devis.pdf", b"un"),
        (reference, "devis.pdf", b"deux"),
        (reference, "sous/dossier/devis.pdf", b"trois"),
    ]
    with zipfile.ZipFile(io.BytesIO(render_package(snapshot, documents))) as archive:
        names = sorted(
            name.rsplit("/", 1)[1] for name in archive.namelist() if name.startswith("pieces/")
        )
    assert names == ["Devis.pdf", "devis (2).pdf", "devis (3).pdf"]


def test_documents_can_be_streamed_from_a_path_or_a_callable(snapshot, tmp_path):
    reference = snapshot.members[1].request_reference
    path = tmp_path / "statuts.pdf"
    path.write_bytes(b"%PDF statuts")
    documents = [
        (reference, "statuts.pdf", path),
        (reference, "rib.pdf", lambda: io.BytesIO(b"%PDF rib")),
    ]
    package = render_package(snapshot, documents)
    assert verify_package(package) == []


def test_a_document_that_differs_from_the_dossier_listing_is_refused(snapshot):
    member = snapshot.members[0]
    with pytest.raises(ValueError, match="differs"):
        render_package(
            snapshot, [(member.request_reference, member.documents[0].filename, b"autre")]
        )


def test_a_document_of_an_unknown_member_is_refused(snapshot):
    with pytest.raises(ValueError, match="no member"):
        render_package(snapshot, [("DEM-INCONNUE", "kbis.pdf", b"x")])


def test_a_tampered_file_is_caught(package):
    tampered = rebuilt(package, replace={"dossier.pdf": b"%PDF-1.4 falsifie"})
    problems = verify_package(tampered)
    assert any(problem.startswith("dossier.pdf") and "SHA-256" in problem for problem in problems)


def test_an_extra_file_is_caught(package):
    problems = verify_package(rebuilt(package, add={"pieces/ajout.pdf": b"x"}))
    assert problems == ["pieces/ajout.pdf : présent dans le paquet mais absent du manifeste."]


def test_a_missing_file_is_caught(package):
    problems = verify_package(rebuilt(package, drop={"annexe.xlsx"}))
    assert problems == ["annexe.xlsx : listé dans le manifeste mais absent du paquet."]


def test_a_corrupted_archive_or_manifest_is_reported(package, tmp_path):
    assert verify_package(b"pas un zip")[0].startswith("Le paquet n’est pas une archive ZIP")
    assert verify_package(rebuilt(package, drop={"manifest.json"})) == [
        "manifest.json est absent du paquet."
    ]
    path = tmp_path / "paquet.zip"
    path.write_bytes(rebuilt(package, replace={"manifest.json": b"{"}))
    assert verify_package(path)[0].startswith("manifest.json est illisible")


def test_two_builds_are_byte_identical(snapshot, package):
    assert render_package(snapshot, sample_documents(snapshot)) == package


def test_written_to_a_file_it_is_the_same_package(snapshot, package, tmp_path):
    target = tmp_path / "paquet.zip"
    with target.open("w+b") as out:
        write_package(snapshot, sample_documents(snapshot), out)

    assert target.read_bytes() == package


def test_compressed_files_are_stored_and_the_manifest_deflated(snapshot):
    reference = snapshot.members[0].request_reference
    documents = [
        (reference, "devis.pdf", b"%PDF-1.7 " + b"x" * 5000),
        (reference, "photo.JPG", b"\xff\xd8\xff" + b"y" * 5000),
        (reference, "notes.txt", b"z" * 5000),
    ]
    with zipfile.ZipFile(io.BytesIO(render_package(snapshot, documents))) as archive:
        method = {Path(i.filename).name: i.compress_type for i in archive.infolist()}

    assert method["dossier.pdf"] == method["annexe.xlsx"] == zipfile.ZIP_STORED
    assert method["devis.pdf"] == method["photo.JPG"] == zipfile.ZIP_STORED
    assert method["notes.txt"] == method["manifest.json"] == zipfile.ZIP_DEFLATED


def test_every_type_an_applicant_may_upload_counts_as_compressed():
    accepted = set().union(*EXTENSIONS.values())
    assert accepted <= COMPRESSED_FORMATS


@given(st.text(max_size=300))
def test_any_name_becomes_one_safe_path_component(raw):
    safe = safe_component(raw)
    assert safe and len(safe) <= 100
    assert "/" not in safe and "\\" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")
    assert all(unicodedata.category(char) not in ("Cc", "Cf") for char in safe)
    assert unicodedata.normalize("NFC", safe) == safe


def test_a_corrupted_entry_is_caught(package):
    data = bytearray(package)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        info = archive.getinfo("dossier.pdf")
    data[info.header_offset + 30 + len(info.filename.encode()) + 200] ^= 0xFF
    problems = verify_package(bytes(data))
    assert any(problem.startswith("dossier.pdf") for problem in problems)
