"""The portals' pages. Every one is in tests/portals/test_access_matrix.py: add it there."""

from django.urls import path

from portals.views import (
    accounts,
    aids,
    bundles,
    costs,
    deadlines,
    editing,
    federation,
    funder,
    grouping,
    guides,
    imports,
    providers,
    shared,
    sme,
)

app_name = "portals"

urlpatterns = [
    path("", accounts.home, name="home"),
    path("echeances/", deadlines.deadlines_dashboard, name="deadlines"),
    # --- Accounts ---------------------------------------------------------------------
    path("connexion/", accounts.LoginView.as_view(), name="login"),
    path("deconnexion/", accounts.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/enregistre/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        accounts.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    # --- SME space, and the request pages every side uses --------------------------------
    path("demandes/", sme.request_list, name="request_list"),
    path("demandes/nouvelle/", sme.request_create, name="request_create"),
    path("entreprises/<int:pk>/", sme.enterprise_edit, name="enterprise_edit"),
    path("demandes/<str:reference>/", sme.request_detail, name="request_detail"),
    path("demandes/<str:reference>/projet/", editing.project_edit, name="project_edit"),
    path("demandes/<str:reference>/plan/", editing.plan_edit, name="plan_edit"),
    path("demandes/<str:reference>/devis/", editing.quotes_edit, name="quotes_edit"),
    path("demandes/<str:reference>/de-minimis/", editing.de_minimis_edit, name="de_minimis_edit"),
    path("demandes/<str:reference>/pieces/", editing.documents, name="documents"),
    path(
        "demandes/<str:reference>/pieces/<int:document_id>/",
        shared.document_download,
        name="document_download",
    ),
    path(
        "demandes/<str:reference>/pieces/<int:document_id>/retirer/",
        editing.document_delete,
        name="document_delete",
    ),
    path(
        "demandes/<str:reference>/pieces-retirees/<int:removed_id>/remettre/",
        editing.document_restore,
        name="document_restore",
    ),
    path("demandes/<str:reference>/action/", shared.transition, name="transition"),
    path("demandes/<str:reference>/messages/", shared.thread, name="thread"),
    path("demandes/<str:reference>/recepisse.pdf", shared.receipt, name="receipt"),
    # --- Federation space ------------------------------------------------------------------
    path("federation/demandes/", federation.request_list, name="federation_requests"),
    path("federation/demandes/export.csv", federation.export_csv, name="export_csv"),
    path("federation/demandes/export.xlsx", federation.export_xlsx, name="export_xlsx"),
    path("federation/demandes/preremplir/", federation.prefill, name="prefill"),
    path(
        "federation/demandes/instruire/",
        federation.bulk_start_review,
        name="federation_bulk_start_review",
    ),
    path("federation/demandes/<str:reference>/", federation.review, name="review"),
    path("federation/demandes/<str:reference>/inviter/", federation.invite, name="invite"),
    path("federation/campagnes/", federation.campaign_list, name="campaigns"),
    path(
        "federation/campagnes/<str:campaign>/",
        federation.campaign_dashboard,
        name="campaign_dashboard",
    ),
    # --- Federation: member imports --------------------------------------------------------
    path(
        "federation/campagnes/<str:campaign>/import/", imports.import_upload, name="import_upload"
    ),
    path(
        "federation/campagnes/<str:campaign>/import/<int:import_id>/",
        imports.import_detail,
        name="import_detail",
    ),
    path(
        "federation/campagnes/<str:campaign>/import/<int:import_id>/confirmer/",
        imports.import_confirm,
        name="import_confirm",
    ),
    path(
        "federation/campagnes/<str:campaign>/import/<int:import_id>/colonnes/",
        imports.import_columns,
        name="import_columns",
    ),
    path(
        "federation/campagnes/<str:campaign>/import/<int:import_id>/erreurs.xlsx",
        imports.import_errors,
        name="import_errors",
    ),
    # --- Federation: grouping and collective files ----------------------------------------
    path(
        "federation/campagnes/<str:campaign>/regroupement/",
        grouping.grouping,
        name="grouping",
    ),
    path(
        "federation/campagnes/<str:campaign>/regroupement/apercu/",
        grouping.grouping_preview,
        name="grouping_preview",
    ),
    path(
        "federation/campagnes/<str:campaign>/regroupement/lancer/",
        grouping.grouping_run,
        name="grouping_run",
    ),
    path("federation/dossiers-collectifs/<str:bundle>/", bundles.bundle_page, name="bundle"),
    path(
        "federation/dossiers-collectifs/<str:bundle>/action/",
        bundles.bundle_action,
        name="bundle_action",
    ),
    path(
        "federation/dossiers-collectifs/<str:bundle>/membres/<int:member_id>/retirer/",
        bundles.member_withdraw,
        name="member_withdraw",
    ),
    # --- Aids: the catalogue, a campaign's routing ---------------------------------------
    path("aides/", aids.catalogue, name="aid_catalogue"),
    path(
        "federation/campagnes/<str:campaign>/aides/orienter/",
        aids.campaign_routing_run,
        name="campaign_aids_run",
    ),
    # --- Cost references (federations, funders, staff) ------------------------------------
    path("references-couts/", costs.references, name="cost_references"),
    path("references-couts/export.csv", costs.references_csv, name="cost_references_csv"),
    path("references-couts/export.xlsx", costs.references_xlsx, name="cost_references_xlsx"),
    # --- Provider directory (anyone signed in) ---------------------------------------------
    path("prestataires/", providers.directory, name="providers"),
    # --- Project guides, and the SME's testimonial on a funded project --------------------
    path("guides/<str:project_type>/", guides.guide, name="guide"),
    path("demandes/<str:reference>/temoigner/", guides.testimonial, name="testimonial"),
    # --- Funder space ----------------------------------------------------------------------
    path("financeur/", funder.home, name="funder_home"),
    path("financeur/dossiers-collectifs/<str:bundle>/", funder.bundle_page, name="funder_bundle"),
    path(
        "financeur/dossiers-collectifs/<str:bundle>/membres/<int:member_id>/",
        funder.decision,
        name="funder_decision",
    ),
    path("financeur/demandes/<str:reference>/", funder.request_page, name="funder_request"),
]
