from grouping.models.bundle import (
    Bundle,
    BundleMember,
    BundleOutcome,
    BundleState,
    BundleTransition,
)
from grouping.models.policy import GroupingPolicy
from grouping.models.run import GroupingRun, UnplacedRequest

__all__ = [
    "Bundle",
    "BundleMember",
    "BundleOutcome",
    "BundleState",
    "BundleTransition",
    "GroupingPolicy",
    "GroupingRun",
    "UnplacedRequest",
]
