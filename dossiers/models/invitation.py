"""An invitation a federation sent an SME's representative: what its e-mail job reads."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.funding_request import FundingRequest


class Invitation(models.Model):
    request = models.ForeignKey(
        FundingRequest,
        verbose_name=_("demande"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne invitée"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The address the person was using, for the links in the e-mail.
    base_url = models.CharField(_("adresse du site"), max_length=300)
    created_at = models.DateTimeField(_("invitée le"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.person_id}"
