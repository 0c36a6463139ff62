"""Editing the parts of a request beside its own fields: quotes, de minimis, documents.

Like ``dossiers.requests`` and ``dossiers.plan``: each change locks an editable request,
checks who acts and the version the editor saw, and bumps the version.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dossiers.models import (
    DeMinimisAid,
    DeMinimisDeclaration,
    FundingRequest,
    RemovedDocument,
    SupplierQuote,
    SupportingDocument,
)
from dossiers.uploads import store_upload
from dossiers.workflow import lock_for_edit


@dataclass(frozen=True)
class Quote:
    supplier_name: str
    quote_date: date
    amount_excl_vat: Decimal
    supplier_siret: str = ""
    description: str = ""


@dataclass(frozen=True)
class Aid:
    granting_body: str
    granted_on: date
    amount: Decimal
    regulation: str = ""


def _bump(locked: FundingRequest) -> FundingRequest:
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    return locked


def set_quotes(
    request: FundingRequest, *, actor, quotes: list[Quote], expected_version: int | None = None
) -> FundingRequest:
    """Replace the request's supplier quotes."""
    rows = [SupplierQuote(request=request, **vars(q)) for q in quotes]
    for row in rows:
        row.full_clean(exclude=["request"])
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        locked.quotes.all().delete()
        SupplierQuote.objects.bulk_create(rows)
        return _bump(locked)


def set_de_minimis(
    request: FundingRequest,
    *,
    actor,
    declared_by: str,
    declared_on: date,
    no_aid_received: bool,
    aids: list[Aid],
    expected_version: int | None = None,
) -> FundingRequest:
    """Record the applicant's declaration of de minimis aid received (docs/rules.md#de-minimis)."""
    if no_aid_received and aids:
        raise ValidationError(
            "Vous déclarez n'avoir reçu aucune aide mais en listez : décochez la case "
            "ou retirez les aides."
        )
    created = request.enterprise.creation_date
    problems = []
    for index, aid in enumerate(aids, start=1):
        try:
            DeMinimisAid(**vars(aid)).full_clean(exclude=["declaration"])
        except ValidationError as exc:
            problems += [f"Aide n°{index} ({aid.granting_body}) : {m}" for m in exc.messages]
        if aid.granted_on < created:
            problems.append(
                f"Aide n°{index} ({aid.granting_body}) : datée du {aid.granted_on:%d/%m/%Y}, "
                f"avant la création de l'entreprise le {created:%d/%m/%Y}."
            )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        declaration, _ = DeMinimisDeclaration.objects.update_or_create(
            request=locked,
            defaults={
                "declared_by": declared_by,
                "declared_on": declared_on,
                "no_aid_received": no_aid_received,
            },
        )
        declaration.aids.all().delete()
        DeMinimisAid.objects.bulk_create(
            [DeMinimisAid(declaration=declaration, **vars(aid)) for aid in aids]
        )
        return _bump(locked)


def _refuse_outdated(kind: str, issued_on: date, expires_on: date | None, *, on: date) -> None:
    from dossiers.formatting import format_date
    from dossiers.models import SchemeParameter

    P = SchemeParameter.Key
    if issued_on > on:
        raise ValidationError(
            {"issued_on": f"La date d'émission ({format_date(issued_on)}) est dans le futur."}
        )
    probe = SupportingDocument(kind=kind, issued_on=issued_on, expires_on=expires_on)
    until = probe.valid_until(
        kbis_days=int(SchemeParameter.value_on(P.KBIS_VALIDITY_DAYS, on)),
        bank_letter_days=int(SchemeParameter.value_on(P.BANK_LETTER_VALIDITY_DAYS, on)),
    )
    if until is not None and until < on:
        field = "expires_on" if expires_on is not None and until == expires_on else "issued_on"
        raise ValidationError(
            {
                field: f"{probe.get_kind_display()} émis le {format_date(issued_on)} : "
                f"il n'est plus valable depuis le {format_date(until)}. "
                "Joignez un document plus récent."
            }
        )


def add_document(
    request: FundingRequest,
    *,
    actor,
    kind: str,
    name: str,
    data: bytes | BinaryIO,
    issued_on: date,
    expires_on: date | None = None,
    expected_version: int | None = None,
) -> SupportingDocument:
    """Check and store an uploaded file, and attach it to the request as ``kind``.

    A document already out of date is refused at upload (docs/rules.md#documents-valid-at-upload):
    the applicant hears it while the document is in hand, not weeks later at submission.
    """
    if expires_on is not None and expires_on < issued_on:
        raise ValidationError("La date de fin de validité précède la date d'émission.")
    _refuse_outdated(kind, issued_on, expires_on, on=timezone.localdate())
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        stored = store_upload(name, data, uploaded_by=actor)
        document = SupportingDocument.objects.create(
            request=locked,
            kind=kind,
            stored_file=stored,
            issued_on=issued_on,
            expires_on=expires_on,
        )
        _bump(locked)
    return document


def remove_document(
    request: FundingRequest, *, actor, document_id: int, expected_version: int | None = None
) -> RemovedDocument:
    """Detach a document, keeping it in the request's removed documents (its history, and
    what ``restore_document`` puts back); the stored file stays."""
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        document = locked.documents.filter(pk=document_id).first()
        if document is None:
            raise SupportingDocument.DoesNotExist
        removed = RemovedDocument.objects.create(
            request=locked,
            kind=document.kind,
            stored_file_id=document.stored_file_id,
            issued_on=document.issued_on,
            expires_on=document.expires_on,
            removed_by=actor,
        )
        document.delete()
        _bump(locked)
    return removed


def restore_document(
    request: FundingRequest, *, actor, removed_id: int, expected_version: int | None = None
) -> SupportingDocument:
    """Undo a removal: the document is attached again as it was (the removal stays listed,
    marked as put back). Only while the request is editable, like any change."""
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        removed = (
            locked.removed_documents.select_for_update()
            .filter(pk=removed_id, restored_at__isnull=True)
            .first()
        )
        if removed is None:
            raise RemovedDocument.DoesNotExist
        document = SupportingDocument.objects.create(
            request=locked,
            kind=removed.kind,
            stored_file_id=removed.stored_file_id,
            issued_on=removed.issued_on,
            expires_on=removed.expires_on,
        )
        removed.restored_at = timezone.now()
        removed.save(update_fields=["restored_at"])
        _bump(locked)
    return document
