"""Load the demo data set (idempotent): ``manage.py load_demo [--smes 300] [--seed 2026]``.

First the people, campaigns and requests (``dossiers.demo``), then the collective files
(``demo.collective``): rules, a grouping run and bundles at every step.
"""

from django.core.management.base import BaseCommand

from demo.collective import load_collective_files
from dossiers.demo import demo_logins, load_demo
from dossiers.demo.catalogue import DEMO_PASSWORD
from grouping.models import BundleState


class Command(BaseCommand):
    help = "Charge les données de démonstration (sans effet si elles sont déjà chargées)."

    def add_arguments(self, parser):
        parser.add_argument("--smes", type=int, default=300, help="Nombre d'entreprises.")
        parser.add_argument("--seed", type=int, default=2026, help="Graine du tirage.")

    def handle(self, *args, smes: int, seed: int, **options):
        counts = load_demo(smes=smes, seed=seed)
        if not any(counts.values()):
            self.stdout.write("Données de démonstration déjà chargées : rien ajouté.")
        else:
            for name, count in counts.items():
                self.stdout.write(f"{name}: {count}")
            bundles = load_collective_files(seed=seed)
            made = ", ".join(
                f"{BundleState(state).label} {count}" for state, count in bundles.items() if count
            )
            self.stdout.write(f"dossiers collectifs : {sum(bundles.values())} ({made})")
        self.stdout.write(f"\nConnexions de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for username, role in demo_logins():
            self.stdout.write(f"  {username:<16} {role}")
