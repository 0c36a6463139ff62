"""An import of a federation's member sheet: the file, its preview, what it changed.

``MemberImport`` keeps the uploaded file and, once previewed, the snapshot of every row
(gzip-compressed JSON lines) with its SHA-256: confirming applies that snapshot and nothing else.
``ImportedChange`` is the history: one row per enterprise or request the import created or
changed, with the values before and after.
"""

import gzip
import hashlib
import io
import json
from collections.abc import Iterator

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MemberImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The imports of the campaigns ``user`` may see as a federation (or staff)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.is_federation_member:
            return self.filter(campaign__federation_id=user.organisation_id)
        return self.none()


class MemberImport(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Déposé")
        PREVIEWED = "previewed", _("Aperçu prêt")
        APPLIED = "applied", _("Appliqué")
        FAILED = "failed", _("Illisible")

    campaign = models.ForeignKey(
        "dossiers.Campaign",
        verbose_name=_("campagne"),
        on_delete=models.PROTECT,
        related_name="member_imports",
    )
    stored_file = models.ForeignKey(
        "dossiers.StoredFile", verbose_name=_("fichier"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("état"), max_length=12, choices=State.choices, default=State.UPLOADED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    # Where invitation links point (the portal's address when the file was uploaded).
    base_url = models.CharField(max_length=300, blank=True)
    header_row = models.PositiveIntegerField(_("ligne d'en-tête"), null=True, blank=True)
    columns = models.JSONField(_("colonnes reconnues"), default=list, blank=True)
    counts = models.JSONField(_("décompte"), default=dict, blank=True)
    error = models.TextField(_("erreur de lecture"), blank=True)
    snapshot = models.BinaryField(_("aperçu (JSON gzip)"), null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("empreinte de l'aperçu"), max_length=64, blank=True)
    # The hash the person confirmed: the confirm job applies the snapshot only if it matches.
    confirmed_sha256 = models.CharField(max_length=64, blank=True)
    previewed_at = models.DateTimeField(_("aperçu le"), null=True, blank=True)
    applied_at = models.DateTimeField(_("appliqué le"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.JSONField(_("résultat"), default=dict, blank=True)

    objects = MemberImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("import d'adhérents")
        verbose_name_plural = _("imports d'adhérents")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import n° {self.pk} ({self.stored_file.original_name})"

    def iter_rows(self) -> Iterator[dict]:
        """The previewed rows, one at a time, once the snapshot's hash is checked."""
        if not self.snapshot:
            return
        digest = hashlib.sha256()
        with gzip.GzipFile(fileobj=io.BytesIO(bytes(self.snapshot))) as lines:
            for line in lines:
                digest.update(line)
        if digest.hexdigest() != self.snapshot_sha256:
            raise ValueError(f"Import {self.pk}: the stored preview does not match its hash")
        with gzip.GzipFile(fileobj=io.BytesIO(bytes(self.snapshot))) as lines:
            for line in lines:
                yield json.loads(line)

    def rows(self) -> list[dict]:
        return list(self.iter_rows())


class SnapshotWriter:
    """A preview's rows as gzip-compressed JSON lines, hashed as they are written: a
    100 000-row preview is never held in memory as objects."""

    def __init__(self):
        self._buffer = io.BytesIO()
        self._gzip = gzip.GzipFile(fileobj=self._buffer, mode="wb", compresslevel=5, mtime=0)
        self._digest = hashlib.sha256()

    def write(self, row: dict) -> None:
        line = json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        data = line.encode() + b"\n"
        self._digest.update(data)
        self._gzip.write(data)

    def close(self) -> tuple[bytes, str]:
        self._gzip.close()
        return self._buffer.getvalue(), self._digest.hexdigest()


class ColumnMapping(models.Model):
    """A federation's own header spellings: normalised header → field ("" = ignore)."""

    federation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("fédération"),
        on_delete=models.CASCADE,
        related_name="column_mapping",
    )
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("correspondance de colonnes")
        verbose_name_plural = _("correspondances de colonnes")

    def __str__(self) -> str:
        return str(self.federation)


class ImportedChange(models.Model):
    """What an import did for one sheet row: the enterprise created or changed, its draft
    request created or changed, its representative linked. The import is the source."""

    class Action(models.TextChoices):
        CREATED = "created", _("Adhérent créé (entreprise et demande préremplie)")
        UPDATED = "updated", _("Adhérent mis à jour")

    member_import = models.ForeignKey(
        MemberImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="changes"
    )
    sheet_row = models.PositiveIntegerField(_("ligne de la feuille"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    enterprise = models.ForeignKey(
        "dossiers.Enterprise", on_delete=models.CASCADE, related_name="imported_changes"
    )
    request = models.ForeignKey(
        "dossiers.FundingRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imported_changes",
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # {field: [before, after]} for the enterprise's and the request's fields ("before" is
    # null for what the import created), and "representative": [null, e-mail] when linked.
    values = models.JSONField(_("valeurs"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("fait importé")
        verbose_name_plural = _("faits importés")
        ordering = ["member_import", "sheet_row", "pk"]
