"""Member sheets as federations keep them, saved by LibreOffice itself in the test.

``libreoffice_sheet(lines, "xlsx", tmp_path)`` writes ``lines`` as a French CSV (``;``,
UTF-8) and asks ``soffice --headless --convert-to`` for an .xlsx or .ods, read with the
French locale: numbers, dates and amounts become whatever Calc makes of them, as when a
federation pastes its list into a sheet.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from dossiers.demo import valid_siren, valid_siret
from intake.models import MemberImport
from intake.services import start_import

FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods:calc8"}


def siret(n: int) -> str:
    return valid_siret(valid_siren(4_000_000 + n))


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice is needed for the import tests: run `make office-deps`")
    return found


def convert(source: Path, target: str, workdir: Path, infilter: str | None = None) -> Path:
    command = [
        soffice(),
        f"-env:UserInstallation=file://{workdir / 'lo-profile'}",
        "--headless",
        "--convert-to",
        FILTERS[target],
        "--outdir",
        str(workdir),
    ]
    if infilter:
        command.append(f"--infilter={infilter}")
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=120)
    produced = workdir / f"{source.stem}.{target}"
    assert produced.exists(), f"LibreOffice did not write {produced}"
    return produced


def libreoffice_sheet(lines: list[str], target: str, workdir: Path, name="adherents") -> Path:
    source = workdir / f"{name}.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Separator ;, quote ", UTF-8 (76), from line 1, standard columns, French locale (1036).
    return convert(source, target, workdir, infilter="CSV:59,34,76,1,,1036")


def upload(campaign, path: Path, actor, *, name: str | None = None) -> MemberImport:
    """Upload and preview (the job runs in process in the tests)."""
    member_import, _job = start_import(
        campaign=campaign, name=name or path.name, data=path.read_bytes(), actor=actor
    )
    member_import.refresh_from_db()
    return member_import
