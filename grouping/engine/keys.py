"""Grouping keys: which candidate attributes a ladder needs, and each step's key.

Candidates are first sorted into *atoms*: the tuple of raw attributes the whole ladder
reads (for instance ``(naf_code, departement, region)``). Every step's key is a
function of the atom, so keys are computed once per distinct atom (tens of
thousands), never once per candidate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter, itemgetter
from typing import Any

from .types import Candidate, Step, TerritoryLevel, TradeLevel

Atom = Any  # a tuple of attribute values, or one value when the ladder reads one attribute
Key = tuple[str, ...]

_TRADE_ATTRIBUTES: dict[TradeLevel, tuple[str, ...]] = {
    TradeLevel.NONE: (),
    TradeLevel.SECTION: ("naf_section",),
    TradeLevel.DIVISION: ("naf_code",),
    TradeLevel.GROUP: ("naf_code",),
    TradeLevel.CLASS: ("naf_code",),
    TradeLevel.SUBCLASS: ("naf_code",),
    TradeLevel.NAFA: ("nafa_code", "naf_code"),
}
_TERRITORY_ATTRIBUTES: dict[TerritoryLevel, tuple[str, ...]] = {
    TerritoryLevel.NATIONAL: (),
    TerritoryLevel.REGION: ("region",),
    TerritoryLevel.DEPARTEMENT: ("departement",),
}
# Length of the NAF code prefix that identifies each level ("10.71C" -> "10.7").
_NAF_PREFIX = {
    TradeLevel.DIVISION: 2,
    TradeLevel.GROUP: 4,
    TradeLevel.CLASS: 5,
    TradeLevel.SUBCLASS: None,
}


def trade_key(level: TradeLevel, candidate: Candidate) -> tuple[str, ...]:
    """The trade part of a candidate's key at ``level`` (empty for NONE)."""
    if level is TradeLevel.NONE:
        return ()
    if level is TradeLevel.SECTION:
        return (candidate.naf_section,)
    if level is TradeLevel.NAFA:
        return (candidate.nafa_code or candidate.naf_code,)
    return (candidate.naf_code[: _NAF_PREFIX[level]],)


def territory_key(level: TerritoryLevel, candidate: Candidate) -> tuple[str, ...]:
    if level is TerritoryLevel.NATIONAL:
        return ()
    if level is TerritoryLevel.REGION:
        return (candidate.region,)
    return (candidate.departement,)


def candidate_key(step: Step, candidate: Candidate) -> Key:
    """A candidate's key at one ladder step, e.g. ("10.71C", "23")."""
    return trade_key(step[0], candidate) + territory_key(step[1], candidate)


class LadderPlan:
    """Atoms and step keys for one ladder."""

    def __init__(self, ladder: tuple[Step, ...]) -> None:
        self.ladder = ladder
        wanted: list[str] = []
        for trade, territory in ladder:
            for name in _TRADE_ATTRIBUTES[trade] + _TERRITORY_ATTRIBUTES[territory]:
                if name not in wanted:
                    wanted.append(name)
        self.attributes = tuple(wanted)
        self._position = {name: i for i, name in enumerate(wanted)}

    def atom_getter(self) -> Callable[[Candidate], Atom]:
        """A C-speed function returning a candidate's atom."""
        if not self.attributes:
            return lambda candidate: ()
        return attrgetter(*self.attributes)

    def _reader(self, name: str) -> Callable[[Atom], Any]:
        if len(self.attributes) == 1:
            return lambda atom: atom
        return itemgetter(self._position[name])

    def step_key_function(self, index: int) -> Callable[[Atom], Key]:
        trade, territory = self.ladder[index]
        trade_part: Callable[[Atom], str] | None = None
        if trade is TradeLevel.SECTION:
            trade_part = self._reader("naf_section")
        elif trade is TradeLevel.NAFA:
            nafa, naf = self._reader("nafa_code"), self._reader("naf_code")
            trade_part = lambda atom: nafa(atom) or naf(atom)  # noqa: E731
        elif trade is TradeLevel.SUBCLASS:
            trade_part = self._reader("naf_code")
        elif trade is not TradeLevel.NONE:
            naf, size = self._reader("naf_code"), _NAF_PREFIX[trade]
            trade_part = lambda atom: naf(atom)[:size]  # noqa: E731
        place = None
        if territory is not TerritoryLevel.NATIONAL:
            place = self._reader(territory.value)
        if trade_part is not None and place is not None:
            return lambda atom: (trade_part(atom), place(atom))
        if trade_part is not None:
            return lambda atom: (trade_part(atom),)
        if place is not None:
            return lambda atom: (place(atom),)
        return lambda atom: ()

    def step_keys(
        self, atoms: Iterable[Atom]
    ) -> tuple[list[dict[Atom, Key]], list[dict[Key, Key]]]:
        """Each step's key per atom, and the parent map from a step's key to the next's.

        Raises ValueError when the data break the nesting the ladder relies on (a
        département filed under two régions, a NAF division under two sections).
        """
        atoms = list(atoms)
        functions = [self.step_key_function(i) for i in range(len(self.ladder))]
        keys = [dict(zip(atoms, map(function, atoms), strict=True)) for function in functions]
        parents: list[dict[Key, Key]] = []
        for index in range(len(self.ladder) - 1):
            narrow, wide = keys[index], keys[index + 1]
            pairs = set(zip(narrow.values(), wide.values(), strict=True))
            parent = dict(pairs)
            if len(parent) != len(pairs):
                seen: dict[Key, Key] = {}
                for key, above in sorted(pairs):
                    known = seen.setdefault(key, above)
                    if known != above:
                        raise ValueError(
                            f"inconsistent candidate data: key {key!r} at ladder step "
                            f"{index} belongs to both {known!r} and {above!r} at step "
                            f"{index + 1} (check département/région and NAF section/code pairs)"
                        )
            parents.append(parent)
        return keys, parents
