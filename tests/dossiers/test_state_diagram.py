"""The README's state diagram is the one the state machine generates."""

from pathlib import Path

import pytest
from django.core.management import call_command

from dossiers.diagram import END_MARKER, START_MARKER, readme_block, state_diagram, transitions
from dossiers.models import RequestState
from dossiers.workflow import TRANSITIONS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_diagram_matches_the_state_machine():
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    if START_MARKER not in text or END_MARKER not in text:
        pytest.skip(f"README.md has no {START_MARKER} … {END_MARKER} block yet")
    copied = text.split(START_MARKER, 1)[1].split(END_MARKER, 1)[0].strip()

    assert copied == readme_block(), (
        "README.md's state diagram is out of date: replace the block between the markers "
        "with the output of `python manage.py state_diagram`."
    )


def test_the_diagram_has_every_state_and_every_transition():
    diagram = state_diagram()

    assert diagram.startswith('stateDiagram-v2\n    state "Brouillon" as draft\n')
    for state in RequestState:
        assert f" as {state.value}\n" in diagram
    assert {name for _, _, name in transitions()} == set(TRANSITIONS)
    assert "    grouped --> sent: send\n" in diagram
    assert diagram.count(": withdraw\n") == 6  # one arrow per withdrawable state
    assert "    [*] --> draft\n" in diagram
    assert "    approved --> [*]\n" in diagram


def test_the_command_prints_the_readme_block(capsys):
    call_command("state_diagram")

    assert capsys.readouterr().out.strip() == readme_block()
