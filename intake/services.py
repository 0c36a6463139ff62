"""The import's business actions, called by the portal, the API and the command alike.

- ``start_import``: check and keep the file, queue its preview (a job);
- ``request_confirmation``: the person confirms the hash they saw; the apply is a job;
- ``save_mapping``: a federation keeps its own header spellings for next time.
"""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from dossiers.models import Campaign, StoredFile
from dossiers.uploads import ODS, XLSX, sniff
from dossiers.workflow import Conflict
from intake import columns
from intake.models import ColumnMapping, MemberImport
from workers.jobs import enqueue_job
from workers.models import Job

CSV = "text/csv"
FORMATS = {XLSX: {".xlsx"}, ODS: {".ods"}, CSV: {".csv", ".txt"}}


def check_sheet(name: str, data: bytes) -> str:
    """The sheet's type read from its content, or a ValidationError saying what is wrong."""
    limit = settings.IMPORT_MAX_BYTES
    if not data:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty_file")
    if len(data) > limit:
        raise ValidationError(
            f"Le fichier « {name} » dépasse la limite de {limit // 1_048_576} Mo.",
            code="file_too_large",
        )
    kind = sniff(data) if data.startswith(b"PK\x03\x04") else None
    if kind is None and b"\x00" not in data[:65536]:
        kind = CSV
    suffix = PurePath(name).suffix.lower()
    if kind not in FORMATS or suffix not in FORMATS[kind]:
        raise ValidationError(
            f"« {name} » n'est pas une feuille .xlsx, .ods ou .csv (d'après son contenu).",
            code="file_type",
        )
    return kind


def start_import(
    *, campaign: Campaign, name: str, data: bytes, actor, base_url: str = ""
) -> tuple[MemberImport, Job]:
    """Keep the file and queue its preview as a job (portal and API)."""
    with transaction.atomic():
        member_import = receive_sheet(
            campaign=campaign, name=name, data=data, actor=actor, base_url=base_url
        )
        job = enqueue_job(Job.Kind.PREVIEW_IMPORT, member_import, created_by=actor)
    return member_import, job


def receive_sheet(
    *, campaign: Campaign, name: str, data: bytes, actor, base_url: str = ""
) -> MemberImport:
    """Check the file and keep it with a new import row; nothing is read yet."""
    kind = check_sheet(name, data)
    safe_name = PurePath(name).name[:200] or "adherents"
    with transaction.atomic():
        stored = StoredFile(
            original_name=safe_name,
            content_type=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        stored.file.save(
            f"imports/{stored.sha256}{PurePath(safe_name).suffix.lower()}",
            ContentFile(data),
            save=False,
        )
        stored.save()
        return MemberImport.objects.create(
            campaign=campaign, stored_file=stored, created_by=actor, base_url=base_url
        )


def request_confirmation(member_import: MemberImport, *, actor, expected_sha256: str) -> Job:
    """Queue the apply of the snapshot whose hash the person saw."""
    with transaction.atomic():
        locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
        if locked.state not in (MemberImport.State.PREVIEWED, MemberImport.State.APPLIED):
            raise Conflict("Cet import n'a pas d'aperçu à confirmer.")
        if locked.state == MemberImport.State.PREVIEWED:
            if expected_sha256 != locked.snapshot_sha256:
                from intake.apply import ImportOutdated

                raise ImportOutdated(
                    "Cet aperçu n'est plus celui de l'import : affichez-le à nouveau."
                )
            locked.confirmed_sha256 = expected_sha256
            locked.save(update_fields=["confirmed_sha256"])
        return enqueue_job(Job.Kind.CONFIRM_IMPORT, locked, created_by=actor)


def save_mapping(federation, headers: dict[str, str]) -> ColumnMapping:
    """Keep ``header → field`` choices ("" to ignore a column) for the federation's next files."""
    unknown = {f for f in headers.values() if f and f not in columns.FIELDS}
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    mapping, _created = ColumnMapping.objects.get_or_create(federation=federation)
    mapping.headers = {
        **mapping.headers,
        **{columns.normalise(h): f for h, f in headers.items() if columns.normalise(h)},
    }
    mapping.save()
    return mapping
