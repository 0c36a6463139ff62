"""The proof of an erased draft belongs to the dossiers app, with the purge that writes it;
invitations are recorded, for the job that e-mails them.

The proof's table moves with the model (``workers_purgeddraft`` becomes
``dossiers_purgeddraft``); its rows are kept.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_enterprise_version"),
        ("workers", "0003_purged_draft_leaves"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PurgedDraft",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "reference",
                            models.CharField(max_length=20, unique=True, verbose_name="référence"),
                        ),
                        (
                            "draft_created_at",
                            models.DateTimeField(verbose_name="brouillon créé le"),
                        ),
                        (
                            "draft_updated_at",
                            models.DateTimeField(verbose_name="brouillon modifié le"),
                        ),
                        (
                            "documents_erased",
                            models.PositiveIntegerField(default=0, verbose_name="pièces effacées"),
                        ),
                        (
                            "purged_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="effacé le"
                            ),
                        ),
                        (
                            "campaign",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="dossiers.campaign",
                                verbose_name="campagne",
                            ),
                        ),
                        (
                            "job",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="purged_drafts",
                                to="workers.job",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "brouillon effacé",
                        "verbose_name_plural": "brouillons effacés",
                        "ordering": ["-purged_at", "-pk"],
                        "db_table": "workers_purgeddraft",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="purgeddraft", table=None),
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("base_url", models.CharField(max_length=300, verbose_name="adresse du site")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="invitée le"
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invitée par",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="personne invitée",
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="dossiers.fundingrequest",
                        verbose_name="demande",
                    ),
                ),
            ],
            options={
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
