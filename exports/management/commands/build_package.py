"""``manage.py build_package BUNDLE_REFERENCE --out DIR``: build a bundle's package.

A thin adapter over ``exports.build.build_bundle_documents`` (as the system): builds or
reuses the documents of a sealed or ready bundle (which becomes ready), then copies the
ZIP package from the private storage into DIR and prints ``<SHA-256>  <path>``, the
format ``sha256sum -c`` reads.
"""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.build import CHUNK, build_bundle_documents
from grappe.errors import GrappeError
from grouping.models import Bundle


class Command(BaseCommand):
    help = "Construit le paquet (dossier PDF, annexe XLSX, pièces, manifeste) d'un dossier."

    def add_arguments(self, parser):
        parser.add_argument("bundle", help="Référence du dossier collectif, ex. GRP-2026-000001.")
        parser.add_argument(
            "--out", required=True, type=Path, help="Répertoire où écrire le paquet ZIP."
        )

    def handle(self, *args, **options):
        bundle = Bundle.objects.filter(reference=options["bundle"]).first()
        if bundle is None:
            raise CommandError(f"Aucun dossier collectif n'a la référence « {options['bundle']} ».")
        try:
            build = build_bundle_documents(bundle, actor=None)
        except GrappeError as refused:
            raise CommandError(refused.text) from refused
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{bundle.reference}-paquet.zip"
        digest = hashlib.sha256()
        with build.package.open("rb") as source, target.open("wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
        if digest.hexdigest() != build.package_sha256:
            raise CommandError(
                f"Le paquet stocké ne correspond plus à son enregistrement "
                f"(SHA-256 {digest.hexdigest()}, attendu {build.package_sha256})."
            )
        self.stdout.write(f"{build.package_sha256}  {target}")
