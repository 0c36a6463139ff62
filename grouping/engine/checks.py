"""An independent check of a grouping result against the policy.

It recomputes everything from the candidates, so tests, benchmarks and the Django
layer (before it writes bundles) can assert that a result honours every rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from .keys import candidate_key
from .types import Candidate, GroupingResult, Policy


def violations(
    candidates: Sequence[Candidate], policy: Policy, result: GroupingResult
) -> list[str]:
    """Every broken rule, as English sentences; an empty list means the result is valid."""
    problems: list[str] = []
    by_id = {candidate.request_id: candidate for candidate in candidates}
    seen: dict[int, str] = {}

    def claim(request_id: int, where: str) -> None:
        if request_id not in by_id:
            problems.append(f"{where}: request {request_id} is not a candidate")
        elif request_id in seen:
            problems.append(f"request {request_id} is in {seen[request_id]} and in {where}")
        seen[request_id] = where

    for number, bundle in enumerate(result.bundles):
        where = f"bundle {number} {bundle.key}"
        for request_id in bundle.member_ids:
            claim(request_id, where)
        members = [by_id[i] for i in bundle.member_ids if i in by_id]
        size = len(bundle.member_ids)
        if list(bundle.member_ids) != sorted(bundle.member_ids):
            problems.append(f"{where}: member ids are not sorted")
        if not policy.min_members <= size <= policy.max_members:
            problems.append(
                f"{where}: {size} members, outside {policy.min_members}..{policy.max_members}"
            )
        if not 0 <= bundle.level < len(policy.ladder):
            problems.append(f"{where}: level {bundle.level} is not a ladder step")
            continue
        loan_total = sum(member.loan for member in members)
        if loan_total != bundle.loan_total:
            problems.append(f"{where}: loan_total {bundle.loan_total} != {loan_total}")
        grant_total = sum(member.grant for member in members)
        if grant_total != bundle.grant_total:
            problems.append(f"{where}: grant_total {bundle.grant_total} != {grant_total}")
        if loan_total < policy.lender_minimum:
            problems.append(f"{where}: loans {loan_total} below {policy.lender_minimum}")
        if policy.lender_maximum is not None and loan_total > policy.lender_maximum:
            problems.append(f"{where}: loans {loan_total} above {policy.lender_maximum}")
        step = policy.ladder[bundle.level]
        for member in members:
            if not policy.loan_min <= member.loan <= policy.loan_max:
                problems.append(f"{where}: request {member.request_id} loan out of band")
            if member.grant > policy.grant_cap:
                problems.append(f"{where}: request {member.request_id} grant above cap")
            if candidate_key(step, member) != bundle.key:
                problems.append(
                    f"{where}: request {member.request_id} has key "
                    f"{candidate_key(step, member)} at level {bundle.level}"
                )

    for unplaced in result.unplaced:
        claim(unplaced.request_id, f"unplaced ({unplaced.code})")
        if not unplaced.reason:
            problems.append(f"unplaced request {unplaced.request_id} has no reason")
    missing = set(by_id) - set(seen)
    if missing:
        problems.append(f"{len(missing)} candidates are neither bundled nor unplaced")
    return problems
