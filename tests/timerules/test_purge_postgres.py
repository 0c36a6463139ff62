"""After the purge, nothing personal of a purged request is left, anywhere (PostgreSQL).

A request goes the whole way (submitted, reviewed, bundled, documents built, sent,
approved, mails and webhooks queued by the real jobs), then is purged. Every text column
of every table, and every file in private storage, is searched for its identifiers.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from dossiers.models import Enterprise, FundingRequest
from exports.build import build_bundle_documents
from exports.models import DocumentBuild
from grouping.bundles import submit_bundle
from grouping.decisions import record_decision
from grouping.models import BundleTransition
from tests.exports.bundles import sealed_bundle
from tests.grouping.builders import LOAN_TERMS, analyst_of
from timerules import retention
from timerules.models import AidRecord, RetentionSchedule, Tombstone
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from workers.models import Job, Notification

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Where a purged request's reference may stay: the proof of erasure, the aid record and the
# bundle's own history ("Dernière décision : DEM-…"). Once the request is gone the
# reference leads to no one: it is a pseudonym, and the collective keeps its history.
KEEPS_REFERENCE = {Tombstone, AidRecord, BundleTransition}


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def rows_mentioning(value: str, *, skip=()) -> list[str]:
    found = []
    for model in apps.get_models():
        if model in skip or model._meta.proxy or not model._meta.managed:
            continue
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        annotated = model._default_manager.annotate(
            **{f"t_{name}": Cast(name, TextField()) for name in fields}
        )
        condition = Q()
        for name in fields:
            condition |= Q(**{f"t_{name}__icontains": value})
        pks = annotated.filter(condition).values_list("pk", flat=True)
        found += [f"{model._meta.label} #{pk}" for pk in pks]
    return found


def files_mentioning(needles: list[bytes]) -> list[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [
        str(path)
        for path in root.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    ]


def test_a_purged_request_leaves_no_personal_data_but_its_tombstone_totals_and_aid_record(
    require_postgres,
):
    world = sealed_bundle(2)
    bundle = world.bundle
    for organisation in (bundle.campaign.federation, bundle.funder):
        WebhookEndpoint.objects.create(
            organisation=organisation,
            url="http://127.0.0.1:9/hook",
            events=[event.value for event in Event],
            secret="s" * 32,
        )
    build = build_bundle_documents(bundle)
    build_files = [build.pdf.name, build.xlsx.name, build.package.name]
    submit_bundle(bundle, actor=world.officer)
    analyst = analyst_of(bundle.funder)
    for member in bundle.members.all():
        record_decision(bundle, member, actor=analyst, approved=True, loan_terms=LOAN_TERMS)

    gone, kept = world.requests
    gone.refresh_from_db()
    enterprise = gone.enterprise
    identifiers = [gone.reference, enterprise.siren, enterprise.siret, enterprise.name]
    assert rows_mentioning(enterprise.siret), "the run left traces to look for"
    assert WebhookDelivery.objects.exists() and Notification.objects.exists()
    assert Job.objects.exists()
    bundle.refresh_from_db()
    totals = (bundle.loan_total, bundle.grant_total, bundle.cost_total, bundle.approved_total)
    history = BundleTransition.objects.filter(bundle=bundle).count()

    today = timezone.localdate()
    retention.fix_dates(today=today)
    RetentionSchedule.objects.filter(request=gone).update(purge_on=today)
    assert retention.purge_due(today=today) == 1

    assert not FundingRequest.objects.filter(pk=gone.pk).exists()
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
    assert not DocumentBuild.objects.filter(bundle=bundle).exists()
    for value in identifiers[1:]:
        assert rows_mentioning(value) == [], value
    assert rows_mentioning(gone.reference, skip=KEEPS_REFERENCE) == []
    assert files_mentioning([enterprise.siren.encode(), enterprise.name.encode()]) == []
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert not any((root / name).exists() for name in build_files)

    stone = Tombstone.objects.get(reference=gone.reference)
    assert stone.final_state == "approved" and len(stone.content_hash) == 64
    assert stone.erased["bundles"] == [bundle.reference]
    # A loan is no de minimis grant: only a granted grant line leaves an aid record (the
    # record itself is tested in test_retention.py).
    assert AidRecord.objects.filter(request_reference=gone.reference).exists() == (
        gone.grant_amount > 0
    )
    bundle.refresh_from_db()
    assert (
        bundle.loan_total,
        bundle.grant_total,
        bundle.cost_total,
        bundle.approved_total,
    ) == totals
    assert BundleTransition.objects.filter(bundle=bundle).count() == history
    assert FundingRequest.objects.filter(pk=kept.pk).exists()
