"""Cursor pagination: stable under inserts, and no COUNT(*) over a large table."""

from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class NewestFirstCursor(CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """DRF falls back to the default for a value it cannot read (``page_size=null``):
        here that is a 400 naming the parameter, like any other bad filter."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Entier de 1 à {self.max_page_size} attendu, reçu « {raw[:40]} »."
                    ]
                }
            )
        return int(raw)
