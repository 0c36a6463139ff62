"""Downloads of a bundle's documents: the package, the PDF dossier, the XLSX annex.

Only who may see the bundle (``Bundle.objects.visible_to``) *and* works on it gets them:
the lead partner's federation, the funder once the bundle is sent to it, staff. An SME
sees the bundle its request is in but not these files: they hold every member's figures
and supporting documents (identity papers, bank details). Anyone else gets a 404, which
does not confirm that the bundle exists. The files come from the private storage as
attachments, never rendered inline by the browser.

The SME's deposit receipt is the portals' ``portals:receipt`` page.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from exports.build import latest_build
from grouping import permissions
from grouping.models import Bundle

PARTS = {
    # part: (download name suffix, content type)
    "package": ("paquet.zip", "application/zip"),
    "pdf": ("dossier.pdf", "application/pdf"),
    "xlsx": ("annexe.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _bundle(user, reference: str) -> Bundle:
    bundle = get_object_or_404(
        Bundle.objects.visible_to(user).select_related("campaign"), reference=reference
    )
    works_on_it = permissions.is_lead_partner(bundle, user) or permissions.is_bundle_funder(
        bundle, user
    )
    if not works_on_it:
        raise Http404
    return bundle


def _download(http_request, reference: str, part: str) -> FileResponse:
    bundle = _bundle(http_request.user, reference)
    build = latest_build(bundle)
    if build is None:
        raise Http404
    stored, sha256, _ = build.files()[part]
    suffix, content_type = PARTS[part]
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"{bundle.reference}-{suffix}",
        content_type=content_type,
    )
    response["ETag"] = f'"{sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def bundle_package(http_request, reference: str) -> FileResponse:
    """The ZIP package: dossier, annex, every member's documents and the manifest."""
    return _download(http_request, reference, "package")


@login_required
def bundle_dossier(http_request, reference: str) -> FileResponse:
    return _download(http_request, reference, "pdf")


@login_required
def bundle_annex(http_request, reference: str) -> FileResponse:
    return _download(http_request, reference, "xlsx")
