"""Rebuild the provider directory from the quotes; optionally import registry facts."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from providers.directory import RegistryRefused, import_registry, rebuild


class Command(BaseCommand):
    help = "Reconstruit l'annuaire des prestataires à partir des devis."

    def add_arguments(self, parser):
        parser.add_argument(
            "--registry", help="JSON : [{siret, naf_code, departement, closed, labels}]"
        )

    def handle(self, *args, registry=None, **options):
        count = rebuild()
        self.stdout.write(f"{count} prestataire(s) à SIRET valide.")
        if registry:
            try:
                rows = json.loads(Path(registry).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Fichier du registre illisible : {exc}") from exc
            try:
                updated = import_registry(rows)
            except RegistryRefused as refused:
                raise CommandError("\n".join(refused.errors)) from refused
            self.stdout.write(f"{updated} prestataire(s) complété(s) par le registre.")
