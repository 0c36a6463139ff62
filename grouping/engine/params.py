"""Packing parameters shared by packing.py and repair.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PackParams:
    """A policy's numbers as the packer uses them (amounts in cents)."""

    m: int  # min members
    M: int  # max members
    L: int  # lender minimum (loan total per bundle)
    U: int | None  # lender maximum
    target_members: int | None
    target_loan: int | None


def valid(total: int, count: int, q: PackParams) -> bool:
    """Does a bundle of ``count`` members and loan ``total`` meet the policy?"""
    return q.m <= count <= q.M and total >= q.L and (q.U is None or total <= q.U)
