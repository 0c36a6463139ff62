"""Receiving a file: size limit, type read from the content, SHA-256, private storage."""

import hashlib
import io
import zipfile
from pathlib import PurePath

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

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


def _office_type(data: bytes) -> str | None:
    """ZIP-based office files all look alike to magic numbers: look inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS) else None
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(data: bytes) -> str | None:
    """The content type read from the bytes, or None when it is not one we accept."""
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        return None
    for match in matches:
        mime = match.mime_type
        if mime in ACCEPTED:
            return mime
    return None


def check_upload(name: str, data: bytes) -> str:
    """Raise ValidationError naming what is wrong; return the detected content type."""
    limit = settings.UPLOAD_MAX_BYTES
    if len(data) == 0:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty_file")
    if len(data) > limit:
        size = f"{len(data) / 1_048_576:.1f}".replace(".", ",")  # French decimal comma
        raise ValidationError(
            f"Le fichier « {name} » pèse {size} Mo : la limite est {limit / 1_048_576:.0f} Mo.",
            code="file_too_large",
        )
    content_type = sniff(data)
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


def store_upload(name: str, data: bytes, *, uploaded_by=None) -> StoredFile:
    content_type = check_upload(name, data)
    safe_name = PurePath(name).name[:200] or "document"
    stored = StoredFile(
        original_name=safe_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
    )
    # The stored name is the hash: the original name is kept as data, never as a path.
    stored.file.save(
        f"{stored.sha256}{PurePath(safe_name).suffix.lower()}", ContentFile(data), save=False
    )
    stored.save()
    return stored
