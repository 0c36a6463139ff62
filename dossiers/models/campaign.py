"""A federation's call for its members' requests: programmes, deadline, who may apply."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.is_federation_member:
            return self.filter(federation=user.organisation)
        if user.is_funder_member:
            return self.filter(funders=user.organisation)
        if user.is_sme_representative:
            return self.filter(is_open=True)
        return self.none()


class Campaign(models.Model):
    federation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("fédération (chef de file)"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"kind": "federation"},
    )
    reference = models.CharField(_("référence"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    programme = models.CharField(_("programme visé"), max_length=200)
    funders = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("financeurs"),
        related_name="funded_campaigns",
        limit_choices_to={"kind": "funder"},
    )
    opens_on = models.DateField(_("ouverture"))
    deadline = models.DateField(_("date limite de dépôt"))
    is_open = models.BooleanField(_("ouverte"), default=True)
    eligible_naf_prefixes = models.JSONField(
        _("activités éligibles (préfixes NAF)"),
        default=list,
        blank=True,
        help_text=_('Ex. ["10.71", "47"]. Vide : toutes les activités.'),
    )
    eligible_departements = models.JSONField(
        _("départements éligibles"), default=list, blank=True, help_text=_("Vide : tous.")
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")),
                name="campaign_deadline_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.name}"

    def accepts_submissions_on(self, day: date) -> bool:
        return self.is_open and self.opens_on <= day <= self.deadline

    def eligibility_problems(self, enterprise) -> list[str]:
        problems = []
        if self.eligible_naf_prefixes and not any(
            enterprise.naf_code.startswith(prefix) for prefix in self.eligible_naf_prefixes
        ):
            problems.append(
                f"L'activité {enterprise.naf_code} ({enterprise.naf_label}) n'est pas "
                f"éligible à la campagne {self.reference}."
            )
        if self.eligible_departements and enterprise.departement not in self.eligible_departements:
            problems.append(
                f"Le département {enterprise.departement} ({enterprise.departement_name}) "
                f"n'est pas couvert par la campagne {self.reference}."
            )
        return problems
