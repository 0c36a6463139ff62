"""Long work as rows: jobs with a lifecycle, and the e-mails sent.

A job's life, every change a conditional UPDATE (STYLE rule 6) done by ``workers.jobs``::

    queued ──claim──▶ running ──▶ done
      ▲                  │  └────▶ failed ──(admin: retry)──▶ queued
      └──release/requeue─┘   (transient error, or a dead worker found by the reconciler)

The row, not the broker, is the truth: a message lost with Redis, delivered twice, or
picked up by a worker that then dies changes nothing that the reconciler cannot mend.
"""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


ACTIVE = (JobState.QUEUED, JobState.RUNNING)
FINISHED = (JobState.DONE, JobState.FAILED)


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: Any) -> "JobQuerySet":
        # ``user`` is Grappe's user model (accounts sits beside this app, not below it).
        """Jobs ``user`` started, or someone of their organisation did; staff see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        mine = Q(created_by=user)
        if user.organisation_id:
            mine |= Q(created_by__organisation_id=user.organisation_id)
        return self.filter(mine)

    def active(self) -> "JobQuerySet":
        return self.filter(state__in=ACTIVE)


class Job(models.Model):
    class Kind(models.TextChoices):
        # Each kind is run by the Celery task named "jobs.<kind>" (see workers.jobs.job_task).
        BUILD_DOCUMENTS = "build_documents", _("Construction des documents du dossier collectif")
        RUN_GROUPING = "run_grouping", _("Regroupement des demandes d'une campagne")
        NOTIFY_TRANSITION = "notify_transition", _("Avis d'un changement d'état")
        NOTIFY_BUNDLE = "notify_bundle", _("Avis d'une étape d'un dossier collectif")
        NOTIFY_MESSAGE = "notify_message", _("Avis d'un message sur une demande")
        PURGE_DRAFTS = "purge_drafts", _("Suppression des brouillons abandonnés")
        ROUTE_AIDS = "route_aids", _("Orientation des demandes d'une campagne vers les aides")
        EMIT_WEBHOOKS = "emit_webhooks", _("Envoi des événements d'un changement d'état")
        SEND_INVITATION = "send_invitation", _("Invitation d'un représentant d'entreprise")
        PREVIEW_IMPORT = "preview_import", _("Aperçu d'un import d'adhérents")
        CONFIRM_IMPORT = "confirm_import", _("Application d'un import d'adhérents")
        INVITE_IMPORTED = "invite_imported", _("Invitations des adhérents importés")

    kind = models.CharField(_("type"), max_length=40, choices=Kind.choices)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    key = models.CharField(
        _("clé d'unicité"),
        max_length=200,
        help_text=_("Deux travaux de même clé ne peuvent pas être en attente ou en cours."),
    )
    state = models.CharField(
        _("état"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("fait"), default=0)
    progress_total = models.PositiveIntegerField(_("à faire"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : lancé par le système."),
    )
    celery_task_id = models.CharField(_("identifiant Celery"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    dispatched_at = models.DateTimeField(
        _("confié au courtier le"),
        null=True,
        blank=True,
        help_text=_("Vide : le message n'a pas pu être envoyé (courtier injoignable)."),
    )
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fini le"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("travail de fond")
        verbose_name_plural = _("travaux de fond")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
            models.Index(fields=["state", "dispatched_at"], name="job_state_dispatched"),
            models.Index(fields=["target_type", "target_id"], name="job_target"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running"]),
                name="job_key_unique_while_active",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in JobState]), name="job_state_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk} ({self.get_state_display()})"

    @property
    def percent(self) -> int | None:
        if self.state == JobState.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)


class Notification(models.Model):
    """One e-mail to one person about one event: recorded so that it goes out once.

    ``key`` names the event ("transition:42", "deadline:7:2026-12-01", ...). The unique
    (key, recipient) pair is what makes a twice-delivered task send once.
    """

    key = models.CharField(_("événement"), max_length=120)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinataire"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    transition = models.ForeignKey(
        "dossiers.RequestTransition",
        verbose_name=_("transition"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    subject = models.CharField(_("objet"), max_length=300)
    created_at = models.DateTimeField(_("préparé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("avis envoyé")
        verbose_name_plural = _("avis envoyés")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"], name="notification_once_per_event_and_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient_id}"
