from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupingConfig(AppConfig):
    name = "grouping"
    verbose_name = _("Regroupement en dossiers collectifs")
