"""Sortable list columns: ``?tri=name`` ascending, ``?tri=-name`` descending.

Only the columns a list declares can be sorted on (a name maps to ORM fields); anything
else in the address is ignored and the list keeps its usual order.
"""

from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class SortLink:
    url: str  # the query string that sorts on this column (the other way when it is current)
    direction: str  # "ascending", "descending" or "" (aria-sort of the column header)


def sort_rows(rows, params: QueryDict, columns: dict[str, tuple[str, ...]]):
    """``rows`` ordered by the ``tri`` parameter when it names one of ``columns``."""
    asked = params.get("tri", "")
    name = asked.removeprefix("-")
    if name not in columns:
        return rows, ""
    descending = asked.startswith("-")
    fields = [f"-{f}" if descending else f for f in columns[name]]
    return rows.order_by(*fields, "pk"), asked


def sort_links(params: QueryDict, columns, current: str) -> dict[str, SortLink]:
    """For each column, the address that sorts on it, and how it is sorted now."""
    links = {}
    for name in columns:
        query = params.copy()
        query.pop("page", None)
        if current == name:
            query["tri"], direction = f"-{name}", "ascending"
        elif current == f"-{name}":
            query["tri"], direction = name, "descending"
        else:
            query["tri"], direction = name, ""
        links[name] = SortLink(url=f"?{query.urlencode()}", direction=direction)
    return links
