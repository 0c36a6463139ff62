"""Who uses Grappe: organisations (federations, funders) and their people."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        FEDERATION = "federation", _("Fédération / syndicat professionnel")
        FUNDER = "funder", _("Financeur")

    class FunderKind(models.TextChoices):
        BANK = "bank", _("Banque")
        BPIFRANCE = "bpifrance", _("Bpifrance")
        EU_PROGRAMME = "eu_programme", _("Gestionnaire de programme européen")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    funder_kind = models.CharField(
        _("type de financeur"), max_length=20, choices=FunderKind.choices, blank=True
    )
    name = models.CharField(_("nom"), max_length=200, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="funder") | models.Q(funder_kind=""),
                name="organisation_funder_kind_only_for_funders",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_federation(self) -> bool:
        return self.kind == self.Kind.FEDERATION

    @property
    def is_funder(self) -> bool:
        return self.kind == self.Kind.FUNDER


class User(AbstractUser):
    """A person. Either a member of an organisation with a role, or an SME's representative.

    SME representatives have no organisation: they are linked to the enterprises they
    represent through ``Enterprise.representatives``.
    """

    class Role(models.TextChoices):
        FEDERATION_OFFICER = "federation_officer", _("Chargé·e de dossiers (fédération)")
        FEDERATION_MANAGER = "federation_manager", _("Responsable (fédération)")
        FUNDER_OFFICER = "funder_officer", _("Analyste (financeur)")
        SME_REPRESENTATIVE = "sme_representative", _("Représentant·e d'entreprise")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(
        _("rôle"), max_length=30, choices=Role.choices, default=Role.SME_REPRESENTATIVE
    )
    language = models.CharField(
        _("langue"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    # Set when an active account is deactivated (accounts.signals): such an account is never
    # revived by an invitation or a password reset, only by an administrator
    # (docs/rules.md#deactivated-accounts).
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="sme_representative", organisation__isnull=True)
                    | (~models.Q(role="sme_representative") & models.Q(organisation__isnull=False))
                ),
                name="user_role_matches_organisation",
            ),
        ]

    @property
    def is_federation_member(self) -> bool:
        return self.role in (self.Role.FEDERATION_OFFICER, self.Role.FEDERATION_MANAGER)

    @property
    def is_federation_manager(self) -> bool:
        return self.role == self.Role.FEDERATION_MANAGER

    @property
    def is_funder_member(self) -> bool:
        return self.role == self.Role.FUNDER_OFFICER

    @property
    def is_sme_representative(self) -> bool:
        return self.role == self.Role.SME_REPRESENTATIVE


def federation_staff(organisation_id: int | None) -> "models.QuerySet[User]":
    """The active officers and managers of one federation: who hears of its requests."""
    return User.objects.filter(
        organisation_id=organisation_id,
        role__in=[User.Role.FEDERATION_OFFICER, User.Role.FEDERATION_MANAGER],
        is_active=True,
    )
