"""The aid catalogue: one row per scheme, its criteria kept as the JSON it was imported
from (the catalogue is data, not code), and the last routing of each campaign."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AidScheme(models.Model):
    class AidType(models.TextChoices):
        GRANT = "grant", _("Subvention")
        LOAN = "loan", _("Prêt")
        GUARANTEE = "guarantee", _("Garantie")
        RECOVERABLE_ADVANCE = "recoverable_advance", _("Avance récupérable")

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom"), max_length=300)
    aid_type = models.CharField(_("type d'aide"), max_length=30, choices=AidType.choices)
    start_date = models.DateField(_("ouverture"), null=True, blank=True)
    submission_deadline = models.DateField(_("clôture"), null=True, blank=True)
    is_illustrative = models.BooleanField(
        _("illustratif"),
        default=False,
        help_text=_("Conditions non sourcées : exemple, à ne pas présenter comme une aide réelle."),
    )
    # The row as imported (aides-territoires' field names + grappe_criteria), exported as is.
    data = models.JSONField(_("données"))
    imported_at = models.DateTimeField(_("importée le"), default=timezone.now)

    class Meta:
        verbose_name = _("dispositif d'aide")
        verbose_name_plural = _("catalogue des aides")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CampaignRouting(models.Model):
    """How many of a campaign's requests each scheme could serve, as of the last routing."""

    campaign = models.OneToOneField(
        "dossiers.Campaign", on_delete=models.CASCADE, related_name="aid_routing"
    )
    routed_on = models.DateField(_("date d'évaluation"))
    requests = models.PositiveIntegerField(_("demandes évaluées"), default=0)
    # {slug: [eligible, unknown]} for every scheme serving at least one request.
    counts = models.JSONField(_("décomptes"), default=dict)
    computed_at = models.DateTimeField(_("calculé le"), default=timezone.now)

    class Meta:
        verbose_name = _("orientation d'une campagne vers les aides")
        verbose_name_plural = _("orientations des campagnes vers les aides")
