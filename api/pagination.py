"""Cursor pagination: stable under inserts, and no COUNT(*) over a large table."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursor(CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200
