"""A cost reference cell: the count always, the statistics only when published."""

from rest_framework import serializers

from costs.models import CostReference
from dossiers.models import FundingRequest

# One enum in the schema for a request's project_category and a reference's project_type.
PROJECT_TYPES = FundingRequest.ProjectCategory.choices


class CostReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CostReference
        fields = [
            "project_type", "naf_division", "region", "year", "count", "published",
            "p10", "p25", "median", "p75", "p90", "computed_at",
        ]  # fmt: skip
        read_only_fields = fields
