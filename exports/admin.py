"""The document builds, read-only: the evidence of what each bundle's files were.

The files sit in the private storage, with no URL: the page shows their names and hashes;
the downloads are the exports views, which check who asks.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from exports.models import DocumentBuild
from grappe.admin import ReadOnlyMixin


@admin.register(DocumentBuild)
class DocumentBuildAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["bundle", "build_date", "member_count", "short_fingerprint", "built_by",
                    "built_at"]  # fmt: skip
    list_select_related = ["bundle", "built_by"]
    search_fields = ["bundle__reference", "fingerprint", "package_sha256"]
    date_hierarchy = "built_at"
    fields = [
        "bundle", "fingerprint", "build_date", "member_count", "built_by", "built_at",
        "pdf_name", "pdf_sha256", "pdf_size", "xlsx_name", "xlsx_sha256", "xlsx_size",
        "package_name", "package_sha256", "package_size",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("empreinte"))
    def short_fingerprint(self, build: DocumentBuild) -> str:
        return f"{build.fingerprint[:16]}…"

    @admin.display(description=_("dossier PDF"))
    def pdf_name(self, build: DocumentBuild) -> str:
        return build.pdf.name

    @admin.display(description=_("annexe XLSX"))
    def xlsx_name(self, build: DocumentBuild) -> str:
        return build.xlsx.name

    @admin.display(description=_("paquet ZIP"))
    def package_name(self, build: DocumentBuild) -> str:
        return build.package.name
