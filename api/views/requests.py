"""Funding requests: federations prefill them and follow them; funders read those sent to
them."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from api import access
from api.filters import FundingRequestFilter, filtered
from api.idempotency import idempotent
from api.permissions import FederationOnly, TokenScope
from api.serializers.common import errors
from api.serializers.requests import (
    CampaignSerializer,
    FundingRequestCreateSerializer,
    FundingRequestDetailSerializer,
    FundingRequestSerializer,
)
from dossiers.intake import prefill_request
from dossiers.models import FinancingLine
from dossiers.plan import PlanLine

TAG = ["Demandes"]


def _lines(rows: list[dict]) -> list[PlanLine]:
    return [PlanLine(row["kind"], row["label"], row["amount"]) for row in rows]


@extend_schema(tags=["Campagnes"])
class CampaignList(generics.ListAPIView):
    serializer_class = CampaignSerializer

    @extend_schema(
        summary="Campagnes visibles par le jeton",
        responses={200: CampaignSerializer(many=True), **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return access.campaigns(self.request).select_related("federation")


class FundingRequestList(generics.ListCreateAPIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [TokenScope(), FederationOnly()]
        return [TokenScope()]

    def get_serializer_class(self):
        if self.request.method == "POST":
            return FundingRequestCreateSerializer
        return FundingRequestSerializer

    def get_queryset(self):
        qs = access.funding_requests(self.request).select_related(
            "campaign", "enterprise", "sent_to"
        )
        return filtered(qs, FundingRequestFilter, self.request)

    @extend_schema(
        tags=TAG,
        summary="Lister les demandes visibles",
        parameters=[FundingRequestFilter],
        responses={200: FundingRequestSerializer(many=True), **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary="Préremplir une demande pour une entreprise (fédérations)",
        description="Crée l'entreprise si son SIRET est nouveau (sinon la réutilise, sans la "
        "modifier), un brouillon de demande et, si fourni, le plan de financement. "
        "Accepte l'en-tête Idempotency-Key.",
        request=FundingRequestCreateSerializer,
        responses={201: FundingRequestDetailSerializer, **errors(409)},
    )
    def post(self, request, *args, **kwargs):
        return idempotent(self, request, lambda: self._create(request))

    def _create(self, request) -> Response:
        serializer = FundingRequestCreateSerializer(
            data=request.data, context={"campaigns": access.campaigns(request)}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = data.pop("financing_plan", None)
        created = prefill_request(
            actor=request.user,
            campaign=data.pop("campaign"),
            enterprise=data.pop("enterprise"),
            project=data,
            uses=_lines(plan["uses"]) if plan else None,
            sources=_lines(plan["sources"]) if plan else None,
        )
        detail = FundingRequestDetailSerializer(
            _detail_queryset(request).get(pk=created.pk), context={"request": request}
        )
        return Response(detail.data, status=status.HTTP_201_CREATED)


def _detail_queryset(request):
    return (
        access.funding_requests(request)
        .select_related("campaign", "enterprise", "sent_to")
        .prefetch_related(Prefetch("financing_lines", FinancingLine.objects.order_by("position")))
    )


class FundingRequestDetail(generics.RetrieveAPIView):
    serializer_class = FundingRequestDetailSerializer
    lookup_field = "reference"

    def get_queryset(self):
        return _detail_queryset(self.request)

    @extend_schema(
        tags=TAG,
        summary="Lire une demande, son plan de financement et son historique",
        responses={200: FundingRequestDetailSerializer, **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
