"""Request bodies the API tests post."""

from tests.factories import valid_siren, valid_siret


def enterprise(seed: int = 42, **overrides) -> dict:
    siren = valid_siren(5_000_000 + seed)
    data = {
        "name": "Boulangerie Martin",
        "siren": siren,
        "siret": valid_siret(siren),
        "legal_form": "SARL",
        "creation_date": "2016-04-01",
        "address": "3 place du Marché",
        "postal_code": "23000",
        "city": "Guéret",
        "naf_code": "10.71C",
        "departement": "23",
        "headcount": "4.00",
        "turnover": "450000.00",
        "balance_sheet": "300000.00",
    }
    data.update(overrides)
    return data


def prefill(campaign, seed: int = 42, *, plan: bool = True, **overrides) -> dict:
    data = {
        "campaign": campaign.reference,
        "enterprise": enterprise(seed),
        "project_category": "online_shop",
        "project_title": "Boutique en ligne",
        "project_description": "Commande en ligne et retrait en magasin.",
        "activity_confirmed": True,
        "mandate_signed_by": "Claire Martin, gérante",
        "mandate_signed_on": "2026-11-02",
    }
    if plan:
        data["financing_plan"] = {
            "uses": [{"kind": "intangible", "label": "Site marchand", "amount": "24000.00"}],
            "sources": [
                {"kind": "grant", "label": "Subvention FEDER", "amount": "10000.00"},
                {"kind": "loan", "label": "Prêt bancaire", "amount": "12000.00"},
                {"kind": "own_funds", "label": "Apport", "amount": "2000.00"},
            ],
        }
    data.update(overrides)
    return data
