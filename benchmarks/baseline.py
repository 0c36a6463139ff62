"""The naive grouping the engine is measured against.

Sort each key group by request id and fill bundles in that order: a bundle closes as
soon as it is valid and has reached the target size (or the member cap). What is left
of a key group moves to the next ladder step. Same eligibility rules and same result
type as the engine, so the two can be compared figure for figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from operator import attrgetter

from dossiers.formatting import euros_from_cents
from grouping.engine.keys import Key
from grouping.engine.packing import Item
from grouping.engine.run import prepare, rejections
from grouping.engine.text import describe_key_codes, leftover_code, leftover_reason
from grouping.engine.types import Candidate, GroupingResult, Policy, ProposedBundle, Unplaced


def group_naive(candidates: Sequence[Candidate], policy: Policy) -> GroupingResult:
    prepared = prepare(candidates, policy)
    m, cap, minimum = policy.min_members, policy.max_members, policy.lender_minimum
    maximum = policy.lender_maximum
    target = policy.target_members or cap
    last = len(policy.ladder) - 1

    def valid(members: list[Item], total: int) -> bool:
        return len(members) >= m and total >= minimum and (maximum is None or total <= maximum)

    bundles: list[ProposedBundle] = []
    unplaced = rejections(prepared.refused, policy, euros_from_cents)
    pool: dict[Key, list[Item]] = prepared.groups
    for level in range(last + 1):
        wider: dict[Key, list[Item]] = defaultdict(list)
        for key in sorted(pool):
            left: list[Item] = []
            members: list[Item] = []
            total = 0
            for item in sorted(pool[key], key=lambda item: item[1]):
                if maximum is not None and total + item[0] > maximum:
                    left.extend(members)  # cannot grow further: start again
                    members, total = [], 0
                members.append(item)
                total += item[0]
                if valid(members, total) and len(members) >= target:
                    bundles.append(_bundle(key, level, members, total))
                    members, total = [], 0
                elif len(members) == cap:
                    left.append(members.pop(0))
                    total -= left[-1][0]
            if members and valid(members, total):
                bundles.append(_bundle(key, level, members, total))
            else:
                left.extend(members)
            if level < last:
                wider[prepared.parents[level][key]].extend(left)
            elif left:
                loan_total = sum(item[0] for item in left)
                code = leftover_code(len(left), loan_total, policy)
                place = describe_key_codes(*policy.ladder[-1], key)
                reason = leftover_reason(
                    code,
                    place=place,
                    count=len(left),
                    loan_total=loan_total,
                    bundles_here=0,
                    policy=policy,
                    format_cents=euros_from_cents,
                )
                unplaced.extend(Unplaced(item[1], code, reason) for item in left)
        pool = wider
    bundles.sort(key=attrgetter("level", "key", "member_ids"))
    unplaced.sort(key=attrgetter("request_id"))
    return GroupingResult(bundles=bundles, unplaced=unplaced)


def _bundle(key: Key, level: int, members: list[Item], total: int) -> ProposedBundle:
    return ProposedBundle(
        key=key,
        level=level,
        member_ids=tuple(sorted(item[1] for item in members)),
        loan_total=total,
        grant_total=sum(item[2] for item in members),
    )
