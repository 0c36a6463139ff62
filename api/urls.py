"""/api/: the OpenAPI schema and its documentation, and version 1 of the API."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.views import meta, requests

app_name = "api"

v1 = [
    path("me/", meta.Me.as_view(), name="me"),
    path("campaigns/", requests.CampaignList.as_view(), name="campaigns"),
    path("requests/", requests.FundingRequestList.as_view(), name="requests"),
    path(
        "requests/<str:reference>/",
        requests.FundingRequestDetail.as_view(),
        name="request-detail",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/", include(v1)),
    re_path(r"^.*$", meta.NotFound.as_view()),
]
