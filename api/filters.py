"""Small explicit filters read from the query string, validated like a request body.

A bad value is a 400 naming the parameter, never a silent "no filter".
"""

from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.models import RequestState
from grouping.models import BundleState


@extend_schema_field(OpenApiTypes.DATETIME)
class Moment(serializers.DateTimeField):
    """A date-time, or a plain date meaning its midnight (Paris time)."""

    def to_internal_value(self, value):
        day = parse_date(value) if isinstance(value, str) and len(value) == 10 else None
        if day is not None:
            return timezone.make_aware(datetime.combine(day, time.min))
        return super().to_internal_value(value)


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
    # A plain dict, not the QueryDict: DRF reads an empty value in a form-like input as
    # "not given", so ``?submitted_before=`` silently filtered nothing. Here it is a 400.
    params = filter_class(data=dict(request.query_params.items()))
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
    created_after = Moment(required=False, help_text="Créées à partir de (date ou date-heure).")
    created_before = Moment(required=False, help_text="Créées avant.")
    updated_after = Moment(required=False, help_text="Modifiées à partir de.")
    updated_before = Moment(required=False, help_text="Modifiées avant.")


class BundleFilter(FilterSerializer):
    LOOKUPS = {
        "state": "state",
        "campaign": "campaign__reference",
        "submitted_after": "submitted_at__gte",
        "submitted_before": "submitted_at__lt",
        "decided_after": "decided_at__gte",
        "decided_before": "decided_at__lt",
    }

    state = serializers.ChoiceField(choices=BundleState.choices, required=False)
    campaign = serializers.CharField(required=False, help_text="Référence de la campagne.")
    submitted_after = Moment(required=False, help_text="Transmis à partir de (date ou date-heure).")
    submitted_before = Moment(required=False, help_text="Transmis avant.")
    decided_after = Moment(required=False, help_text="Décidés à partir de.")
    decided_before = Moment(required=False, help_text="Décidés avant.")
