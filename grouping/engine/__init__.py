"""In-memory grouping engine: SME funding requests into lender-ready bundles.

Pure Python, no Django, no import outside the engine: the caller passes in how amounts
are written. Amounts are integer euro cents throughout.

    result = group(candidates, policy, format_cents=euros_from_cents, describe_key=labels)
    bounds = upper_bound(candidates, policy)
    assert violations(candidates, policy, result) == []
"""

from .checks import violations
from .keys import candidate_key
from .run import group, upper_bound
from .text import DescribeKey, FormatCents, describe_key_codes, level_label
from .types import (
    Bounds,
    Candidate,
    GroupingResult,
    Policy,
    ProposedBundle,
    TerritoryLevel,
    TradeLevel,
    Unplaced,
    UnplacedCode,
)

__all__ = [
    "Bounds",
    "Candidate",
    "DescribeKey",
    "FormatCents",
    "GroupingResult",
    "Policy",
    "ProposedBundle",
    "TerritoryLevel",
    "TradeLevel",
    "Unplaced",
    "UnplacedCode",
    "candidate_key",
    "describe_key_codes",
    "group",
    "level_label",
    "upper_bound",
    "violations",
]
