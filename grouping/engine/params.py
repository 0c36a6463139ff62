"""Packing parameters shared by packing.py and repair.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PackParams:
    """A policy's numbers as the packer uses them (amounts in cents)."""

    min_members: int  # m in the packing module's reasoning
    max_members: int  # M
    lender_minimum: int  # L: loan total a bundle must reach
    lender_maximum: int | None  # U: loan total a bundle may not exceed (None: no maximum)
    target_members: int | None
    target_loan: int | None


def valid(total: int, count: int, q: PackParams) -> bool:
    """Does a bundle of ``count`` members and loan ``total`` meet the policy?"""
    return (
        q.min_members <= count <= q.max_members
        and total >= q.lender_minimum
        and (q.lender_maximum is None or total <= q.lender_maximum)
    )
