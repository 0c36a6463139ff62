"""Shapes shared by every endpoint: the error body, and how the schema lists errors."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="Chemin du champ en cause (« enterprise.siret »), ou null."
    )
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code stable, en anglais, pour les programmes.")
    message = serializers.CharField(help_text="Message en français, pour les personnes.")
    details = ErrorDetailSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


_MEANING = {
    400: "Données invalides (validation_error, parse_error, invalid_idempotency_key).",
    401: "Jeton absent, inconnu, expiré ou révoqué.",
    403: "Droit du jeton insuffisant, ou opération réservée à un autre type d'organisation.",
    404: "Introuvable, ou hors de ce que l'organisation du jeton peut voir.",
    409: "Conflit : l'état a changé ou ne permet pas l'action maintenant.",
    422: "Refusé : raisons dans details (transition_refused), ou clé d'idempotence réutilisée.",
    429: "Trop de requêtes pour ce jeton (voir Retry-After).",
    503: "Traitement indisponible pour le moment (job_unavailable).",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint: 401, 404 and 429 always, plus ``statuses``."""
    wanted = sorted({400, 401, 403, 404, 429, *statuses})
    return {s: OpenApiResponse(ErrorSerializer, description=_MEANING[s]) for s in wanted}
