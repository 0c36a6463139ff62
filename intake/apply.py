"""Confirming an import: apply the previewed snapshot, exactly, once.

``confirm_import(member_import, actor=..., expected_sha256=...)`` refuses a snapshot whose
hash is not the one the person saw, and an enterprise or draft changed since the preview
(preview again). Otherwise, in one transaction, it creates the new enterprises and their
draft requests, updates the changed ones, links each row's e-mail as the enterprise's
representative, and writes an ``ImportedChange`` for each of these facts. Rows in error are
left out; nothing else is half-applied. Confirming again returns the first result: the
snapshot is applied once. The invitations go out afterwards, as a job.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from accounts.models import User
from dossiers.models import Enterprise, FundingRequest, RequestState
from dossiers.models.parameters import read_once
from dossiers.requests import create_requests
from dossiers.workflow import Conflict
from intake.models import ImportedChange, MemberImport
from intake.preview import NEW, UPDATE

BATCH = 1000
A = ImportedChange.Action
TYPED = {"headcount": Decimal, "turnover": Decimal, "balance_sheet": Decimal}


def _quiet(done: int, total: int | None = None) -> None:
    pass


class ImportOutdated(Conflict):
    api_code = "import_outdated"


def _typed(company: dict) -> dict:
    out = {}
    for field, value in company.items():
        if field == "creation_date":
            value = date.fromisoformat(value)
        elif field in TYPED:
            value = TYPED[field](value)
        out[field] = value
    return out


def default_title(campaign) -> str:
    return f"Projet numérique — {campaign.name}"[:200]


def confirm_import(
    member_import: MemberImport, *, actor, expected_sha256: str, progress=_quiet
) -> dict:
    with transaction.atomic():
        imp = (
            MemberImport.objects.select_for_update()
            .select_related("campaign")
            .get(pk=member_import.pk)
        )
        if imp.state == MemberImport.State.APPLIED:
            return imp.result
        if imp.state != MemberImport.State.PREVIEWED:
            raise Conflict("Cet import n'a pas d'aperçu à confirmer.")
        if expected_sha256 != imp.snapshot_sha256:
            raise ImportOutdated(
                "Cet aperçu n'est plus celui de l'import : affichez-le à nouveau puis confirmez."
            )
        total = imp.counts.get(NEW, 0) + imp.counts.get(UPDATE, 0)
        counts = {"enterprises_created": 0, "enterprises_updated": 0, "requests_created": 0,
                  "requests_updated": 0, "representatives_linked": 0}  # fmt: skip
        with read_once(), translation.override("fr"):
            done, batch = 0, []
            for row in imp.iter_rows():
                if row["status"] not in (NEW, UPDATE):
                    continue
                batch.append(row)
                if len(batch) >= BATCH:
                    _apply(imp, batch, actor, counts)
                    done += len(batch)
                    batch = []
                    progress(done, total)
            _apply(imp, batch, actor, counts)
            progress(total, total)
        imp.state = MemberImport.State.APPLIED
        imp.applied_at, imp.applied_by = timezone.now(), actor
        imp.result = counts
        imp.save(update_fields=["state", "applied_at", "applied_by", "result"])
        if counts["representatives_linked"]:
            from intake.tasks import start_invitations

            start_invitations(imp, actor)
    return counts


def _apply(imp: MemberImport, rows: list[dict], actor, counts: dict) -> None:
    if not rows:
        return
    campaign, today, now = imp.campaign, timezone.localdate(), timezone.now()
    changes: dict[int, ImportedChange] = {}  # one history row per sheet row

    def record(row, action, enterprise, request=None, values=None, representative=None):
        change = changes.get(row["row"])
        if change is None:
            change = changes[row["row"]] = ImportedChange(
                member_import=imp, sheet_row=row["row"], action=action, enterprise=enterprise,
                actor=actor, at=now,
            )  # fmt: skip
        change.request = request or change.request
        change.representative = representative or change.representative
        change.values.update(values or {})

    # Enterprises: create the new ones, update the changed ones (if unchanged since preview).
    new_rows = [row for row in rows if row["status"] == NEW]
    created = []
    for row in new_rows:
        company = Enterprise(
            siret=row["siret"], siren=row["siret"][:9], **_typed(row["enterprise"])
        )
        company.derive_fields(on=today)
        created.append(company)
    try:
        with transaction.atomic():
            Enterprise.objects.bulk_create(created)
    except IntegrityError as exc:
        raise ImportOutdated(
            "Une entreprise du fichier a été enregistrée depuis l'aperçu : affichez-le à nouveau."
        ) from exc
    enterprise_of = {row["row"]: company for row, company in zip(new_rows, created, strict=True)}
    for row, company in zip(new_rows, created, strict=True):
        record(
            row,
            A.CREATED,
            company,
            values={k: [None, v] for k, v in row["enterprise"].items()},
        )
    counts["enterprises_created"] += len(created)

    old_rows = [row for row in rows if row["status"] == UPDATE]
    locked = Enterprise.objects.select_for_update().in_bulk([r["enterprise_id"] for r in old_rows])
    changed, fields = [], set()
    for row in old_rows:
        company = locked.get(row["enterprise_id"])
        if company is None or company.version != row["enterprise_version"]:
            raise ImportOutdated(
                f"Ligne {row['row']} : l'entreprise {row['siret']} a été modifiée depuis "
                "l'aperçu. Affichez-le à nouveau."
            )
        enterprise_of[row["row"]] = company
        if row["changes"]:
            for field, value in _typed({k: v[1] for k, v in row["changes"].items()}).items():
                setattr(company, field, value)
                fields.add(field)
            company.derive_fields(on=today)
            company.version += 1
            changed.append(company)
            record(row, A.UPDATED, company, values=row["changes"])
    if changed:
        derived = [
            "naf_section",
            "naf_division",
            "naf_group",
            "naf_class",
            "region",
            "sme_category",
        ]
        Enterprise.objects.bulk_update(changed, [*fields, *derived, "version"])
    counts["enterprises_updated"] += len(changed)

    # Draft requests: create where the campaign has none, update previewed drafts.
    to_create = [row for row in rows if not row.get("request_id")]
    drafts = create_requests(
        [
            FundingRequest(
                campaign=campaign,
                enterprise=enterprise_of[row["row"]],
                created_by=actor,
                project_title=row["request"].get("project_title") or default_title(campaign),
                project_category=row["request"].get("project_category")
                or FundingRequest.ProjectCategory.OTHER,
                project_description=row["request"].get("project_description", ""),
            )
            for row in to_create
        ]
    )
    request_of = {}
    for row, draft in zip(to_create, drafts, strict=True):
        request_of[row["row"]] = draft
        record(row, A.UPDATED, draft.enterprise, draft,
               values={"project_title": [None, draft.project_title]})  # fmt: skip
    counts["requests_created"] += len(drafts)
    to_update = [row for row in rows if row.get("request_id") and row["request_changes"]]
    current = FundingRequest.objects.select_for_update().in_bulk(
        [row["request_id"] for row in rows if row.get("request_id")]
    )
    updated, request_fields = [], set()
    for row in rows:
        if row.get("request_id"):
            request_of[row["row"]] = current.get(row["request_id"])
    for row in to_update:
        draft = current.get(row["request_id"])
        if (
            draft is None
            or draft.version != row["request_version"]
            or draft.state != RequestState.DRAFT
        ):
            raise ImportOutdated(
                f"Ligne {row['row']} : la demande a été modifiée depuis l'aperçu. "
                "Affichez-le à nouveau."
            )
        for field, (_before, after) in row["request_changes"].items():
            setattr(draft, field, after)
            request_fields.add(field)
        draft.version += 1
        updated.append(draft)
        record(row, A.UPDATED, enterprise_of[row["row"]], draft, values=row["request_changes"])
    if updated:
        FundingRequest.objects.bulk_update(updated, [*request_fields, "version", "updated_at"])
    counts["requests_updated"] += len(updated)

    _link_representatives(rows, enterprise_of, request_of, record, counts)
    ImportedChange.objects.bulk_create(changes.values())


def _link_representatives(rows, enterprise_of, request_of, record, counts) -> None:
    wanted = [row for row in rows if row.get("email")]
    if not wanted:
        return
    emails = {row["email"] for row in wanted}
    users = {
        u.email.lower(): u
        for u in User.objects.filter(Q(email__in=emails) | Q(username__in=emails))
    }
    missing = []
    for row in wanted:
        if row["email"] not in users:
            user = User(
                username=row["email"], email=row["email"], first_name=row["first_name"][:150],
                last_name=row["last_name"][:150], role=User.Role.SME_REPRESENTATIVE,
                is_active=False, language="fr",
            )  # fmt: skip
            user.set_unusable_password()
            users[row["email"]] = user
            missing.append(user)
    if missing:
        User.objects.bulk_create(missing)
    for user in users.values():
        if not user.is_sme_representative or user.is_staff:
            raise ImportOutdated(
                f"{user.email} est devenu un compte de fédération ou de financeur."
            )
    Link = Enterprise.representatives.through
    pairs = {(enterprise_of[row["row"]].pk, users[row["email"]].pk): row for row in wanted}
    existing = set(
        Link.objects.filter(
            enterprise_id__in={e for e, _u in pairs}, user_id__in={u for _e, u in pairs}
        ).values_list("enterprise_id", "user_id")
    )
    new = [(e, u, row) for (e, u), row in pairs.items() if (e, u) not in existing]
    Link.objects.bulk_create([Link(enterprise_id=e, user_id=u) for e, u, _row in new])
    for _e, _u, row in new:
        record(row, A.UPDATED, enterprise_of[row["row"]], request_of.get(row["row"]),
               values={"representative": [None, row["email"]]},
               representative=users[row["email"]])  # fmt: skip
    counts["representatives_linked"] += len(new)
