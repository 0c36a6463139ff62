"""The package a funder downloads: ``write_package`` (``render_package``) and ``verify_package``.

Layout of the ZIP, in this order:

- ``dossier.pdf`` and ``annexe.xlsx``;
- ``pieces/<member folder>/<file>``: each member's supporting documents, in a folder named
  after the member (request reference and company name), sorted;
- ``manifest.json`` last, since it lists the size and SHA-256 of every file before it,
  with the bundle reference and the dossier fingerprint (:func:`exports.snapshot.fingerprint`,
  also printed on every page of the PDF), the collective's kind and totals, and its
  canonical JSON with its SHA-256 (:func:`collective_manifest`).

Names coming from applicants are made safe (:func:`safe_component`): no path separators,
no ``..``, no absolute paths, no control characters, NFC-normalised, no names Windows
refuses; clashes (compared case-insensitively, as Windows and macOS do) get a " (2)"
suffix, deterministically. The archive is deterministic: sorted entries, fixed timestamps
and permissions, deflate at a fixed level (:mod:`exports.ziputil`).

Files that are compressed already (every type an applicant may upload, the dossier and
the annex) are stored, not deflated again: deflate gained 1.5–2.5 % on real PDFs and
nothing on scans, and cost about 20 ms of CPU per MB, half of a 20-member bundle's build
(docs/performance.md, ``## Exports``). The manifest and any other file are deflated.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, Union

from exports.pdf_dossier import render_dossier_pdf
from exports.snapshot import DossierSnapshot, canonical_collective, fingerprint
from exports.xlsx_annex import render_annex_xlsx
from exports.ziputil import PinnedZipFile

MANIFEST = "manifest.json"
DOSSIER = "dossier.pdf"
ANNEX = "annexe.xlsx"
DOCUMENTS_DIR = "pieces"
MANIFEST_FORMAT = "grappe-package/1"
# Compressed containers: PDF streams, images, OOXML and ODF (ZIPs). The accepted uploads
# (dossiers.uploads.EXTENSIONS) are all among them.
COMPRESSED_FORMATS = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".odt", ".ods", ".zip"}
)
MAX_COMPONENT = 100
CHUNK = 1 << 20

# bytes, a path to a file, or a callable returning bytes or a readable binary stream.
DocumentSource = Union[bytes, str, os.PathLike, Callable[[], Union[bytes, IO[bytes]]]]  # noqa: UP007

_UNSAFE = re.compile(r'[\\/<>:"|?*]')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}


def safe_component(name: str, *, fallback: str = "sans nom") -> str:
    """One path component that is safe on every file system and inside a ZIP."""
    name = unicodedata.normalize("NFC", name)
    if not name.isprintable():  # control, format or line-separator characters to blank out
        name = "".join(
            " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in name
        )
    name = _UNSAFE.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if stem.upper() in _WINDOWS_RESERVED or name.upper() in _WINDOWS_RESERVED:
        name = f"{stem}_{dot}{extension}"
    if len(name) > MAX_COMPONENT:
        keep = f"{dot}{extension}" if dot and len(extension) <= 10 else ""
        name = name[: MAX_COMPONENT - len(keep)].rstrip(" .") + keep
    return name or fallback


def _display_basename(filename: str) -> str:
    """The last non-empty part of a display filename, whatever separator it used."""
    parts = [part for part in re.split(r"[\\/]+", filename) if part not in ("", ".", "..")]
    return parts[-1] if parts else ""


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… before the extension, if already taken."""
    candidate, number = name, 1
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, dot, extension = name, "", ""
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{extension}"
    taken.add(candidate.casefold())
    return candidate


def member_folders(snapshot: DossierSnapshot) -> dict[str, str]:
    """Request reference -> folder name inside ``pieces/``, unique and safe."""
    taken: set[str] = set()
    folders = {}
    for member in snapshot.members:
        name = safe_component(f"{member.request_reference} - {member.company_name}")
        folders[member.request_reference] = unique_name(name, taken)
    return folders


def render_package(
    snapshot: DossierSnapshot,
    documents: Iterable[tuple[str, str, DocumentSource]],
    *,
    dossier_pdf: bytes | None = None,
    annex_xlsx: bytes | None = None,
) -> bytes:
    """The ZIP package of a collective file, in memory (see :func:`write_package`)."""
    buffer = io.BytesIO()
    write_package(snapshot, documents, buffer, dossier_pdf=dossier_pdf, annex_xlsx=annex_xlsx)
    return buffer.getvalue()


def write_package(
    snapshot: DossierSnapshot,
    documents: Iterable[tuple[str, str, DocumentSource]],
    out: IO[bytes],
    *,
    dossier_pdf: bytes | None = None,
    annex_xlsx: bytes | None = None,
) -> None:
    """Write the ZIP package of a collective file into ``out`` (binary, seekable).

    A large bundle's members' documents add up to gigabytes: written to a file, they are
    streamed through, never held in memory.

    The PDF dossier and the XLSX annex are rendered from ``snapshot`` unless the caller
    passes the bytes it already rendered from that same snapshot.

    ``documents`` yields ``(request reference, display filename, source)`` where source is
    the file's bytes, a path to it, or a callable returning bytes or a binary stream
    (called once, streamed). A document listed in the snapshot under the same filename
    must have the SHA-256 the snapshot recorded: the dossier prints those hashes.
    """
    digest = fingerprint(snapshot)
    folders = member_folders(snapshot)
    order = {member.request_reference: index for index, member in enumerate(snapshot.members)}
    expected = {
        (member.request_reference, doc.filename): doc.sha256
        for member in snapshot.members
        for doc in member.documents
    }
    entries = []
    for reference, filename, source in documents:
        if reference not in folders:
            raise ValueError(f"document {filename!r} belongs to no member ({reference!r})")
        safe_name = safe_component(_display_basename(filename), fallback="document")
        entries.append((order[reference], safe_name, filename, reference, source))
    entries.sort(key=lambda entry: entry[:3])

    files: list[dict[str, Any]] = []
    with PinnedZipFile(out, day=snapshot.build_date) as archive:
        for name, content in (
            (DOSSIER, render_dossier_pdf(snapshot) if dossier_pdf is None else dossier_pdf),
            (ANNEX, render_annex_xlsx(snapshot) if annex_xlsx is None else annex_xlsx),
        ):
            files.append(_add(archive, name, io.BytesIO(content)))
        taken: dict[str, set[str]] = {}
        for _, safe_name, filename, reference, source in entries:
            folder = folders[reference]
            name = unique_name(safe_name, taken.setdefault(folder, set()))
            with _open(source) as stream:
                entry = _add(archive, f"{DOCUMENTS_DIR}/{folder}/{name}", stream)
            recorded = expected.get((reference, filename))
            if recorded is not None and recorded != entry["sha256"]:
                raise ValueError(
                    f"{reference}: {filename!r} differs from the document the dossier lists"
                )
            files.append(entry)
        manifest = {
            "format": MANIFEST_FORMAT,
            "bundle_reference": snapshot.reference,
            "dossier_fingerprint": digest,
            "build_date": snapshot.build_date.isoformat(),
            **collective_manifest(snapshot),
            "files": files,
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        archive.writestr(MANIFEST, text.encode("utf-8"))


def collective_manifest(snapshot: DossierSnapshot) -> dict[str, Any]:
    """What the manifest says of the collective itself: its kind, its totals (as the PDF,
    the XLSX and the API show them) and its canonical JSON with the SHA-256 of it, which a
    bank can recompute from its own records (docs/api.md, "Recomputing a collective's
    fingerprint")."""
    totals = snapshot.totals
    canonical = canonical_collective(snapshot)
    return {
        "kind": snapshot.kind.value,
        "title": snapshot.title,
        "totals": {
            "member_count": len(snapshot.members),
            "grant_total": f"{totals.grant:.2f}",
            "loan_total": f"{totals.loan:.2f}",
            "cost_total": f"{totals.total_cost:.2f}",
            "own_funds_total": f"{totals.own_funds:.2f}",
        },
        "collective": canonical.decode("utf-8"),
        "collective_sha256": hashlib.sha256(canonical).hexdigest(),
    }


class _HashingReader:
    """Wraps a stream: counts and hashes what is read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk


def _add(archive: PinnedZipFile, name: str, stream: IO[bytes]) -> dict[str, Any]:
    deflate = Path(name).suffix.lower() not in COMPRESSED_FORMATS
    if isinstance(stream, io.BytesIO):  # already in memory: one write, no streaming
        data = stream.getvalue()
        archive.writestr(name, data, deflate=deflate)
        return {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    reader = _HashingReader(stream)
    archive.write_stream(name, reader, deflate=deflate)  # type: ignore[arg-type]
    return {"path": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def _open(source: DocumentSource) -> IO[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    if isinstance(source, str | os.PathLike):
        return open(source, "rb")  # noqa: SIM115 (closed by the caller's with)
    if callable(source):
        produced = source()
        if isinstance(produced, bytes | bytearray | memoryview):
            return io.BytesIO(bytes(produced))
        return produced
    raise TypeError(f"unsupported document source: {type(source).__name__}")


def verify_package(package: bytes | str | os.PathLike) -> list[str]:
    """Check a package against its manifest; return the problems found (empty: all good).

    Checks every listed file's presence, size and SHA-256, files present but not listed,
    duplicate or unsafe entry names, and that the manifest itself is readable.
    """
    source = io.BytesIO(package) if isinstance(package, bytes | bytearray) else Path(package)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        return [f"Le paquet n’est pas une archive ZIP lisible ({error})."]
    problems: list[str] = []
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        names = [info.filename for info in infos]
        for name in sorted({name for name in names if names.count(name) > 1}):
            problems.append(f"{name} : présent plusieurs fois dans l’archive.")
        for name in names:
            if (
                name.startswith(("/", "\\"))
                or ".." in name.split("/")
                or "\\" in name
                or re.match(r"^[A-Za-z]:", name)
            ):
                problems.append(f"{name} : chemin dangereux (absolu ou remontant l’arborescence).")
        if MANIFEST not in names:
            return [*problems, f"{MANIFEST} est absent du paquet."]
        try:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
            listed = {item["path"]: item for item in manifest["files"]}
        except (ValueError, KeyError, TypeError) as error:
            return [*problems, f"{MANIFEST} est illisible ({error})."]
        present = set(names)
        for path, item in sorted(listed.items()):
            if path not in present:
                problems.append(f"{path} : listé dans le manifeste mais absent du paquet.")
                continue
            size, sha256 = _measure(archive, path)
            if size != item.get("size"):
                problems.append(
                    f"{path} : taille {size} octets, le manifeste indique {item.get('size')}."
                )
            if sha256 != item.get("sha256"):
                problems.append(f"{path} : empreinte SHA-256 différente de celle du manifeste.")
        for path in sorted(present - set(listed) - {MANIFEST}):
            problems.append(f"{path} : présent dans le paquet mais absent du manifeste.")
    return problems


def _measure(archive: zipfile.ZipFile, name: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, OSError, EOFError):  # corrupt entry: report as a mismatch
        return -1, ""
    return size, digest.hexdigest()
