"""A grouping run: who asked, with which rules, what came out, and why some requests stay out.

A run is a row with a lifecycle (running, done, failed): it is written before the work
starts, so a long run shows in the interface and a crashed one is visible. Its bundles,
memberships and unplaced reasons are written in one transaction with its "done" state.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.funding_request import Instrument
from grouping.engine import UnplacedCode

UNPLACED_CHOICES = [
    (UnplacedCode.LOAN_OUT_OF_BAND.value, _("Prêt hors de la fourchette du produit")),
    (UnplacedCode.LOAN_ABOVE_LENDER_MAXIMUM.value, _("Prêt au-dessus du maximum prêteur")),
    (UnplacedCode.GRANT_ABOVE_CAP.value, _("Subvention au-dessus du plafond")),
    (UnplacedCode.TOO_FEW_MEMBERS.value, _("Trop peu de demandes comparables")),
    (UnplacedCode.BELOW_LENDER_MINIMUM.value, _("Prêts cumulés sous le minimum prêteur")),
    (UnplacedCode.NOT_PACKABLE.value, _("Aucun dossier valable possible")),
]


class GroupingRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échoué")

    campaign = models.ForeignKey(
        "dossiers.Campaign",
        verbose_name=_("campagne"),
        on_delete=models.PROTECT,
        related_name="grouping_runs",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : le système (commande, tâche planifiée)."),
    )
    # Which line the run grouped: grant collectives or lender bundles.
    kind = models.CharField(
        _("nature des dossiers"),
        max_length=10,
        choices=Instrument.choices,
        default=Instrument.LOAN,
        db_default=Instrument.LOAN,
    )
    dry_run = models.BooleanField(_("simulation"), default=False)
    on = models.DateField(_("date des paramètres"))
    policy = models.JSONField(_("règles appliquées"), default=dict)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    error = models.TextField(_("erreur"), blank=True)

    eligible_count = models.PositiveIntegerField(_("demandes éligibles"), default=0)
    placed_count = models.PositiveIntegerField(_("demandes placées"), default=0)
    unplaced_count = models.PositiveIntegerField(_("demandes sans dossier"), default=0)
    bundle_count = models.PositiveIntegerField(_("dossiers proposés"), default=0)
    kept_count = models.PositiveIntegerField(
        _("propositions conservées"),
        default=0,
        help_text=_("Dossiers proposés par un regroupement précédent, repris à l'identique."),
    )
    superseded_count = models.PositiveIntegerField(
        _("propositions remplacées"),
        default=0,
        help_text=_("Dossiers proposés par un regroupement précédent, supprimés."),
    )
    timings = models.JSONField(_("durées par phase (s)"), default=dict, blank=True)

    started_at = models.DateTimeField(_("lancé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    duration = models.DurationField(_("durée"), null=True, blank=True)

    class Meta:
        verbose_name = _("regroupement")
        verbose_name_plural = _("regroupements")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        kind = "simulation" if self.dry_run else "regroupement"
        return f"{kind} n° {self.pk} de {self.campaign.reference}"


class UnplacedRequest(models.Model):
    """A request a run left out, with the engine's code and a sentence for the officer."""

    run = models.ForeignKey(GroupingRun, on_delete=models.CASCADE, related_name="unplaced")
    request = models.ForeignKey(
        "dossiers.FundingRequest",
        verbose_name=_("demande"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    code = models.CharField(_("motif"), max_length=30, choices=UNPLACED_CHOICES)
    reason = models.TextField(_("explication"))

    class Meta:
        verbose_name = _("demande sans dossier")
        verbose_name_plural = _("demandes sans dossier")
        ordering = ["run", "request"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.code}"
