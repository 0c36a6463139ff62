from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API des financeurs et fédérations")

    def ready(self) -> None:
        # Registers the OpenAPI description of the token authentication.
        from api import schema  # noqa: F401
