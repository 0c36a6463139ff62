"""Building a bundle's documents: ``build_bundle_documents(bundle, *, actor, progress)``.

One service, used by the background job, the command and any future button:

1. read the bundle (sealed or ready) into a snapshot, dated the day it was sealed;
2. if a build of that very content exists, reuse it; otherwise render the PDF dossier,
   the XLSX annex and the ZIP package (every member's supporting documents streamed
   from storage into its own folder), store the three files in the private storage and
   write the ``DocumentBuild`` row;
3. move the bundle sealed → ready (``grouping.bundles.mark_ready``, as the system), after
   checking under the bundle's lock that its content is still the one built.

**Deterministic.** The snapshot depends only on the data (the build date is the seal
date, lists are in stable orders) and the renderers are pure and deterministic, so an
unchanged bundle gives byte-identical files.

**Idempotent.** A job may run again after a crash (``kill -9``). Each unit of result is
written in its own transaction and skipped when already there: files have names derived
from the content's fingerprint and are kept when their hash matches; the row is unique
per (bundle, fingerprint), and a second writer reads the first one's row; the transition
is only made from sealed. A run finding the bundle already submitted (the job delivered
again late) returns the build the bundle was sent with.

**Why reuse rather than a second row with the same hashes.** The row is the evidence of
which bytes were produced for which content, by whom and when; identical content gives
identical bytes, so a second row would add nothing but a second "when". Reusing it also
makes a re-run after a crash cost one snapshot instead of a full render, and lets the
database's unique constraint settle two concurrent builds.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from dossiers.workflow import Conflict
from exports.adapters import BundleContent, collect_bundle, sealed_on
from exports.models import DocumentBuild
from exports.package import safe_component, write_package
from exports.pdf_dossier import render_dossier_pdf
from exports.snapshot import fingerprint
from exports.xlsx_annex import render_annex_xlsx
from grappe.errors import GrappeError
from grouping.bundles import mark_ready
from grouping.models import Bundle, BundleState

S = BundleState
BUILDABLE = (S.SEALED, S.READY)
SENT = (S.SUBMITTED, S.DECIDED, S.CLOSED)
# Steps besides the members: the snapshot, the PDF's last pages, the XLSX, the record.
STEPS = 4
# A member left the bundle while its documents were built: build again, a few times.
MAX_ROUNDS = 3
STORAGE_DIR = "exports"
FILENAMES = {"pdf": "dossier.pdf", "xlsx": "annexe.xlsx", "package": "paquet.zip"}
CHUNK = 1 << 20

Progress = Callable[[int, int], None]


class BuildError(GrappeError):
    """The documents cannot be built; the message is for the person who asked."""

    api_code = "build_refused"


@dataclass(frozen=True, slots=True)
class RenderedDocuments:
    """The three documents; the package in a temporary file, deleted on ``close()``."""

    pdf: bytes
    xlsx: bytes
    package: IO[bytes]

    def __enter__(self) -> RenderedDocuments:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.package.close()


def latest_build(bundle: Bundle) -> DocumentBuild | None:
    """The bundle's most recent build (the one a ready bundle was made ready with)."""
    return DocumentBuild.objects.filter(bundle=bundle).order_by("-built_at", "-pk").first()


def build_bundle_documents(
    bundle: Bundle | int, *, actor=None, progress: Progress | None = None
) -> DocumentBuild:
    """Build (or find) the documents of a sealed or ready bundle; sealed → ready.

    ``actor`` is recorded as who asked (None: the system); the transition is always the
    system's. ``progress(done, total)`` is called after each step, each member's PDF
    annex and each member's documents: ``total`` is ``progress_total(member count)``.
    """
    report = progress or _silent
    pk = getattr(bundle, "pk", bundle)
    for _ in range(MAX_ROUNDS):
        current = Bundle.objects.get(pk=pk)
        if current.state in SENT:
            sent = latest_build(current)
            if sent is not None:
                return sent  # what the funder was sent; nothing more to do
        if current.state not in BUILDABLE:
            raise Conflict(
                f"Le dossier {current.reference} est « {S(current.state).label} » : ses "
                "documents ne se construisent qu'une fois scellé."
            )
        record = _build(current, actor=actor, report=report)
        if _mark_ready(current, record):
            return record
    raise BuildError(
        f"Le dossier {current.reference} a changé pendant chaque construction : "
        "relancez-la quand ses membres ne bougent plus."
    )


def progress_total(members: int) -> int:
    """Steps of a build: each member twice (PDF annex, documents in the package), plus
    ``STEPS``. Members dominate a large bundle's time, so the bar moves with them."""
    return 2 * members + STEPS


def _silent(done: int, total: int) -> None:
    return None


def _build(bundle: Bundle, *, actor, report: Progress) -> DocumentBuild:
    content = collect_bundle(bundle, build_date=sealed_on(bundle))
    snapshot = content.snapshot
    total = progress_total(len(snapshot.members))
    report(1, total)
    digest = fingerprint(snapshot)
    existing = DocumentBuild.objects.filter(bundle=bundle, fingerprint=digest).first()
    if existing is not None:
        report(total, total)
        return existing
    with render_documents(content, progress=lambda done: report(1 + done, total)) as rendered:
        record = _record(bundle, content, digest, rendered, actor=actor)
    report(total, total)
    return record


def render_documents(
    content: BundleContent, *, progress: Callable[[int], None] | None = None
) -> RenderedDocuments:
    """The PDF, the XLSX and the ZIP package of ``content``, nothing stored: the package
    is written to a temporary file (members' documents can add up to gigabytes), which
    closing the result deletes.

    ``progress(done)`` counts each member's PDF annex, the end of the PDF, the XLSX, then
    each member whose documents the package has started streaming (the member before it
    is done): ``2 * members + 2`` in all.
    """
    step = progress or (lambda done: None)
    snapshot = content.snapshot
    members = len(snapshot.members)
    pdf = render_dossier_pdf(snapshot, progress=step)
    step(members + 1)
    xlsx = render_annex_xlsx(snapshot)
    step(members + 2)
    package = tempfile.TemporaryFile(prefix="grappe-package-")  # noqa: SIM115 (the result owns it)
    try:
        write_package(
            snapshot,
            _document_sources(content, lambda index: step(members + 2 + index)),
            package,
            dossier_pdf=pdf,
            annex_xlsx=xlsx,
        )
    except BaseException:
        package.close()
        raise
    step(2 * members + 2)
    return RenderedDocuments(pdf=pdf, xlsx=xlsx, package=package)


def _document_sources(
    content: BundleContent, members_done: Callable[[int], None]
) -> Iterator[tuple[str, str, Callable[[], IO[bytes]]]]:
    """(member, filename, opener) for the package; opening a member's file reports it.

    The package opens the files member by member, in the snapshot's order: when the
    first file of a member opens, the members before it are done.
    """
    position = {m.request_reference: i for i, m in enumerate(content.snapshot.members)}
    reported = -1

    def member_started(index: int) -> None:
        nonlocal reported
        if index > reported:
            reported = index
            members_done(index)

    for document in content.documents:
        index = position[document.request_reference]
        yield (
            document.request_reference,
            document.filename,
            _opener(
                document.storage_name,
                document.request_reference,
                lambda index=index: member_started(index),
            ),
        )


def _opener(name: str, reference: str, opened: Callable[[], None]) -> Callable[[], IO[bytes]]:
    def open_document() -> IO[bytes]:
        opened()
        try:
            return default_storage.open(name, "rb")
        except FileNotFoundError as missing:
            raise BuildError(
                f"{reference} : une pièce justificative est introuvable dans le stockage ({name})."
            ) from missing

    return open_document


def _record(
    bundle: Bundle, content: BundleContent, digest: str, rendered: RenderedDocuments, *, actor
) -> DocumentBuild:
    folder = f"{STORAGE_DIR}/{safe_component(bundle.reference)}/{digest}"
    stored = {
        part: _store(f"{folder}/{FILENAMES[part]}", getattr(rendered, part))
        for part in ("pdf", "xlsx", "package")
    }
    fields = {
        "build_date": content.snapshot.build_date,
        "member_count": len(content.snapshot.members),
        "built_by": actor,
    }
    for part, (name, sha256, size) in stored.items():
        fields.update({part: name, f"{part}_sha256": sha256, f"{part}_size": size})
    try:
        with transaction.atomic():
            return DocumentBuild.objects.create(bundle=bundle, fingerprint=digest, **fields)
    except IntegrityError:
        # Another run wrote the same content's row first: the same bytes, keep its row.
        existing = DocumentBuild.objects.filter(bundle=bundle, fingerprint=digest).first()
        if existing is None:
            raise
        return existing


def _store(name: str, content: bytes | IO[bytes]) -> tuple[str, str, int]:
    """Save ``content`` (bytes, or a seekable file read from its start) under ``name``; a
    file left there by a crashed run is kept if it is the same bytes, replaced otherwise.
    Returns the stored name, SHA-256 and size."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    sha256, size = _sha256_and_size(stream)
    if default_storage.exists(name):
        if file_sha256(name) == sha256:
            return name, sha256, size
        default_storage.delete(name)
    stream.seek(0)
    return default_storage.save(name, File(stream, name=name)), sha256, size


def _sha256_and_size(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def file_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _mark_ready(bundle: Bundle, record: DocumentBuild) -> bool:
    """Sealed → ready if the bundle still has the content built; False if it changed.

    The content is read again under the bundle's lock: a member withdrawn while the
    documents were rendered must not leave a ready bundle with a stale dossier.
    """
    with transaction.atomic():
        locked = Bundle.objects.select_for_update(of=("self",)).get(pk=bundle.pk)
        if locked.state != S.SEALED:
            if locked.state in (S.READY, *SENT):
                return True  # an earlier run (or a concurrent one) made it ready
            raise Conflict(
                f"Le dossier {locked.reference} est « {S(locked.state).label} » : il ne "
                "peut plus passer « prêt à transmettre »."
            )
        now = fingerprint(collect_bundle(locked, build_date=record.build_date).snapshot)
        if now != record.fingerprint:
            return False
        mark_ready(
            locked,
            actor=None,
            note=f"Documents construits (empreinte du dossier {record.fingerprint}).",
        )
    return True
