"""Rebuild the cost references from every quote."""

from django.core.management.base import BaseCommand

from costs.references import recompute


class Command(BaseCommand):
    help = "Recalcule les références de coûts à partir de tous les devis."

    def handle(self, *args, **options):
        result = recompute()
        self.stdout.write(
            f"{result.quotes} devis, {result.cells} cellules dont {result.published} "
            f"publiables, {result.flagged} devis atypiques signalés."
        )
