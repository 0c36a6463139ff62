"""An organisation's webhook endpoints: register, change, remove, see and redeliver."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api import access
from api.errors import ApiError
from api.idempotency import idempotent
from api.serializers.common import errors
from api.serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
)
from webhooks import redelivery
from webhooks.endpoints import register_endpoint, update_endpoint
from webhooks.models import WebhookEndpoint

TAG = ["Webhooks"]


def endpoints(request):
    return WebhookEndpoint.objects.filter(organisation_id=request.auth.organisation_id)


def organisation_wide(request) -> None:
    """Endpoints receive every campaign's events: only an unrestricted token changes them."""
    if access.is_campaign_restricted(request):
        raise ApiError(
            "Ce jeton est limité à certaines campagnes : il ne peut pas modifier les points "
            "de réception, communs à toute l'organisation.",
            code="campaign_restricted",
            status_code=403,
        )


class EndpointList(generics.ListAPIView):
    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        return endpoints(self.request)

    @extend_schema(
        tags=TAG,
        summary="Points de réception de l'organisation",
        responses={200: WebhookEndpointSerializer(many=True), **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary="Enregistrer un point de réception",
        description="Seules les adresses http(s) publiques sont acceptées. Le secret de "
        "signature n'est renvoyé qu'ici. Accepte l'en-tête Idempotency-Key.",
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointCreatedSerializer, **errors()},
    )
    def post(self, request):
        return idempotent(self, request, lambda: self._create(request))

    def _create(self, request) -> Response:
        organisation_wide(request)
        data = WebhookEndpointCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, _ = register_endpoint(
            organisation=request.auth.organisation, created_by=request.user, **data.validated_data
        )
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )


class EndpointDetail(APIView):
    def _endpoint(self, request, pk: int) -> WebhookEndpoint:
        return get_object_or_404(endpoints(request), pk=pk)

    @extend_schema(
        tags=TAG,
        summary="Lire un point de réception",
        responses={200: WebhookEndpointSerializer, **errors()},
    )
    def get(self, request, pk: int):
        return Response(WebhookEndpointSerializer(self._endpoint(request, pk)).data)

    @extend_schema(
        tags=TAG,
        summary="Modifier, désactiver ou réactiver un point de réception",
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer, **errors()},
    )
    def patch(self, request, pk: int):
        endpoint = self._endpoint(request, pk)
        organisation_wide(request)
        data = WebhookEndpointUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = update_endpoint(endpoint, **data.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        tags=TAG,
        summary="Supprimer un point de réception (et l'historique de ses envois)",
        responses={204: None, **errors()},
    )
    def delete(self, request, pk: int):
        endpoint = self._endpoint(request, pk)
        organisation_wide(request)
        endpoint.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryList(generics.ListAPIView):
    serializer_class = WebhookDeliverySerializer

    def get_queryset(self):
        endpoint = get_object_or_404(endpoints(self.request), pk=self.kwargs["pk"])
        return access.webhook_deliveries(self.request, endpoint)

    @extend_schema(
        tags=TAG,
        summary="Envois faits à un point de réception, du plus récent au plus ancien",
        responses={200: WebhookDeliverySerializer(many=True), **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class Redeliver(APIView):
    @extend_schema(
        tags=TAG,
        summary="Renvoyer un événement (nouvel envoi, même identifiant d'événement)",
        request=None,
        responses={202: WebhookDeliverySerializer, **errors(409)},
    )
    def post(self, request, pk: int, delivery_pk: int):
        return idempotent(self, request, lambda: self._redeliver(request, pk, delivery_pk))

    def _redeliver(self, request, pk: int, delivery_pk: int) -> Response:
        endpoint = get_object_or_404(endpoints(request), pk=pk)
        original = get_object_or_404(
            access.webhook_deliveries(request, endpoint).select_related("endpoint"),
            pk=delivery_pk,
        )
        try:
            again = redelivery.redeliver(original)
        except redelivery.EndpointDisabled as exc:
            raise ApiError(str(exc), code="endpoint_disabled", status_code=409) from exc
        again.refresh_from_db()
        return Response(WebhookDeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)
