from dossiers.models.campaign import Campaign
from dossiers.models.documents import RemovedDocument, StoredFile, SupportingDocument
from dossiers.models.enterprise import Enterprise, RelatedEnterprise
from dossiers.models.funding_request import (
    DeMinimisAid,
    DeMinimisDeclaration,
    FinancingLine,
    FundingRequest,
    RequestState,
    RequestTransition,
    SupplierQuote,
)
from dossiers.models.messages import RequestMessage
from dossiers.models.parameters import MissingParameter, SchemeParameter

__all__ = [
    "Campaign",
    "DeMinimisAid",
    "DeMinimisDeclaration",
    "Enterprise",
    "FinancingLine",
    "FundingRequest",
    "MissingParameter",
    "RelatedEnterprise",
    "RequestMessage",
    "RequestState",
    "RequestTransition",
    "SchemeParameter",
    "StoredFile",
    "SupplierQuote",
    "SupportingDocument",
    "RemovedDocument",
]
