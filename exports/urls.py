"""Downloads of a bundle's documents (the deposit receipt is ``portals:receipt``)."""

from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path(
        "dossiers-collectifs/<str:reference>/paquet.zip",
        views.bundle_package,
        name="bundle_package",
    ),
    path(
        "dossiers-collectifs/<str:reference>/dossier.pdf",
        views.bundle_dossier,
        name="bundle_dossier",
    ),
    path(
        "dossiers-collectifs/<str:reference>/annexe.xlsx",
        views.bundle_annex,
        name="bundle_annex",
    ),
]
