"""``manage.py verify_package FILE``: check a package against its manifest.

Prints every difference (a file changed, missing, added, an unsafe name) naming the file,
and exits with status 1 when there is any; 0 and one line of summary otherwise.
"""

import json
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.package import MANIFEST, verify_package


class Command(BaseCommand):
    help = "Vérifie un paquet de dossier collectif contre son manifeste (tailles et SHA-256)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Le paquet ZIP à vérifier.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} : fichier introuvable.")
        problems = verify_package(path)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{path} : {len(problems)} différence(s) avec le manifeste, le paquet a été "
                "modifié ou est incomplet."
            )
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
        self.stdout.write(
            f"{path} : conforme à son manifeste ({len(manifest['files'])} fichiers, dossier "
            f"{manifest['bundle_reference']}, empreinte {manifest['dossier_fingerprint']})."
        )
