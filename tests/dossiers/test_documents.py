"""The supporting documents a lender expects, complete and in date.

See docs/rules.md#lender-documents and docs/rules.md#collective-integrity.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.formatting import format_date
from dossiers.models import Enterprise, SupportingDocument
from tests.factories import EnterpriseFactory, add_document, make_request

pytestmark = pytest.mark.django_db


def submit_problems(request) -> list[str]:
    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "submit", actor=None)
    return caught.value.problems


def date_kbis(request, issued_on: date) -> None:
    SupportingDocument.objects.filter(request=request, kind="kbis").update(issued_on=issued_on)


def test_a_kbis_of_exactly_90_days_is_still_valid():
    request = make_request()
    date_kbis(request, timezone.localdate() - timedelta(days=90))

    assert workflow.perform(request, "submit", actor=None).state == "submitted"


def test_it_refuses_a_kbis_older_than_90_days():
    request = make_request()
    issued = timezone.localdate() - timedelta(days=91)
    date_kbis(request, issued)

    assert submit_problems(request) == [
        f"Extrait Kbis (kbis.pdf) périmé depuis le {format_date(issued + timedelta(days=90))}."
    ]


def test_it_refuses_a_document_past_its_expiry_date():
    request = make_request()
    yesterday = timezone.localdate() - timedelta(days=1)
    add_document(request, "tax_certificate", expires_on=yesterday)

    assert submit_problems(request) == [
        "Attestation de régularité fiscale (tax_certificate.pdf) périmé depuis le "
        f"{format_date(yesterday)}."
    ]


def test_it_refuses_a_bank_letter_older_than_six_months():
    request = make_request()
    add_document(request, "bank_letter", issued_on=timezone.localdate() - timedelta(days=181))

    [problem] = submit_problems(request)
    assert problem.startswith("Lettre d'accord bancaire (bank_letter.pdf) périmé depuis le ")


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("kbis", "Extrait Kbis"),
        ("manager_id", "Pièce d'identité du dirigeant"),
        ("rib", "RIB au nom de l'entreprise"),
        ("statutes", "Statuts"),
        ("tax_return", "Liasse fiscale"),
    ],
)
def test_it_refuses_a_missing_document(kind, label):
    request = make_request()
    request.documents.filter(kind=kind).delete()

    assert submit_problems(request) == [f"Pièce manquante : {label}."]


def test_a_sole_trader_has_no_statutes_to_give():
    enterprise = EnterpriseFactory(legal_form=Enterprise.LegalForm.EI)
    request = make_request(enterprise=enterprise)

    assert not request.documents.filter(kind="statutes").exists()
    assert workflow.perform(request, "submit", actor=None).state == "submitted"


def test_a_young_firm_gives_a_forecast_instead_of_tax_returns():
    young = EnterpriseFactory(creation_date=timezone.localdate() - timedelta(days=300))
    request = make_request(enterprise=young)

    assert set(request.documents.values_list("kind", flat=True)) >= {"forecast"}
    assert workflow.perform(request, "submit", actor=None).state == "submitted"

    request = make_request(enterprise=EnterpriseFactory(creation_date=young.creation_date))
    request.documents.filter(kind="forecast").delete()
    assert submit_problems(request) == ["Pièce manquante : Prévisionnel (entreprise jeune)."]


def test_it_needs_at_least_one_supplier_quote():
    request = make_request()
    request.quotes.all().delete()

    assert submit_problems(request) == ["Au moins un devis fournisseur est nécessaire."]
