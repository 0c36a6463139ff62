"""A member import as the API shows it: its state, counts, columns and errors."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from intake.models import MemberImport

from .jobs import JobSerializer


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Feuille .xlsx, .ods ou .csv des adhérents.")


class ImportConfirmSerializer(serializers.Serializer):
    sha256 = serializers.CharField(
        max_length=64, help_text="L'empreinte de l'aperçu relu (champ « sha256 » de l'import)."
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Ligne de la feuille (comptée depuis 1).")
    column = serializers.CharField(help_text="Lettre de la colonne, vide si non rattachée.")
    header = serializers.CharField()
    field = serializers.CharField()
    reason = serializers.CharField()


class ImportSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    file_name = serializers.CharField(source="stored_file.original_name")
    sha256 = serializers.CharField(source="snapshot_sha256")
    errors = serializers.SerializerMethodField()

    class Meta:
        model = MemberImport
        fields = [
            "id", "campaign", "file_name", "state", "header_row", "columns", "counts", "sha256",
            "error", "errors", "created_at", "previewed_at", "applied_at", "result",
        ]  # fmt: skip

    @extend_schema_field(ImportErrorSerializer(many=True))
    def get_errors(self, member_import) -> list[dict]:
        if member_import.state not in (MemberImport.State.PREVIEWED, MemberImport.State.APPLIED):
            return []
        return [
            {"row": row["row"], **error}
            for row in member_import.iter_rows()
            for error in row["errors"]
        ]


class ImportStartedSerializer(serializers.Serializer):
    import_id = serializers.IntegerField(help_text="L'import, à lire sur /api/v1/imports/{id}/.")
    job = JobSerializer(help_text="L'aperçu ou l'application en cours.")
