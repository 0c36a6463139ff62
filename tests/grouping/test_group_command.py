"""``manage.py group``: the bundles and the requests left out, as text or JSON."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from grouping.models import Bundle
from tests.factories import CampaignFactory
from tests.grouping.builders import campaign_with_policy, eligible_request

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"  # before the € sign
NNBSP = "\u202f"  # between thousands


@pytest.fixture
def campaign():
    campaign = campaign_with_policy()
    campaign.pair = [eligible_request(campaign) for _ in range(2)]
    campaign.lonely = eligible_request(campaign, naf="47.91A")
    return campaign


def group(*args) -> str:
    out = StringIO()
    call_command("group", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_bundles_and_the_requests_left_out(campaign):
    text = group(campaign.reference)

    bundle = Bundle.objects.get()
    first, second = campaign.pair
    assert text.splitlines() == [
        f"Regroupement n° {bundle.run_id} de la campagne {campaign.reference}",
        "Clé : sous-classe NAF × département, puis sous-classe NAF × région ; 2 à 10 membres ; "
        f"minimum prêteur 20{NNBSP}000,00{NBSP}€ ({bundle.funder.name}).",
        "Demandes éligibles : 3 ; placées : 2 dans 1 dossier ; sans dossier : 1.",
        "",
        "Dossiers proposés :",
        f"  {bundle.reference}  Boulangerie et boulangerie-pâtisserie (NAF 10.71C), Creuse (23)",
        "      étape 1 (sous-classe NAF × département) · 2 membres · "
        f"prêts 24{NNBSP}000,00{NBSP}€ · subventions 0,00{NBSP}€",
        f"      {first.reference}, {second.reference}",
        "",
        "Demandes sans dossier :",
        f"  {campaign.lonely.reference}  [too_few_members] Vente à distance sur catalogue "
        "général (NAF 47.91A), région Nouvelle-Aquitaine : 1 demande sans dossier (il en faut "
        "au moins 2 par dossier), même au niveau sous-classe NAF × région",
    ]


def test_a_dry_run_says_nothing_is_saved(campaign):
    text = group(campaign.reference, "--dry-run")

    assert text.splitlines()[0].endswith("— rien n'est enregistré")
    assert "  (simulation)  Boulangerie" in text
    assert not Bundle.objects.exists()


def test_json_gives_the_same_as_one_document(campaign):
    document = json.loads(group(campaign.reference, "--json"))

    bundle = Bundle.objects.get()
    assert document["campaign"] == campaign.reference
    assert document["dry_run"] is False
    assert document["counts"] == {
        "eligible": 3,
        "placed": 2,
        "unplaced": 1,
        "bundles": 1,
        "kept": 0,
        "superseded": 0,
    }
    assert document["bundles"] == [
        {
            "reference": bundle.reference,
            "key": ["10.71C", "23"],
            "description": "Boulangerie et boulangerie-pâtisserie (NAF 10.71C), Creuse (23)",
            "level": 0,
            "level_label": "sous-classe NAF × département",
            "members": 2,
            "requests": [r.reference for r in campaign.pair],
            "loan_total": "24000.00",
            "grant_total": "0.00",
        }
    ]
    [unplaced] = document["unplaced"]
    assert unplaced["request"] == campaign.lonely.reference
    assert unplaced["code"] == "too_few_members"
    assert unplaced["reason"].startswith("Vente à distance sur catalogue général (NAF 47.91A)")


def test_an_unknown_campaign_is_an_error():
    with pytest.raises(CommandError, match="Aucune campagne n'a la référence « NOPE »"):
        group("NOPE")


def test_a_refused_run_is_an_error_in_words():
    campaign = CampaignFactory()

    with pytest.raises(CommandError, match="n'a pas de règles de regroupement"):
        group(campaign.reference)
