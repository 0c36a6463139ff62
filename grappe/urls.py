from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("workers.urls")),
    path("api/", include("api.urls")),
    path("", include("exports.urls")),
    path("", include("timerules.urls")),
    path("", include("portals.urls")),
]
