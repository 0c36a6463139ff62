"""Time rules of a campaign: instruction deadlines, and how long personal data is kept.

Deadlines: a ``DeadlineRule`` per campaign and stage, a ``RequestDeadline`` per request
kept in step with its history (``timerules.deadlines``). Retention: a ``RetentionPolicy``
per campaign, the dates fixed for each request (``RetentionSchedule``), legal holds, the
log of reads in the archive, the tombstones left by the purge and the pseudonymised
records of granted aids (``timerules.retention``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import RequestState as S
from timerules import clock


class Stage(models.TextChoices):
    INSTRUCTION = "instruction", _("Instruction par la fédération")
    FUNDER = "funder_decision", _("Décision du financeur")


# Where each stage's clock runs, and which transitions may start it.
RUNNING_STATES = {
    Stage.INSTRUCTION: frozenset({S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CHANGES}),
    Stage.FUNDER: frozenset({S.SENT}),
}
START_EVENTS = {
    Stage.INSTRUCTION: ("submit", "start_review"),
    Stage.FUNDER: ("send",),
}


class DeadlineRule(models.Model):
    class Unit(models.TextChoices):
        CALENDAR_DAYS = clock.CALENDAR_DAYS, _("jours calendaires")
        BUSINESS_DAYS = clock.BUSINESS_DAYS, _("jours ouvrés")
        MONTHS = clock.MONTHS, _("mois")

    class StartEvent(models.TextChoices):
        SUBMIT = "submit", _("dépôt de la demande")
        START_REVIEW = "start_review", _("début de l'instruction")
        SEND = "send", _("transmission au financeur")

    class OnChanges(models.TextChoices):
        PAUSE = clock.PAUSE, _("suspend le délai, qui reprend à la correction")
        RESET = clock.RESET, _("fait repartir le délai de la dernière correction")

    class Action(models.TextChoices):
        REMIND = "remind", _("rappel aux instructeurs")
        ESCALATE = "escalate", _("alerte aux responsables de la fédération")
        ACCEPT = "accept", _("acceptation automatique (silence vaut accord)")
        REJECT = "reject", _("refus automatique (silence vaut rejet)")

    campaign = models.ForeignKey(
        "dossiers.Campaign", on_delete=models.CASCADE, related_name="deadline_rules"
    )
    stage = models.CharField(_("étape"), max_length=20, choices=Stage.choices)
    start_event = models.CharField(_("point de départ"), max_length=20, choices=StartEvent.choices)
    amount = models.PositiveSmallIntegerField(_("durée"))
    unit = models.CharField(_("unité"), max_length=20, choices=Unit.choices)
    on_changes = models.CharField(
        _("une demande de compléments"),
        max_length=10,
        choices=OnChanges.choices,
        default=OnChanges.PAUSE,
    )
    action = models.CharField(_("à l'échéance"), max_length=10, choices=Action.choices)
    legal_reason = models.TextField(
        _("motif légal"),
        blank=True,
        help_text=_("Obligatoire pour une décision automatique : il est inscrit à l'historique."),
    )

    class Meta:
        verbose_name = _("règle de délai")
        verbose_name_plural = _("règles de délai")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "stage"], name="deadline_rule_per_stage"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deadline_rule_amount_set"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_stage_display()}"

    def clean(self) -> None:
        errors = {}
        if self.start_event not in START_EVENTS.get(self.stage, ()):
            errors["start_event"] = _("Ce point de départ n'appartient pas à cette étape.")
        if self.action in (self.Action.ACCEPT, self.Action.REJECT) and not self.legal_reason:
            errors["legal_reason"] = _("Une décision automatique doit citer son motif légal.")
        if errors:
            raise ValidationError(errors)

    def clock_for(self, history) -> clock.Clock:
        return clock.compute(
            history,
            start_event=self.start_event,
            running_states=RUNNING_STATES[self.stage],
            amount=self.amount,
            unit=self.unit,
            on_changes=self.on_changes,
        )


class DeadlineStatus(models.TextChoices):
    RUNNING = clock.RUNNING, _("en cours")
    SUSPENDED = clock.SUSPENDED, _("suspendu")
    STOPPED = clock.STOPPED, _("sans objet")
    ACTED = "acted", _("échu, action faite")
    FAILED = "failed", _("échu, action impossible")


class RequestDeadline(models.Model):
    """A request's current deadline, derived from its history at every transition."""

    request = models.OneToOneField(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="time_limit"
    )
    rule = models.ForeignKey(DeadlineRule, on_delete=models.CASCADE, related_name="deadlines")
    status = models.CharField(_("état"), max_length=10, choices=DeadlineStatus.choices)
    started_on = models.DateField(_("point de départ"), null=True, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    paused_since = models.DateField(_("suspendu depuis"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("jours de suspension"), default=0)
    acted_at = models.DateTimeField(_("action faite le"), null=True, blank=True)
    outcome = models.TextField(_("résultat"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("délai d'une demande")
        verbose_name_plural = _("délais des demandes")
        indexes = [models.Index(fields=["status", "due_on"], name="deadline_status_due")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status} {self.due_on}"


class RetentionPolicy(models.Model):
    """How long a campaign's requests stay active, then archived, before the purge.

    See docs/rules.md#retention for the phases and their sources.
    """

    campaign = models.OneToOneField(
        "dossiers.Campaign", on_delete=models.CASCADE, related_name="retention_policy"
    )
    active_months = models.PositiveSmallIntegerField(
        _("base active (mois après la clôture)"), default=12
    )
    archive_months = models.PositiveSmallIntegerField(_("archive intermédiaire (mois)"), default=48)
    draft_months = models.PositiveSmallIntegerField(_("brouillons inactifs (mois)"), default=3)

    class Meta:
        verbose_name = _("politique de conservation")
        verbose_name_plural = _("politiques de conservation")

    def __str__(self) -> str:
        return str(self.campaign)


class RetentionSchedule(models.Model):
    """The dates fixed for one request: the notices announce these, and the purge keeps them."""

    request = models.OneToOneField(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="retention"
    )
    archive_on = models.DateField(_("archivage le"), null=True, blank=True)
    purge_on = models.DateField(_("suppression le"), db_index=True)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("dates fixées le"), default=timezone.now)

    class Meta:
        verbose_name = _("calendrier de conservation")
        verbose_name_plural = _("calendriers de conservation")


class LegalHold(models.Model):
    """A litigation, a control or an audit: the request may not be purged while it stands."""

    request = models.ForeignKey(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.TextField(_("motif"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("posée le"), default=timezone.now)
    lifted_at = models.DateTimeField(_("levée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("gel juridique")
        verbose_name_plural = _("gels juridiques")


class ArchiveAccess(models.Model):
    """One read of an archived request: who, when (every access to the archive is logged)."""

    request = models.ForeignKey(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="archive_reads"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("consultation de l'archive")
        verbose_name_plural = _("consultations de l'archive")


class Tombstone(models.Model):
    """What is left of a purged request: no personal data, a hash proving what was erased."""

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    campaign = models.ForeignKey(
        "dossiers.Campaign", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    final_state = models.CharField(_("dernier état"), max_length=20, choices=S.choices)
    content_hash = models.CharField(_("empreinte SHA-256"), max_length=64)
    reason = models.TextField(_("motif"))
    erased = models.JSONField(_("effacé"), default=dict)
    purged_at = models.DateTimeField(_("supprimée le"), default=timezone.now)

    class Meta:
        verbose_name = _("trace de suppression")
        verbose_name_plural = _("traces de suppression")
        ordering = ["-purged_at", "-pk"]

    def __str__(self) -> str:
        return self.reference


class AidRecord(models.Model):
    """A granted aid, kept for the legal period, pseudonymised, for de minimis cumulation.

    The beneficiary is a keyed hash of its SIREN (``timerules.retention.siren_key``): the
    record answers "how much did this undertaking receive" without naming anyone.
    See docs/rules.md#aid-records.
    """

    beneficiary_key = models.CharField(_("bénéficiaire (pseudonyme)"), max_length=64)
    campaign = models.ForeignKey(
        "dossiers.Campaign", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    request_reference = models.CharField(_("référence"), max_length=20, unique=True)
    granted_on = models.DateField(_("octroyée le"))
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    keep_until = models.DateField(_("conservée jusqu'au"))

    class Meta:
        verbose_name = _("aide octroyée")
        verbose_name_plural = _("aides octroyées")
        indexes = [models.Index(fields=["beneficiary_key", "granted_on"], name="aid_by_key")]
