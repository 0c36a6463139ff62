from django.apps import AppConfig


class TimerulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timerules"
    verbose_name = "Délais et conservation"

    def ready(self) -> None:
        from dossiers.workflow import transition_logged
        from timerules import deadlines

        transition_logged.connect(deadlines.on_transition, dispatch_uid="timerules.deadlines")
