"""``build_package`` writes a bundle's package; ``verify_package`` catches any change."""

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exports.models import DocumentBuild
from tests.exports.bundles import sealed_bundle

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world():
    return sealed_bundle(2)


@pytest.fixture
def package(world, tmp_path) -> Path:
    out = io.StringIO()
    call_command(
        "build_package", world.bundle.reference, "--out", str(tmp_path / "out"), stdout=out
    )
    sha256, path = out.getvalue().strip().split("  ")
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha256
    return Path(path)


def tampered(package: Path, target: Path) -> str:
    """A copy of ``package`` with one member document changed; returns its entry name."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as copy:
        names = source.namelist()
        changed = next(name for name in names if name.startswith("pieces/"))
        for name in names:
            data = source.read(name)
            copy.writestr(name, data + b"%changed" if name == changed else data)
    return changed


def entry(package: Path, name: str) -> bytes:
    with zipfile.ZipFile(package) as archive:
        return archive.read(name)


def test_build_package_writes_the_zip_and_prints_its_path_and_sha256(world, package):
    build = DocumentBuild.objects.get()

    assert package.name == f"{world.bundle.reference}-paquet.zip"
    assert hashlib.sha256(package.read_bytes()).hexdigest() == build.package_sha256
    assert world.refresh().state == "ready"


def test_build_package_twice_writes_the_same_bytes(world, package, tmp_path):
    again = io.StringIO()
    call_command(
        "build_package", world.bundle.reference, "--out", str(tmp_path / "b"), stdout=again
    )

    assert Path(again.getvalue().split("  ")[1].strip()).read_bytes() == package.read_bytes()
    assert DocumentBuild.objects.count() == 1


def test_build_package_names_an_unknown_bundle(tmp_path):
    with pytest.raises(CommandError, match="GRP-NONE"):
        call_command("build_package", "GRP-NONE", "--out", str(tmp_path))


def test_verify_package_accepts_an_untouched_package(world, package):
    out = io.StringIO()
    call_command("verify_package", str(package), stdout=out)

    assert "conforme à son manifeste" in out.getvalue()
    assert world.bundle.reference in out.getvalue()


def test_verify_package_names_a_changed_file_and_fails(package, tmp_path):
    changed = tampered(package, tmp_path / "tampered.zip")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="2 différence"):
        call_command("verify_package", str(tmp_path / "tampered.zip"), stderr=errors)

    assert errors.getvalue().splitlines() == [
        f"{changed} : taille {len(entry(tmp_path / 'tampered.zip', changed))} octets, "
        f"le manifeste indique {len(entry(package, changed))}.",
        f"{changed} : empreinte SHA-256 différente de celle du manifeste.",
    ]


def test_verify_package_exits_non_zero_from_the_shell(package, tmp_path):
    changed = tampered(package, tmp_path / "tampered.zip")

    result = subprocess.run(
        [sys.executable, "manage.py", "verify_package", str(tmp_path / "tampered.zip")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert changed in result.stderr
    assert "SHA-256" in result.stderr
    ok = subprocess.run(
        [sys.executable, "manage.py", "verify_package", str(package)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr


def test_verify_package_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("verify_package", str(tmp_path / "absent.zip"))
