from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = _("Travaux de fond")

    def ready(self) -> None:
        # Load the Celery application with Django so that @shared_task binds to it (the
        # app must exist before any task is sent; a registry hook, not a hidden cycle).
        from workers import celery_app  # noqa: F401
