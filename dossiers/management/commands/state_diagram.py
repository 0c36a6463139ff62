"""Print the funding request's state diagram (Mermaid), ready to paste into the README."""

from django.core.management.base import BaseCommand

from dossiers.diagram import readme_block


class Command(BaseCommand):
    help = "Affiche le diagramme d'états des demandes (Mermaid) à coller dans le README."

    def handle(self, *args, **options):
        self.stdout.write(readme_block())
