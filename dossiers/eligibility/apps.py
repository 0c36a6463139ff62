from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "dossiers.eligibility"
    label = "eligibility"  # its tables and migrations keep their name
    verbose_name = _("Éligibilité des programmes et produits")
