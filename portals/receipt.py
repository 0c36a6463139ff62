"""The deposit receipt's snapshot, built from a submitted request (for exports.pdf_receipt)."""

from decimal import Decimal

from django.utils import timezone, translation

from dossiers.models import FundingRequest
from exports.snapshot import ReceiptSnapshot, SupportingDocument

CENT = Decimal("0.01")


def receipt_snapshot(funding_request: FundingRequest) -> ReceiptSnapshot:
    """What the receipt of ``funding_request`` shows, as of its last submission.

    The receipt is a French document whatever the reader's language: labels are French.
    """
    with translation.override("fr"):
        return _snapshot(funding_request)


def _snapshot(funding_request: FundingRequest) -> ReceiptSnapshot:
    campaign = funding_request.campaign
    enterprise = funding_request.enterprise
    declaration = getattr(funding_request, "de_minimis", None)
    submitted_at = funding_request.submitted_at
    documents = tuple(
        SupportingDocument(
            kind=str(document.get_kind_display()),
            filename=document.stored_file.original_name,
            sha256=document.stored_file.sha256,
            size=document.stored_file.size,
            issued_on=document.issued_on,
            expires_on=document.expires_on,
        )
        for document in funding_request.documents.select_related("stored_file")
    )
    return ReceiptSnapshot(
        request_reference=funding_request.reference,
        submitted_at=submitted_at,
        company_name=enterprise.name,
        siren=enterprise.siren,
        siret=enterprise.siret,
        campaign_name=campaign.name,
        lead_partner_name=campaign.federation.name,
        funder_name=", ".join(f.name for f in campaign.funders.all()),
        programme=campaign.programme,
        project_category=str(funding_request.get_project_category_display()),
        project_description=funding_request.project_description or funding_request.project_title,
        total_cost=funding_request.total_cost.quantize(CENT),
        grant=funding_request.grant_amount.quantize(CENT),
        loan=funding_request.loan_amount.quantize(CENT),
        own_funds=funding_request.own_funds.quantize(CENT),
        de_minimis_declared_on=(
            declaration.declared_on if declaration else timezone.localdate(submitted_at)
        ),
        mandate_signed_on=funding_request.mandate_signed_on,
        documents=documents,
        contact_email=campaign.federation.email,
    )
