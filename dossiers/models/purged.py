"""The proof that an abandoned draft was erased (docs/rules.md#personal-data)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.campaign import Campaign
from workers.models import Job


class PurgedDraft(models.Model):
    """Proof that an abandoned draft was erased (GDPR accountability), without its content."""

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campagne"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    draft_created_at = models.DateTimeField(_("brouillon créé le"))
    draft_updated_at = models.DateTimeField(_("brouillon modifié le"))
    documents_erased = models.PositiveIntegerField(_("pièces effacées"), default=0)
    job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="purged_drafts"
    )
    purged_at = models.DateTimeField(_("effacé le"), default=timezone.now)

    class Meta:
        verbose_name = _("brouillon effacé")
        verbose_name_plural = _("brouillons effacés")
        ordering = ["-purged_at", "-pk"]

    def __str__(self) -> str:
        return self.reference
