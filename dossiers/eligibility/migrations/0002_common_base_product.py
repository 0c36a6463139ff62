"""The documents every request brings, whoever funds it (docs/rules.md#documents-per-product)."""

from datetime import date

from django.db import migrations

BASE = "SOCLE"
REQUIREMENTS = [
    # kind, count, validity in days after issue, source
    ("tax_certificate", 1, 180, "Attestation de régularité fiscale (impots.gouv.fr) de moins de 6 mois, pratique des financeurs publics"),
    ("social_certificate", 1, 180, "Attestation de vigilance URSSAF, à renouveler tous les 6 mois (Code du travail, art. L.8222-1 et D.8222-5)"),
    ("quote", 1, None, "Devis fournisseur joint en fichier, pièce attendue par les prêteurs"),
]  # fmt: skip


def load(apps, schema_editor):
    FunderProduct = apps.get_model("eligibility", "FunderProduct")
    DocumentRequirement = apps.get_model("eligibility", "DocumentRequirement")
    product, _ = FunderProduct.objects.get_or_create(
        code=BASE,
        defaults={
            "name": "Socle commun à tout financement",
            "kind": "any",
            "valid_from": date(2024, 1, 1),
            "source": "Pièces attendues par tout financeur d'une TPE",
        },
    )
    for kind, count, days, source in REQUIREMENTS:
        DocumentRequirement.objects.get_or_create(
            product=product,
            kind=kind,
            defaults={"count": count, "validity_days": days, "source": source},
        )


def unload(apps, schema_editor):
    apps.get_model("eligibility", "FunderProduct").objects.filter(code=BASE).delete()


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
