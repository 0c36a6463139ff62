"""Following a background job the organisation started."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.common import errors
from api.serializers.jobs import JobSerializer
from workers.models import Job


class JobDetail(APIView):
    @extend_schema(
        tags=["Travaux de fond"],
        summary="État et progression d'un travail de fond",
        responses={200: JobSerializer, **errors()},
    )
    def get(self, request, pk: int):
        jobs = Job.objects.visible_to(request.user)
        if request.auth.campaigns.exists():
            # A token limited to some campaigns follows only the jobs it started itself.
            jobs = jobs.filter(created_by=request.user)
        job = get_object_or_404(jobs, pk=pk)
        return Response(JobSerializer(job).data)
