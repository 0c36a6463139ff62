"""Small explicit filters read from the query string, validated like a request body.

A bad value is a 400 naming the parameter, never a silent "no filter".
"""

from django.db.models import QuerySet
from rest_framework import serializers

from dossiers.models import RequestState


class FilterSerializer(serializers.Serializer):
    """Each subclass maps validated parameters onto queryset lookups in ``LOOKUPS``."""

    LOOKUPS: dict[str, str] = {}

    def apply(self, queryset: QuerySet) -> QuerySet:
        lookups = {
            self.LOOKUPS[name]: value
            for name, value in self.validated_data.items()
            if value not in (None, "")
        }
        return queryset.filter(**lookups)


def filtered(queryset: QuerySet, filter_class: type[FilterSerializer], request) -> QuerySet:
    params = filter_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.apply(queryset)


class FundingRequestFilter(FilterSerializer):
    LOOKUPS = {
        "state": "state",
        "campaign": "campaign__reference",
        "created_after": "created_at__gte",
        "created_before": "created_at__lt",
        "updated_after": "updated_at__gte",
        "updated_before": "updated_at__lt",
    }

    state = serializers.ChoiceField(choices=RequestState.choices, required=False)
    campaign = serializers.CharField(required=False, help_text="Référence de la campagne.")
    created_after = serializers.DateTimeField(required=False, help_text="Créées à partir de.")
    created_before = serializers.DateTimeField(required=False, help_text="Créées avant.")
    updated_after = serializers.DateTimeField(required=False, help_text="Modifiées à partir de.")
    updated_before = serializers.DateTimeField(required=False, help_text="Modifiées avant.")
