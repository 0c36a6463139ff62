"""The proof of an erased draft moves to the dossiers app (its table is renamed there);
webhook fan-out and invitations become job kinds of their own."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workers", "0002_notice_kinds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PurgedDraft")],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="job",
            name="kind",
            field=models.CharField(
                choices=[
                    ("build_documents", "Construction des documents du dossier collectif"),
                    ("run_grouping", "Regroupement des demandes d'une campagne"),
                    ("notify_transition", "Avis d'un changement d'état"),
                    ("notify_bundle", "Avis d'une étape d'un dossier collectif"),
                    ("notify_message", "Avis d'un message sur une demande"),
                    ("purge_drafts", "Suppression des brouillons abandonnés"),
                    ("emit_webhooks", "Envoi des événements d'un changement d'état"),
                    ("send_invitation", "Invitation d'un représentant d'entreprise"),
                ],
                max_length=40,
                verbose_name="type",
            ),
        ),
    ]
