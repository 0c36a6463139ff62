"""Exact optimum on small instances with OR-tools CP-SAT, to measure the engine.

Only benchmarks and tests import this module (``ortools`` is a development
dependency). It answers two questions for an instance:

* ``total``: the most requests any valid grouping can place. Every bundle lies inside
  one widest-step group, so this is the sum over those groups of the best packing.
* ``finest``: the most requests placeable at ladder step 0 alone (sum over the
  step-0 groups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from grouping.engine.packing import PackParams, group_bound
from grouping.engine.run import pack_params, prepare
from grouping.engine.types import Candidate, Policy


@dataclass(frozen=True, slots=True)
class ExactGroup:
    placed: int  # best solution found
    proven: bool  # True when CP-SAT proved it optimal
    best_bound: int  # CP-SAT's proven upper bound (== placed when proven)


@dataclass(frozen=True, slots=True)
class ExactOptimum:
    total: int
    finest: int
    proven: bool
    total_bound: int  # proven upper bounds, in case a time limit was hit
    finest_bound: int


def max_placed(loans: Sequence[int], q: PackParams, *, time_limit: float = 20.0) -> ExactGroup:
    """Most requests of one group that fit into valid bundles (exact)."""
    loans = sorted(loans, reverse=True)
    n = len(loans)
    bound = group_bound(loans, q)
    if bound == 0:
        return ExactGroup(0, True, 0)
    k_max = n // q.min_members
    if q.lender_minimum > 0:
        k_max = min(k_max, sum(min(w, q.lender_minimum) for w in loans) // q.lender_minimum)
    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{i}_{b}") for b in range(k_max)] for i in range(n)]
    used = [model.new_bool_var(f"u{b}") for b in range(k_max)]
    for i in range(n):
        model.add_at_most_one(x[i])
        for b in range(i + 1, k_max):  # symmetry: item i only opens bundles 0..i
            model.add(x[i][b] == 0)
    for b in range(k_max):
        members = [x[i][b] for i in range(n)]
        model.add(sum(members) >= q.min_members * used[b])
        model.add(sum(members) <= q.max_members * used[b])
        loan_total = sum(loans[i] * x[i][b] for i in range(n))
        model.add(loan_total >= q.lender_minimum * used[b])
        if q.lender_maximum is not None:
            model.add(loan_total <= q.lender_maximum)
        if b + 1 < k_max:
            model.add(used[b] >= used[b + 1])
    placed = sum(x[i][b] for i in range(n) for b in range(k_max))
    model.add(placed <= bound)
    model.maximize(placed)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactGroup(0, False, bound)
    value = round(solver.objective_value)
    proven = status == cp_model.OPTIMAL
    best_bound = value if proven else min(bound, int(solver.best_objective_bound))
    return ExactGroup(value, proven, best_bound)


def exact_optimum(
    candidates: Sequence[Candidate], policy: Policy, *, time_limit: float = 20.0
) -> ExactOptimum:
    q = pack_params(policy)
    prepared = prepare(candidates, policy)
    finest_groups = prepared.groups
    widest_groups = finest_groups
    for parent in prepared.parents:
        merged: dict[tuple[str, ...], list[int]] = {}
        for key, items in widest_groups.items():
            merged.setdefault(parent[key], []).extend(items)
        widest_groups = merged
    results = []
    for groups in (widest_groups, finest_groups):
        found = [
            max_placed([item[0] for item in items], q, time_limit=time_limit)
            for _, items in sorted(groups.items())
        ]
        results.append(found)
    widest, finest = results
    return ExactOptimum(
        total=sum(r.placed for r in widest),
        finest=sum(r.placed for r in finest),
        proven=all(r.proven for r in widest + finest),
        total_bound=sum(r.best_bound for r in widest),
        finest_bound=sum(r.best_bound for r in finest),
    )


@dataclass(frozen=True, slots=True)
class LadderOptimum:
    """Best placement in the engine's own order: most requests placed first, then most
    at step 0, then at step 1, and so on."""

    total: int
    per_level: tuple[int, ...]  # requests placed at each ladder step (not cumulative)
    proven: bool


def ladder_optimum(
    candidates: Sequence[Candidate], policy: Policy, *, time_limit: float = 20.0
) -> LadderOptimum:
    """Exact lexicographic optimum over the whole ladder (small instances only)."""
    q = pack_params(policy)
    prepared = prepare(candidates, policy)
    levels = len(policy.ladder)
    chains: dict[tuple[str, ...], list[tuple[tuple[str, ...], ...]]] = {}
    loans: dict[tuple[str, ...], list[int]] = {}
    for key0, items in sorted(prepared.groups.items()):
        chain = [key0]
        for parent in prepared.parents:
            chain.append(parent[chain[-1]])
        chains.setdefault(chain[-1], []).extend([tuple(chain)] * len(items))
        loans.setdefault(chain[-1], []).extend(item[0] for item in items)
    total = 0
    per_level = [0] * levels
    proven = True
    for widest in sorted(chains):
        found, counts, exact = _ladder_group(chains[widest], loans[widest], levels, q, time_limit)
        total += found
        per_level = [a + b for a, b in zip(per_level, counts, strict=True)]
        proven = proven and exact
    return LadderOptimum(total, tuple(per_level), proven)


def _ladder_group(
    chains: list[tuple[tuple[str, ...], ...]],
    loans: list[int],
    levels: int,
    q: PackParams,
    time_limit: float,
) -> tuple[int, list[int], bool]:
    model = cp_model.CpModel()
    n = len(loans)
    memberships: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
    placed_at: list[list[cp_model.IntVar]] = [[] for _ in range(levels)]
    for level in range(levels):
        members: dict[tuple[str, ...], list[int]] = {}
        for i, chain in enumerate(chains):
            members.setdefault(chain[level], []).append(i)
        for key, group_members in sorted(members.items()):
            slots = len(group_members) // q.min_members
            if q.lender_minimum > 0:
                slots = min(
                    slots,
                    sum(min(loans[i], q.lender_minimum) for i in group_members) // q.lender_minimum,
                )
            previous = None
            for slot in range(slots):
                used = model.new_bool_var(f"u{level}_{key}_{slot}")
                x = {i: model.new_bool_var(f"x{i}_{level}_{key}_{slot}") for i in group_members}
                for i, var in x.items():
                    memberships[i].append(var)
                    placed_at[level].append(var)
                size = sum(x.values())
                model.add(size >= q.min_members * used)
                model.add(size <= q.max_members * used)
                loan_total = sum(loans[i] * var for i, var in x.items())
                model.add(loan_total >= q.lender_minimum * used)
                if q.lender_maximum is not None:
                    model.add(loan_total <= q.lender_maximum)
                if previous is not None:
                    model.add(previous >= used)
                previous = used
    for variables in memberships:
        if variables:
            model.add_at_most_one(variables)
    objectives = [sum(v for level in placed_at for v in level)] + [sum(v) for v in placed_at]
    proven = True
    values: list[int] = []
    for objective in objectives:
        model.maximize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.num_workers = 2
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return 0, [0] * levels, False
        proven = proven and status == cp_model.OPTIMAL
        value = round(solver.objective_value)
        values.append(value)
        model.add(objective >= value)
    return values[0], values[1:], proven
