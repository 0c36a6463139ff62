"""Receiving a file: size limit, type read from the content, SHA-256, private storage.

A file is read from a file object in chunks, never whole: a multi-megabyte upload costs
a few kilobytes of memory here. ZIP-based office files (Word, Excel, OpenDocument) are
inspected in bounded memory and time: the central directory's size and entry count are
read first, every entry's declared size and compression ratio are capped, then every
entry is decompressed in chunks and counted, so a zip bomb is refused before it costs
more than a chunk of memory and a bounded amount of inflating (docs/rules.md#zip-bombs).
"""

import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import PurePath
from typing import BinaryIO

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from dossiers.models import StoredFile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ACCEPTED = {
    PDF: "PDF",
    PNG: "PNG",
    JPEG: "JPEG",
    DOCX: "Word",
    XLSX: "Excel",
    ODT: "ODT",
    ODS: "ODS",
}
# What names the file may carry for each type, so a renamed file is caught too.
EXTENSIONS = {
    PDF: {".pdf"}, PNG: {".png"}, JPEG: {".jpg", ".jpeg"}, DOCX: {".docx"}, XLSX: {".xlsx"},
    ODT: {".odt"}, ODS: {".ods"},
}  # fmt: skip
# The longest original name kept; longer names are cut before their extension.
NAME_MAX_CHARS = 200

CHUNK = 64 * 1024
# How much of the start of the file magic numbers need.
HEAD_BYTES = 8 * 1024
# The end-of-central-directory record: 22 bytes, then a comment of up to 64 KiB.
_EOCD = b"PK\x05\x06"
_EOCD_SEARCH = 22 + 65_535


class ArchiveRefused(ValidationError):
    """A ZIP-based file whose inspection stopped at a limit: a bomb, or a damaged file."""


def _bomb(name: str, why: str) -> ArchiveRefused:
    return ArchiveRefused(
        f"Le fichier « {name} » est refusé : {why}. Un document bureautique ordinaire "
        "reste bien en deçà ; enregistrez-le à nouveau ou envoyez-le en PDF.",
        code="archive_refused",
    )


def _stream(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes | bytearray) else data


def _size(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _central_directory(stream: BinaryIO, size: int, name: str) -> tuple[int, int]:
    """(entries, bytes) of the central directory, read from the end record alone.

    zipfile builds an object per entry of the central directory: a 10 MB file could list
    200 000 entries. Reading the count first bounds that memory too.
    """
    start = max(0, size - _EOCD_SEARCH)
    stream.seek(start)
    tail = stream.read(size - start)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return -1, -1
    entries, directory_bytes = struct.unpack("<xxxxxxxxxxHI", tail[at : at + 16])
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        # ZIP64: only needed above 65 535 entries or 4 GiB, never by an office document.
        raise _bomb(name, "l'archive est au format ZIP64, réservé aux archives géantes")
    return entries, directory_bytes


def _inspect_zip(stream: BinaryIO, size: int, name: str) -> set[str] | None:
    """The entry names of a ZIP checked against every limit, or None if it is no ZIP."""
    entries, directory_bytes = _central_directory(stream, size, name)
    if entries < 0:
        return None
    if entries > settings.UPLOAD_ARCHIVE_MAX_ENTRIES or directory_bytes > size:
        raise _bomb(
            name, f"l'archive annonce {entries} éléments (au plus "
            f"{settings.UPLOAD_ARCHIVE_MAX_ENTRIES})"
        )  # fmt: skip
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    with archive:
        infos = archive.infolist()
        _check_declared(infos, name)
        _inflate_every_entry(archive, infos, name)
        return {info.filename for info in infos}


def _check_declared(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse on what the directory declares, before inflating a single byte."""
    max_entry = settings.UPLOAD_ARCHIVE_MAX_ENTRY_BYTES
    max_total = settings.UPLOAD_ARCHIVE_MAX_TOTAL_BYTES
    total = 0
    for info in infos:
        if info.file_size > max_entry:
            raise _bomb(
                name,
                f"l'élément « {info.filename[:80]} » se décompresse en "
                f"{info.file_size // 1_048_576} Mo (au plus {max_entry // 1_048_576} Mo)",
            )
        _check_ratio(info.filename, info.file_size, info.compress_size, name)
        total += info.file_size
    if total > max_total:
        raise _bomb(
            name,
            f"son contenu se décompresse en {total // 1_048_576} Mo "
            f"(au plus {max_total // 1_048_576} Mo)",
        )


def _check_ratio(entry: str, inflated: int, compressed: int, name: str) -> None:
    # Small entries compress very well (repeated XML); only large ones can be bombs.
    if inflated <= settings.UPLOAD_ARCHIVE_RATIO_FLOOR_BYTES:
        return
    limit = settings.UPLOAD_ARCHIVE_MAX_RATIO
    if inflated > limit * max(compressed, 1):
        raise _bomb(
            name,
            f"l'élément « {entry[:80]} » se décompresse plus de {limit} fois "
            "(taux de compression d'une bombe de décompression)",
        )


def _inflate_every_entry(archive: zipfile.ZipFile, infos: list, name: str) -> None:
    """Decompress each entry in chunks, counting: the declared sizes may lie.

    zipfile stops an entry at its declared size and then checks its CRC, so a lying entry
    ends in BadZipFile after at most its declared size; the running total is checked too.
    """
    max_total = settings.UPLOAD_ARCHIVE_MAX_TOTAL_BYTES
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        try:
            with archive.open(info) as entry:
                while chunk := entry.read(CHUNK):
                    total += len(chunk)
                    if total > max_total:
                        raise _bomb(name, "son contenu décompressé dépasse la limite")
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError,
                EOFError) as error:  # fmt: skip
            raise _bomb(name, "l'archive est endommagée ou chiffrée") from error


def _odf_mimetype(stream: BinaryIO, size: int) -> str:
    """The ODF `mimetype` entry, read no further than the longest type we accept."""
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive, archive.open("mimetype") as entry:
        return entry.read(100).decode("ascii", "replace").strip()


def _office_type(stream: BinaryIO, size: int, name: str) -> str | None:
    """ZIP-based office files all look alike to magic numbers: look inside."""
    names = _inspect_zip(stream, size, name)
    if names is None:
        return None
    if "mimetype" in names:
        declared = _odf_mimetype(stream, size)
        return declared if declared in (ODT, ODS) else None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(data: bytes | BinaryIO, name: str = "document") -> str | None:
    """The content type read from the content, or None when it is not one we accept."""
    stream = _stream(data)
    size = _size(stream)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _office_type(stream, size, name)
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    for match in matches:
        mime = match.mime_type
        if mime in ACCEPTED:
            return mime
    return None


def check_upload(name: str, data: bytes | BinaryIO) -> str:
    """Raise ValidationError naming what is wrong; return the detected content type."""
    stream = _stream(data)
    size = _size(stream)
    limit = settings.UPLOAD_MAX_BYTES
    if size == 0:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty_file")
    if size > limit:
        shown = f"{size / 1_048_576:.1f}".replace(".", ",")  # French decimal comma
        raise ValidationError(
            f"Le fichier « {name} » pèse {shown} Mo : la limite est {limit / 1_048_576:.0f} Mo.",
            code="file_too_large",
        )
    content_type = sniff(stream, name)
    if content_type is None:
        raise ValidationError(
            f"Le fichier « {name} » n'est pas d'un type accepté (PDF, image PNG ou JPEG, "
            "document Word, Excel ou OpenDocument), d'après son contenu.",
            code="file_type",
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[content_type]:
        raise ValidationError(
            f"Le fichier « {name} » est en réalité un fichier {ACCEPTED[content_type]} : "
            "son nom ne correspond pas à son contenu.",
            code="file_type_mismatch",
        )
    return content_type


def safe_name(name: str) -> str:
    """The name's last part, cut to NAME_MAX_CHARS while keeping its extension."""
    base = PurePath(name.replace("\\", "/")).name or "document"
    if len(base) <= NAME_MAX_CHARS:
        return base
    suffix = PurePath(base).suffix
    if len(suffix) > 16:  # not an extension, only a long dotted name
        suffix = ""
    return base[: NAME_MAX_CHARS - len(suffix)] + suffix


def _sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def store_upload(name: str, data: bytes | BinaryIO, *, uploaded_by=None) -> StoredFile:
    stream = _stream(data)
    content_type = check_upload(name, stream)
    kept_name = safe_name(name)
    stored = StoredFile(
        original_name=kept_name,
        content_type=content_type,
        size=_size(stream),
        sha256=_sha256(stream),
        uploaded_by=uploaded_by,
    )
    # The stored name is the hash: the original name is kept as data, never as a path.
    stored.file.save(
        f"{stored.sha256}{PurePath(kept_name).suffix.lower()}", File(stream), save=False
    )
    stored.save()
    return stored
