"""The scheme numbers in force when Grappe starts; administrators date new values later.

Each row cites the rule it encodes (``docs/rules.md#...``).
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # key, value, valid_from, valid_to, source
    ("grant_cap", "10000", date(2024, 1, 1), None, "Fonds UE transition numérique TPE — plafond 10 k€ par TPE (CINOV-IT), docs/rules.md#grant-cap"),
    ("grant_aid_rate", "0.5", date(2024, 1, 1), None, "Taux d'aide du dispositif sur le coût éligible HT, docs/rules.md#grant-cap"),
    ("lender_minimum", "20000", date(2024, 1, 1), None, "Minimum prêteur par dossier, docs/rules.md#lender-minimum"),
    ("loan_min", "5000", date(2024, 1, 1), None, "Bande produit prêt numérique 5–50 k€, docs/rules.md#lender-minimum"),
    ("loan_max", "50000", date(2024, 1, 1), None, "Bande produit prêt numérique 5–50 k€, docs/rules.md#lender-minimum"),
    ("loan_to_investment_warning", "0.70", date(2024, 1, 1), None, "Pratique CCI : prêt > 70 % de l'investissement, docs/rules.md#financing-plan"),
    ("de_minimis_general", "300000", date(2024, 1, 1), date(2030, 12, 31), "Règlement (UE) 2023/2831, docs/rules.md#de-minimis"),
    ("de_minimis_agriculture", "50000", date(2025, 1, 1), None, "Règlement (UE) 2024/3118, docs/rules.md#de-minimis"),
    ("de_minimis_fishery", "40000", date(2024, 1, 1), None, "Règlement (UE) 717/2014 modifié par 2023/2391, docs/rules.md#de-minimis"),
    ("de_minimis_sgei", "750000", date(2024, 1, 1), date(2030, 12, 31), "Règlement (UE) 2023/2832, docs/rules.md#de-minimis"),
    ("de_minimis_window_years", "3", date(2024, 1, 1), None, "Trois années glissantes avant l'octroi, docs/rules.md#de-minimis"),
    ("micro_headcount", "10", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("micro_turnover", "2000000", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("micro_balance", "2000000", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("small_headcount", "50", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("small_turnover", "10000000", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("small_balance", "10000000", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("medium_headcount", "250", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("medium_turnover", "50000000", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("medium_balance", "43000000", date(2005, 1, 1), None, "Recommandation 2003/361/CE annexe art. 2, docs/rules.md#sme-category"),
    ("kbis_validity_days", "90", date(2024, 1, 1), None, "Kbis de moins de 3 mois, docs/rules.md#collective-integrity"),
    ("bank_letter_validity_days", "180", date(2024, 1, 1), None, "Lettre d'accord bancaire de moins de 6 mois, docs/rules.md#collective-integrity"),
]  # fmt: skip


def load(apps, schema_editor):
    SchemeParameter = apps.get_model("dossiers", "SchemeParameter")
    for key, value, valid_from, valid_to, source in DEFAULTS:
        SchemeParameter.objects.get_or_create(
            key=key,
            funder=None,
            valid_from=valid_from,
            defaults={"value": Decimal(value), "valid_to": valid_to, "source": source},
        )


def unload(apps, schema_editor):
    SchemeParameter = apps.get_model("dossiers", "SchemeParameter")
    for key, _value, valid_from, _to, _source in DEFAULTS:
        SchemeParameter.objects.filter(key=key, funder=None, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
