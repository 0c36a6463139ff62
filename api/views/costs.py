"""Cost references, read by any organisation's token. Secret cells give their count only:
the table never holds a statistic for them (costs.statistics)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from api.permissions import TokenScope
from api.serializers.common import errors
from api.serializers.costs import CostReferenceSerializer
from costs.models import CostReference

FILTERS = ("project_type", "naf_division", "region", "year")


class CostReferenceList(generics.ListAPIView):
    serializer_class = CostReferenceSerializer
    permission_classes = [TokenScope]

    def get_queryset(self):
        rows = CostReference.objects.all()
        for name in FILTERS:
            value = self.request.query_params.get(name)
            if value:
                if name == "year" and not value.isdigit():
                    raise ValidationError({"year": ["Une année est attendue (2026)."]})
                rows = rows.filter(**{name: value})
        return rows

    @extend_schema(
        tags=["Références de coûts"],
        summary="Références de coûts par type de projet, division NAF, région et année",
        parameters=[
            OpenApiParameter(name, OpenApiTypes.INT if name == "year" else OpenApiTypes.STR)
            for name in FILTERS
        ],
        responses={200: CostReferenceSerializer(many=True), **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
