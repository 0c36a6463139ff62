"""Load an aid catalogue (JSON, aides-territoires' field names); nothing is written if a
row is refused. Without a path, the catalogue shipped with Grappe is loaded."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aids.catalogue import CatalogueRefused, import_catalogue

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "catalogue.json"


class Command(BaseCommand):
    help = "Importe un catalogue d'aides JSON (tout ou rien)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED))
        parser.add_argument(
            "--replace", action="store_true", help="Retire les aides absentes du fichier."
        )

    def handle(self, *args, path, replace, **options):
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        try:
            result = import_catalogue(content, replace=replace)
        except CatalogueRefused as refused:
            raise CommandError(
                "Catalogue refusé, rien n'a été importé :\n" + "\n".join(refused.errors)
            ) from refused
        self.stdout.write(
            f"{result.created} aide(s) ajoutée(s), {result.updated} mise(s) à jour, "
            f"{result.removed} retirée(s)."
        )
