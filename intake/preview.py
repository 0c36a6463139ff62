"""The dry run: read the sheet, check every row, say what confirming would do.

``preview_import(member_import, progress=...)`` reads the file, finds the header row,
parses each row (``intake.values``), compares it with what Grappe already holds (by SIRET,
in batches) and stores the snapshot: one entry per row, ``new``, ``update``,
``unchanged`` or ``error`` with the sheet row, the column and the reason of each error.
Nothing but the import's own row is written.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from accounts.models import User
from dossiers.enterprises import ASSESSED
from dossiers.models import Enterprise, FundingRequest, RequestState
from intake import columns, values
from intake.models import ColumnMapping, MemberImport, SnapshotWriter
from intake.reading import UnreadableFile, read_table

BATCH = 2000
NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"

ENTERPRISE_FIELDS = (
    "name", "legal_form", "creation_date", "naf_code", "departement", "postal_code", "city",
    "address", "headcount", "turnover", "balance_sheet",
)  # fmt: skip
REQUEST_FIELDS = ("project_title", "project_category", "project_description")
PARSERS: dict[str, Callable] = {
    "siret": values.siret,
    "naf_code": values.naf,
    "creation_date": values.a_date,
    "headcount": values.decimal,
    "turnover": values.amount,
    "balance_sheet": values.amount,
    "email": values.email,
}
LEGAL_FORMS = {columns.normalise(c.value): c.value for c in Enterprise.LegalForm} | {
    columns.normalise(c.label): c.value for c in Enterprise.LegalForm
} | {"entreprise individuelle": "EI", "ei": "EI", "micro entreprise": "EI",
     "auto entrepreneur": "EI", "ae": "EI", "autre": "OTHER", "other": "OTHER"}  # fmt: skip
CATEGORIES = {columns.normalise(c.value): c.value for c in FundingRequest.ProjectCategory} | {
    columns.normalise(c.label): c.value for c in FundingRequest.ProjectCategory
} | {"site": "website", "site web": "website", "e commerce": "online_shop",
     "formation": "training", "autre": "other"}  # fmt: skip


class Progress:
    def __call__(self, done: int, total: int | None = None) -> None: ...


def _quiet(done: int, total: int | None = None) -> None:
    pass


def departement_from_postal_code(code: str) -> str:
    """75001 → 75, 97411 → 974, 20000 → 2A, 20200 → 2B (docs/rules.md#import-values)."""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code[:3] in ("200", "201") else "2B"
    return code[:2]


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- one row -----------------------------------------------------------------------------
class _Row:
    def __init__(self, number: int):
        self.number = number
        self.fields: dict = {}
        self.errors: list[dict] = []

    def fail(self, field: str, column: int | None, header: str, reason: str) -> None:
        self.errors.append(
            {
                "field": field,
                "column": get_column_letter(column + 1) if column is not None else "",
                "header": header,
                "reason": str(reason),
            }
        )


def _parse_row(number, cells, mapping, headers, epoch) -> _Row:
    row = _Row(number)
    for index, field in mapping.items():
        raw = cells[index] if index < len(cells) else None
        if values.is_blank(raw):
            continue
        try:
            if field == "creation_date":
                value = values.a_date(raw, epoch)
            elif field in PARSERS:
                value = PARSERS[field](raw)
            else:
                value = values.text(raw)
            if field == "legal_form":
                value = LEGAL_FORMS.get(columns.normalise(value)) or _unknown(value, "forme")
            elif field == "project_category":
                value = CATEGORIES.get(columns.normalise(value)) or _unknown(value, "catégorie")
            elif field == "departement" and value.isdigit() and len(value) == 1:
                value = "0" + value  # « 1 » typed as a number for the Ain
            elif field == "postal_code" and value.isdigit() and len(value) == 4:
                value = "0" + value  # 1000 typed as a number for 01000
        except values.BadValue as exc:
            row.fail(field, index, headers[index], exc)
            continue
        row.fields[field] = value
    if "siret" not in row.fields and not any(e["field"] == "siret" for e in row.errors):
        column = next(i for i, f in mapping.items() if f == "siret")
        row.fail("siret", column, headers[column], "SIRET manquant")
    if "departement" not in row.fields and row.fields.get("postal_code"):
        row.fields["departement"] = departement_from_postal_code(row.fields["postal_code"])
    return row


def _unknown(value, what):
    raise values.BadValue(f"« {value} » : {what} inconnue")


def _is_blank(cells) -> bool:
    return all(values.is_blank(v) for v in cells)


def _is_totals(cells, mapping) -> bool:
    """A « Total » / « TOTAL GÉNÉRAL » line without a SIRET closes the list, it is no member."""
    first = next((v for v in cells if not values.is_blank(v)), None)
    if not isinstance(first, str) or not columns.normalise(first).startswith("total"):
        return False
    siret_column = next(i for i, f in mapping.items() if f == "siret")
    siret = cells[siret_column] if siret_column < len(cells) else None
    return values.is_blank(siret) or siret is first


# --- against the database ---------------------------------------------------------------
def _compare(batch: list[_Row], campaign, federation_id) -> list[dict]:
    sirets = [r.fields["siret"] for r in batch if not r.errors]
    existing = {e.siret: e for e in Enterprise.objects.filter(siret__in=sirets)}
    ids = [e.pk for e in existing.values()]
    ours, assessed, drafts = set(), {}, {}
    for fr in FundingRequest.objects.filter(enterprise_id__in=ids).only(
        "id", "enterprise_id", "campaign_id", "campaign__federation_id", "state", "reference",
        "version", *REQUEST_FIELDS,
    ).select_related("campaign"):  # fmt: skip
        if fr.campaign.federation_id == federation_id:
            ours.add(fr.enterprise_id)
        if fr.state in ASSESSED:
            assessed.setdefault(fr.enterprise_id, fr.reference)
        if fr.campaign_id == campaign.pk:
            drafts[fr.enterprise_id] = fr
    emails = {r.fields["email"] for r in batch if r.fields.get("email")}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)} if emails else {}
    links = set(
        Enterprise.representatives.through.objects.filter(enterprise_id__in=ids).values_list(
            "enterprise_id", "user_id"
        )
    )
    return [_entry(r, existing, ours, assessed, drafts, users, links) for r in batch]


# What a new enterprise needs (the model's fields without a default nor blank=True).
ENTERPRISE_REQUIRED = [
    f.name
    for f in Enterprise._meta.fields
    if f.name in ENTERPRISE_FIELDS and not f.blank and not f.has_default()
]


def _enterprise_problems(company: dict, *, required: bool):
    """The model's own field checks (length, validators: département, amounts, headcount),
    run on the sheet's values only: ``full_clean`` per row would cost more than the read."""
    if required:
        for name in ENTERPRISE_REQUIRED:
            if values.is_blank(company.get(name)):
                yield name, "valeur manquante"
    for name, value in company.items():
        if name == "naf_code" or values.is_blank(value):
            continue  # the NAF parser already checked it against the nomenclature
        field = Enterprise._meta.get_field(name)
        try:
            if getattr(field, "max_length", None) and len(str(value)) > field.max_length:
                raise ValidationError(f"{field.max_length} caractères au plus")
            if field.choices and value not in dict(field.choices):
                raise ValidationError(f"« {value} » n'est pas une valeur permise")
            field.run_validators(value)
        except ValidationError as exc:
            yield name, " ".join(exc.messages)


def _entry(row: _Row, existing, ours, assessed, drafts, users, links) -> dict:
    fields = row.fields
    entry = {"row": row.number, "siret": fields.get("siret", ""), "errors": row.errors}
    if row.errors:
        entry["status"] = ERROR
        return entry
    email = fields.get("email", "")
    user = users.get(email) if email else None
    if user is not None and (not user.is_sme_representative or user.is_staff):
        row.fail("email", None, "", f"{email} : adresse d'un compte de fédération ou de financeur")
    enterprise = existing.get(fields["siret"])
    company = {f: fields[f] for f in ENTERPRISE_FIELDS if f in fields}
    project = {f: fields[f] for f in REQUEST_FIELDS if f in fields}
    changes, request_changes = {}, {}
    if enterprise is None:
        for field, reason in _enterprise_problems(company, required=True):
            row.fail(field, None, str(columns.FIELDS.get(field, field)), reason)
        status = NEW
    elif enterprise.pk not in ours:
        row.fail(
            "siret", None, "SIRET",
            "entreprise déjà inscrite dans Grappe par ailleurs : son représentant doit créer "
            "la demande lui-même ou vous y inviter",
        )  # fmt: skip
        status = ERROR
    else:
        for field, value in company.items():
            if getattr(enterprise, field) != value:
                changes[field] = [_json(getattr(enterprise, field)), _json(value)]
        if changes and enterprise.pk in assessed:
            row.fail(
                next(iter(changes)), None, "",
                f"la demande {assessed[enterprise.pk]} est examinée sur les informations "
                "actuelles de l'entreprise : elles ne peuvent pas être modifiées",
            )  # fmt: skip
        if changes:
            changed = {field: company[field] for field in changes}
            for field, reason in _enterprise_problems(changed, required=False):
                row.fail(field, None, str(columns.FIELDS.get(field, field)), reason)
        draft = drafts.get(enterprise.pk)
        if draft is not None and draft.state == RequestState.DRAFT:
            for field, value in project.items():
                if getattr(draft, field) != value:
                    request_changes[field] = [getattr(draft, field), value]
        entry.update(enterprise_id=enterprise.pk, enterprise_version=enterprise.version)
        if draft is not None:
            entry.update(request_id=draft.pk, request_version=draft.version)
        linked = user is not None and (enterprise.pk, user.pk) in links
        to_do = changes or request_changes or draft is None or (email and not linked)
        status = UPDATE if to_do else UNCHANGED
    if row.errors:
        entry.update(status=ERROR, errors=row.errors)
        return entry
    entry.update(
        status=status,
        enterprise={k: _json(v) for k, v in company.items()},
        request=project,
        email=email,
        first_name=fields.get("first_name", ""),
        last_name=fields.get("last_name", ""),
        changes=changes,
        request_changes=request_changes,
    )
    return entry


# --- the whole sheet ---------------------------------------------------------------------
def _find_header(rows, saved):
    for number, cells in rows:
        mapping = columns.map_headers(cells, saved)
        if columns.is_header(mapping):
            return number, cells, mapping
        if number >= columns.HEADER_SEARCH_ROWS:
            break
    raise UnreadableFile(
        "Aucune ligne d'en-tête trouvée dans les 30 premières lignes : il faut au moins une "
        "colonne « SIRET » et une colonne « Raison sociale » (ou leurs équivalents)."
    )


def preview_import(member_import: MemberImport, *, progress=_quiet) -> MemberImport:
    campaign = member_import.campaign
    federation_id = campaign.federation_id
    saved = (
        ColumnMapping.objects.filter(federation_id=federation_id)
        .values_list("headers", flat=True)
        .first()
    )
    path = member_import.stored_file.file.path
    try:
        table = read_table(path, member_import.stored_file.original_name)
        rows = iter(table.rows)
        header_row, header_cells, mapping = _find_header(rows, saved)
        missing = [f for f in columns.REQUIRED if f not in mapping.values()]
        if missing:
            raise UnreadableFile(
                "Colonnes obligatoires absentes : "
                + ", ".join(str(columns.FIELDS[f]) for f in missing)
            )
        headers = [values.text(h) if h is not None else "" for h in header_cells]
        snapshot = SnapshotWriter()
        counts = {s: 0 for s in (NEW, UPDATE, UNCHANGED, ERROR)}
        column_of = {f: i for i, f in mapping.items()}

        def flush(batch):
            for entry in _compare(batch, campaign, federation_id):
                _fill_columns(entry, column_of, headers)
                counts[entry["status"]] += 1
                snapshot.write(entry)

        batch, seen, done = [], {}, 0
        for number, cells in rows:
            if _is_blank(cells) or _is_totals(cells, mapping):
                continue
            row = _parse_row(number, cells, mapping, headers, table.epoch)
            siret = row.fields.get("siret")
            if siret and siret in seen:
                column = column_of["siret"]
                row.fail(
                    "siret", column, headers[column], f"SIRET déjà présent ligne {seen[siret]}"
                )
            elif siret:
                seen[siret] = number
            batch.append(row)
            if len(batch) >= BATCH:
                flush(batch)
                done += len(batch)
                batch = []
                progress(done)
        flush(batch)
        done += len(batch)
    except UnreadableFile as exc:
        member_import.state = MemberImport.State.FAILED
        member_import.error = str(exc)
        member_import.save(update_fields=["state", "error"])
        return member_import
    packed, digest = snapshot.close()
    with transaction.atomic():
        member_import.state = MemberImport.State.PREVIEWED
        member_import.header_row = header_row
        member_import.columns = [
            {"column": get_column_letter(i + 1), "header": headers[i], "field": f}
            for i, f in sorted(mapping.items())
        ]
        member_import.counts = counts
        member_import.snapshot, member_import.snapshot_sha256 = packed, digest
        member_import.previewed_at = timezone.now()
        member_import.error = ""
        member_import.save()
    progress(done, done)
    return member_import


def _fill_columns(entry, column_of, headers) -> None:
    """Errors found against the database name their field: give them its column too."""
    for error in entry["errors"]:
        if not error["column"] and error["field"] in column_of:
            index = column_of[error["field"]]
            error["column"], error["header"] = get_column_letter(index + 1), headers[index]
