"""Write the aid catalogue as JSON (the format import_aids reads)."""

import json

from django.core.management.base import BaseCommand

from aids.catalogue import export_catalogue


class Command(BaseCommand):
    help = "Exporte le catalogue d'aides en JSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-")

    def handle(self, *args, output, **options):
        text = json.dumps(export_catalogue(), ensure_ascii=False, indent=1) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
