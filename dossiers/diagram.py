"""The funding request's state diagram, generated from the state machine itself.

The README carries a copy between ``<!-- state-diagram:start -->`` and
``<!-- state-diagram:end -->``; ``tests/dossiers/test_state_diagram.py`` keeps it in step and
``manage.py state_diagram`` prints a fresh one to paste.
"""

from django.utils import translation

from dossiers.models import FundingRequest, RequestState
from dossiers.models.funding_request import CLOSED
from dossiers.workflow import TRANSITIONS

START_MARKER = "<!-- state-diagram:start -->"
END_MARKER = "<!-- state-diagram:end -->"


def transitions() -> list[tuple[str, str, str]]:
    """Every (source, target, transition name), in state order then workflow order."""
    field = FundingRequest._meta.get_field("state")
    states = list(RequestState.values)
    edges = {
        (str(t.source), str(t.target), t.name) for t in field.get_all_transitions(FundingRequest)
    }
    return sorted(edges, key=lambda e: (states.index(e[0]), TRANSITIONS.index(e[2])))


def state_diagram() -> str:
    """A Mermaid ``stateDiagram-v2``: states with their French labels, transitions by name.

    Closed states (``CLOSED``) lead to the end mark, though a manager may reopen some.
    """
    lines = ["stateDiagram-v2"]
    with translation.override("fr"):
        for state in RequestState:
            lines.append(f'    state "{state.label}" as {state.value}')
    lines.append(f"    [*] --> {FundingRequest._meta.get_field('state').default}")
    for source, target, name in transitions():
        lines.append(f"    {source} --> {target}: {name}")
    for state in RequestState:
        if state in CLOSED:
            lines.append(f"    {state.value} --> [*]")
    return "\n".join(lines) + "\n"


def readme_block() -> str:
    """What sits between the README's markers: the diagram in a Mermaid code fence."""
    return f"```mermaid\n{state_diagram()}```"
