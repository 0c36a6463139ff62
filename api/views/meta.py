"""What the calling token is, and a JSON 404 for any unknown address under /api/."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.common import errors


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    organisation_kind = serializers.CharField(source="organisation.kind")
    scopes = serializers.ListField(child=serializers.CharField())
    campaigns = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(allow_null=True)

    def get_campaigns(self, token) -> list[str]:
        return list(token.campaigns.values_list("reference", flat=True))


class Me(APIView):
    @extend_schema(
        tags=["Jeton"],
        summary="Le jeton appelant : organisation, droits, campagnes",
        responses={200: TokenInfoSerializer, **errors()},
    )
    def get(self, request):
        return Response(TokenInfoSerializer(request.auth).data)


class NotFound(APIView):
    """Any address under /api/ that no route matches: a 404 in the API's own shape."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound()
