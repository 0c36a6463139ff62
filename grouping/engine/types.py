"""Value types of the grouping engine: levels, candidates, policy, results.

Every amount is an integer number of euro cents. Nothing here touches Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TradeLevel(StrEnum):
    """How finely members must share their activity (NAF rév. 2 nomenclature)."""

    NONE = "none"
    SECTION = "section"
    DIVISION = "division"
    GROUP = "group"
    CLASS = "class"
    SUBCLASS = "subclass"
    NAFA = "nafa"  # falls back to SUBCLASS for a candidate without a NAFA code

    @property
    def fineness(self) -> int:
        return _TRADE_FINENESS[self]


class TerritoryLevel(StrEnum):
    """How finely members must share their territory (2016 map)."""

    NATIONAL = "national"
    REGION = "region"
    DEPARTEMENT = "departement"

    @property
    def fineness(self) -> int:
        return _TERRITORY_FINENESS[self]


_TRADE_FINENESS = {level: rank for rank, level in enumerate(TradeLevel)}
_TERRITORY_FINENESS = {level: rank for rank, level in enumerate(TerritoryLevel)}

Step = tuple[TradeLevel, TerritoryLevel]


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One eligible funding request, as the engine sees it.

    NAF levels are derived from ``naf_code`` ("10.71C"): division "10", group "10.7",
    class "10.71", sub-class "10.71C". The section letter cannot be derived from the
    code, hence ``naf_section``. Amounts are integer cents.
    """

    request_id: int
    naf_section: str
    naf_code: str
    departement: str
    region: str
    loan: int
    grant: int
    nafa_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """A funder's grouping rules. Amounts are integer cents.

    ``ladder`` lists the grouping keys from the narrowest to the widest; requests left
    over at one step are offered to the next one. Each step must be at least as wide
    as the previous one in both dimensions, and wider in one of them.

    Target size: ``target_members`` and/or ``target_loan`` (loan total per bundle).
    When both are set, the one asking for more (smaller) bundles wins. When neither is
    set, the engine makes as few bundles as the member cap allows.
    """

    ladder: tuple[Step, ...]
    min_members: int = 2
    max_members: int
    target_members: int | None = None
    target_loan: int | None = None
    lender_minimum: int
    lender_maximum: int | None = None
    grant_cap: int
    loan_min: int
    loan_max: int
    # Which line the packed amount is: "loan" (lender bundles) or "grant" (grant
    # collectives, where loan_min/loan_max bound the grant and lender_minimum/maximum the
    # operation's total). Only the wording of reasons depends on it.
    line: str = "loan"

    def __post_init__(self) -> None:
        object.__setattr__(self, "ladder", tuple(tuple(step) for step in self.ladder))
        _validate_policy(self)


def _validate_policy(policy: Policy) -> None:
    for name in (
        "min_members",
        "max_members",
        "lender_minimum",
        "grant_cap",
        "loan_min",
        "loan_max",
    ):
        _require_int(name, getattr(policy, name))
    for name in ("target_members", "target_loan", "lender_maximum"):
        if getattr(policy, name) is not None:
            _require_int(name, getattr(policy, name))

    if policy.line not in ("loan", "grant"):
        raise ValueError(f"line must be 'loan' or 'grant' (got {policy.line!r})")
    if not policy.ladder:
        raise ValueError("ladder is empty: give at least one (trade level, territory level) step")
    for step in policy.ladder:
        if (
            len(step) != 2
            or not isinstance(step[0], TradeLevel)
            or not isinstance(step[1], TerritoryLevel)
        ):
            raise ValueError(f"ladder step {step!r} is not a (TradeLevel, TerritoryLevel) pair")
    for narrow, wide in zip(policy.ladder, policy.ladder[1:], strict=False):
        if wide == narrow:
            raise ValueError(f"ladder repeats the step {_step_name(wide)}")
        if wide[0].fineness > narrow[0].fineness or wide[1].fineness > narrow[1].fineness:
            raise ValueError(
                f"ladder is not monotone: {_step_name(wide)} is not wider than "
                f"{_step_name(narrow)} in both trade and territory (list steps narrowest first)"
            )

    if policy.min_members < 2:
        raise ValueError(f"min_members must be at least 2 (got {policy.min_members})")
    if policy.max_members < policy.min_members:
        raise ValueError(
            f"max_members ({policy.max_members}) is below min_members ({policy.min_members})"
        )
    if policy.target_members is not None and not (
        policy.min_members <= policy.target_members <= policy.max_members
    ):
        raise ValueError(
            f"target_members ({policy.target_members}) must lie between min_members "
            f"({policy.min_members}) and max_members ({policy.max_members})"
        )
    if policy.target_loan is not None and policy.target_loan <= 0:
        raise ValueError(f"target_loan must be positive (got {policy.target_loan})")
    if policy.lender_minimum < 0:
        raise ValueError(f"lender_minimum must not be negative (got {policy.lender_minimum})")
    if policy.lender_maximum is not None and policy.lender_maximum < max(policy.lender_minimum, 1):
        raise ValueError(
            f"lender_maximum ({policy.lender_maximum}) must be positive and at least "
            f"lender_minimum ({policy.lender_minimum})"
        )
    if policy.grant_cap < 0:
        raise ValueError(f"grant_cap must not be negative (got {policy.grant_cap})")
    if policy.loan_min < 0:
        raise ValueError(f"loan_min must not be negative (got {policy.loan_min})")
    if policy.loan_max < policy.loan_min:
        raise ValueError(f"loan_max ({policy.loan_max}) is below loan_min ({policy.loan_min})")


def _require_int(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an int (amounts are integer cents), got {value!r}")


def _step_name(step: Step) -> str:
    return f"({step[0].name}, {step[1].name})"


@dataclass(frozen=True, slots=True)
class ProposedBundle:
    """A lender-ready group of requests sharing ``key`` at ladder step ``level``."""

    key: tuple[str, ...]
    level: int
    member_ids: tuple[int, ...]
    loan_total: int
    grant_total: int


class UnplacedCode(StrEnum):
    """Why a request is in no bundle (stable machine-readable values)."""

    LOAN_OUT_OF_BAND = "loan_out_of_band"
    LOAN_ABOVE_LENDER_MAXIMUM = "loan_above_lender_maximum"
    GRANT_ABOVE_CAP = "grant_above_cap"
    TOO_FEW_MEMBERS = "too_few_members"
    BELOW_LENDER_MINIMUM = "below_lender_minimum"
    NOT_PACKABLE = "not_packable"


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A request left out, with a machine code and a French sentence for the officer."""

    request_id: int
    code: UnplacedCode
    reason: str


@dataclass(frozen=True, slots=True)
class GroupingResult:
    bundles: list[ProposedBundle] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)

    @property
    def placed(self) -> int:
        return sum(len(bundle.member_ids) for bundle in self.bundles)

    def placed_at_level(self, level: int) -> int:
        return sum(len(b.member_ids) for b in self.bundles if b.level == level)


@dataclass(frozen=True, slots=True)
class Bounds:
    """Upper bounds on the number of requests any grouping can place.

    ``per_level[i]`` bounds the requests placed at ladder steps 0..i together; ``finest``
    is ``per_level[0]`` and ``total`` is ``per_level[-1]``.
    """

    total: int
    finest: int
    per_level: tuple[int, ...]
