"""The shape shared by every audited history: who moved what from which state, when, why.

A request's history (``RequestTransition``) and a bundle's (``grouping.BundleTransition``)
are rows of this shape, written in the transaction that changes the state and never
edited or deleted afterwards.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionRecord(models.Model):
    """One line of a history. Subclasses add the object and ``from_state``/``to_state``
    with their own state choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : action du système."),
    )
    transition = models.CharField(_("transition"), max_length=30)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(f"{self._meta.verbose_name}: a history cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self._meta.verbose_name}: a history cannot be deleted.")
