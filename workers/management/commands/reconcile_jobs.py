from django.core.management.base import BaseCommand

from workers.reconcile import reconcile


class Command(BaseCommand):
    help = "Send again the jobs a dead worker or a broker outage left behind (beat: every minute)."

    def handle(self, *args: object, **options: object) -> None:
        outcome = reconcile()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in outcome.as_dict().items()))
