from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Demandes de financement")

    def ready(self):
        from dossiers import fsm

        fsm.install()
