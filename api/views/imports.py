"""Member imports: a federation uploads its sheet, reads the preview, confirms it."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api import access
from api.permissions import FederationOnly, TokenScope
from api.serializers.common import errors
from api.serializers.imports import (
    ImportConfirmSerializer,
    ImportSerializer,
    ImportStartedSerializer,
    ImportUploadSerializer,
)
from intake.models import MemberImport
from intake.report import error_report
from intake.services import request_confirmation, start_import

TAG = ["Imports d'adhérents"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import(request, pk: int) -> MemberImport:
    campaigns = access.campaigns(request)
    return get_object_or_404(
        MemberImport.objects.visible_to(request.user).filter(campaign__in=campaigns), pk=pk
    )


def _started(member_import, job) -> Response:
    data = ImportStartedSerializer({"import_id": member_import.pk, "job": job}).data
    return Response(data, status=status.HTTP_202_ACCEPTED)


class ImportUpload(APIView):
    permission_classes = [TokenScope, FederationOnly]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAG,
        summary="Déposer la feuille des adhérents d'une campagne (aperçu en travail de fond)",
        description="Rien n'est enregistré avant la confirmation : l'aperçu classe chaque "
        "ligne (new, update, unchanged, error) ; suivez le travail sur /api/v1/jobs/{id}/.",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportStartedSerializer, **errors()},
    )
    def post(self, request, reference: str):
        campaign = get_object_or_404(access.campaigns(request), reference=reference)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        sheet = upload.validated_data["file"]
        member_import, job = start_import(
            campaign=campaign,
            name=sheet.name,
            data=sheet.read(),
            actor=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        return _started(member_import, job)


class ImportDetail(APIView):
    permission_classes = [TokenScope, FederationOnly]

    @extend_schema(
        tags=TAG,
        summary="Aperçu d'un import : décompte, colonnes reconnues, erreurs ligne par ligne",
        responses={200: ImportSerializer, **errors()},
    )
    def get(self, request, pk: int):
        return Response(ImportSerializer(_import(request, pk)).data)


class ImportConfirm(APIView):
    permission_classes = [TokenScope, FederationOnly]

    @extend_schema(
        tags=TAG,
        summary="Confirmer l'aperçu relu (par son empreinte) : il est appliqué une fois",
        request=ImportConfirmSerializer,
        responses={202: ImportStartedSerializer, **errors(409)},
    )
    def post(self, request, pk: int):
        member_import = _import(request, pk)
        body = ImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = request_confirmation(
            member_import, actor=request.user, expected_sha256=body.validated_data["sha256"]
        )
        return _started(member_import, job)


class ImportErrorReport(APIView):
    permission_classes = [TokenScope, FederationOnly]

    @extend_schema(
        tags=TAG,
        summary="Rapport d'erreurs de l'aperçu (.xlsx, cellules fautives marquées)",
        responses={(200, XLSX): OpenApiTypes.BINARY, **errors(409)},
    )
    def get(self, request, pk: int):
        member_import = _import(request, pk)
        if not member_import.snapshot_sha256:
            from dossiers.workflow import Conflict

            raise Conflict("L'aperçu de cet import n'est pas encore prêt.")
        response = HttpResponse(error_report(member_import), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="import-{pk}-erreurs.xlsx"'
        return response
