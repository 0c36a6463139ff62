"""Testimonials of TPEs that carried out a project through Grappe, given with consent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Testimonial(models.Model):
    request = models.OneToOneField(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="testimonial"
    )
    text = models.TextField(_("témoignage"), max_length=2000)
    # Anonymous unless the SME agrees otherwise: "a bakery in Creuse" rather than its name.
    show_name = models.BooleanField(_("nom de l'entreprise affiché"), default=False)
    consent_given_at = models.DateTimeField(_("consentement donné le"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("témoignage")
        verbose_name_plural = _("témoignages")
        ordering = ["-created_at"]
