"""Bundles: funders read those sent to them and decide per member; federations follow
theirs and start the work on them (grouping runs, document builds)."""

from collections.abc import Callable

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api import access
from api.errors import ApiError
from api.filters import BundleFilter, filtered
from api.idempotency import idempotent
from api.permissions import FederationOnly, FunderOnly, TokenScope
from api.serializers.bundles import (
    BundleDetailSerializer,
    BundleMemberSerializer,
    BundleSerializer,
    DecisionResultSerializer,
    DecisionSerializer,
)
from api.serializers.common import errors
from api.serializers.jobs import JobSerializer
from exports.build import latest_build
from exports.services import request_build
from grouping.decisions import record_decision
from grouping.models import BundleMember
from grouping.runs import start_grouping
from workers.models import Job

TAG = ["Dossiers collectifs"]


def _bundles(request):
    return access.bundles(request).select_related("campaign__federation", "funder")


def _start(start: Callable[[], Job]) -> Response:
    """Answer 202 with the job ``start()`` queued (its service refuses at once what it must)."""
    try:
        job = start()
    except LookupError as exc:  # no worker task declared for this kind in this deployment
        raise ApiError(
            "Ce traitement n'est pas disponible pour le moment.",
            code="job_unavailable",
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        ) from exc
    return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class BundleList(generics.ListAPIView):
    serializer_class = BundleSerializer

    def get_queryset(self):
        return filtered(_bundles(self.request), BundleFilter, self.request)

    @extend_schema(
        tags=TAG,
        summary="Lister les dossiers collectifs visibles",
        description="Un financeur voit les dossiers qui lui ont été transmis ; une fédération, "
        "ceux de ses campagnes.",
        parameters=[BundleFilter],
        responses={200: BundleSerializer(many=True), **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BundleDetail(generics.RetrieveAPIView):
    serializer_class = BundleDetailSerializer
    lookup_field = "reference"

    def get_queryset(self):
        return _bundles(self.request)

    @extend_schema(
        tags=TAG,
        summary="Lire un dossier collectif, ses membres et son historique",
        responses={200: BundleDetailSerializer, **errors()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class Package(APIView):
    """The ZIP a funder downloads: streamed from the private storage, never buffered."""

    @extend_schema(
        tags=TAG,
        summary="Télécharger le paquet ZIP du dossier (dossier PDF, annexe, pièces, manifeste)",
        description="Le paquet de la dernière construction des documents. L'en-tête ETag "
        "porte son SHA-256 ; manifest.json, dans le paquet, celui de chaque fichier.",
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            **errors(),
        },
    )
    def get(self, request, reference: str):
        bundle = get_object_or_404(_bundles(request), reference=reference)
        build = latest_build(bundle)
        if build is None:
            raise ApiError(
                "Les documents de ce dossier ne sont pas encore construits.",
                code="package_not_built",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        response = FileResponse(
            build.package.open("rb"),
            as_attachment=True,
            filename=f"{bundle.reference}-paquet.zip",
            content_type="application/zip",
        )
        response["ETag"] = f'"{build.package_sha256}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def perform_content_negotiation(self, request, force=False):
        # "Accept: application/zip" must not be refused: errors are answered in JSON.
        return super().perform_content_negotiation(request, force=True)


class Decision(APIView):
    permission_classes = [TokenScope, FunderOnly]

    @extend_schema(
        tags=TAG,
        summary="Enregistrer la décision du financeur sur un membre",
        description="La même action que depuis l'espace financeur : la demande du membre "
        "passe « accordée » ou « refusée par le financeur », et la dernière décision décide "
        "le dossier. Accepte l'en-tête Idempotency-Key.",
        request=DecisionSerializer,
        responses={200: DecisionResultSerializer, **errors(409, 422)},
    )
    def post(self, request, reference: str, request_reference: str):
        return idempotent(
            self, request, lambda: self._decide(request, reference, request_reference)
        )

    def _decide(self, request, reference: str, request_reference: str) -> Response:
        bundle = get_object_or_404(_bundles(request), reference=reference)
        member = get_object_or_404(
            bundle.members.exclude(status=BundleMember.Status.WITHDRAWN),
            request__reference=request_reference,
        )
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        found = record_decision(bundle, member, actor=request.user, **decision.validated_data)
        found = BundleMember.objects.select_related("request__enterprise").get(pk=found.pk)
        bundle = _bundles(request).get(pk=bundle.pk)
        return Response(
            {
                "bundle": BundleSerializer(bundle).data,
                "member": BundleMemberSerializer(found).data,
            }
        )


class DocumentBuild(APIView):
    permission_classes = [TokenScope, FederationOnly]

    @extend_schema(
        tags=TAG,
        summary="Lancer la construction des documents du dossier (fédérations)",
        description="Renvoie le travail de fond à suivre sur /api/v1/jobs/{id}/. Demander "
        "une construction déjà en cours renvoie ce même travail. Un dossier qui n'est pas "
        "scellé est refusé aussitôt (409, avec la raison).",
        request=None,
        responses={202: JobSerializer, **errors(409, 503)},
    )
    def post(self, request, reference: str):
        return idempotent(self, request, lambda: self._build(request, reference))

    def _build(self, request, reference: str) -> Response:
        bundle = get_object_or_404(_bundles(request), reference=reference)
        return _start(lambda: request_build(bundle, actor=request.user))


class GroupingRun(APIView):
    permission_classes = [TokenScope, FederationOnly]

    @extend_schema(
        tags=["Campagnes"],
        summary="Lancer le regroupement des demandes éligibles d'une campagne (fédérations)",
        description="Renvoie le travail de fond à suivre sur /api/v1/jobs/{id}/. Une campagne "
        "sans règles de regroupement utilisables est refusée aussitôt (422, avec les raisons).",
        request=None,
        responses={202: JobSerializer, **errors(422, 503)},
    )
    def post(self, request, reference: str):
        return idempotent(self, request, lambda: self._run(request, reference))

    def _run(self, request, reference: str) -> Response:
        campaign = get_object_or_404(access.campaigns(request), reference=reference)
        return _start(lambda: start_grouping(campaign, actor=request.user))
