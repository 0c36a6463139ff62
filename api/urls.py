"""/api/: the OpenAPI schema and its documentation, and version 1 of the API."""

from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from api.views import bundles, costs, imports, jobs, meta, requests, webhooks

app_name = "api"

v1 = [
    path("me/", meta.Me.as_view(), name="me"),
    path("campaigns/", requests.CampaignList.as_view(), name="campaigns"),
    path(
        "campaigns/<str:reference>/grouping-runs/",
        bundles.GroupingRun.as_view(),
        name="grouping-runs",
    ),
    path(
        "campaigns/<str:reference>/imports/",
        imports.ImportUpload.as_view(),
        name="imports",
    ),
    path("imports/<int:pk>/", imports.ImportDetail.as_view(), name="import-detail"),
    path("imports/<int:pk>/confirm/", imports.ImportConfirm.as_view(), name="import-confirm"),
    path("imports/<int:pk>/errors.xlsx", imports.ImportErrorReport.as_view(), name="import-errors"),
    path("requests/", requests.FundingRequestList.as_view(), name="requests"),
    path(
        "requests/<str:reference>/",
        requests.FundingRequestDetail.as_view(),
        name="request-detail",
    ),
    path("bundles/", bundles.BundleList.as_view(), name="bundles"),
    path("bundles/<str:reference>/", bundles.BundleDetail.as_view(), name="bundle-detail"),
    path(
        "bundles/<str:reference>/members/<str:request_reference>/decision/",
        bundles.Decision.as_view(),
        name="decision",
    ),
    path("bundles/<str:reference>/package/", bundles.Package.as_view(), name="package"),
    path(
        "bundles/<str:reference>/documents/",
        bundles.DocumentBuild.as_view(),
        name="document-build",
    ),
    path("jobs/<int:pk>/", jobs.JobDetail.as_view(), name="job"),
    path("cost-references/", costs.CostReferenceList.as_view(), name="cost-references"),
    path("webhooks/", webhooks.EndpointList.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.EndpointDetail.as_view(), name="webhook"),
    path(
        "webhooks/<int:pk>/deliveries/",
        webhooks.DeliveryList.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        webhooks.Redeliver.as_view(),
        name="webhook-redeliver",
    ),
]


def documentation(view_class):
    """The API's documentation pages: their script is a static file too (the split view
    serves Swagger UI's set-up script from its own URL); Swagger UI and ReDoc style their
    page inline, so these two pages alone allow inline styles, never inline scripts."""
    view = view_class.as_view(url_name="api:schema")

    def with_policy(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        policy = settings.CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        # ReDoc's search runs in a worker it builds from a blob.
        response.headers["Content-Security-Policy"] = f"{policy}; worker-src 'self' blob:"
        return response

    return with_policy


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", documentation(SpectacularSwaggerSplitView), name="docs"),
    path("redoc/", documentation(SpectacularRedocView), name="redoc"),
    path("v1/", include(v1)),
    # Any character, newlines included (``.`` stops at one): a path holding ``%0A`` is the
    # API's 404 too, not Django's HTML page.
    re_path(r"^[\s\S]*$", meta.NotFound.as_view()),
]
