"""``manage.py load_demo``: prints what it created and the demo logins, once."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_command_prints_counts_and_logins_then_adds_nothing(capsys):
    call_command("load_demo", smes=11)
    out = capsys.readouterr().out

    assert "requests: 11" in out
    assert "dossiers collectifs : " in out
    assert "Connexions de démonstration (mot de passe « grappe-demo ») :" in out
    assert "  federation " in out

    call_command("load_demo", smes=11)
    again = capsys.readouterr().out
    assert again.startswith("Données de démonstration déjà chargées : rien ajouté.")
    assert "  sme " in again
