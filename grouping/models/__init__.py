from grouping.models.bundle import (
    Bundle,
    BundleMember,
    BundleOutcome,
    BundleState,
    BundleTransition,
    DeclineCode,
)
from grouping.models.policy import GroupingPolicy, Guarantor
from grouping.models.run import GroupingRun, UnplacedRequest

__all__ = [
    "Bundle",
    "BundleMember",
    "BundleOutcome",
    "DeclineCode",
    "Guarantor",
    "BundleState",
    "BundleTransition",
    "GroupingPolicy",
    "GroupingRun",
    "UnplacedRequest",
]
