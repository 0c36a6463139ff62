from dossiers.models.campaign import Campaign
from dossiers.models.documents import RemovedDocument, StoredFile, SupportingDocument
from dossiers.models.enterprise import Enterprise, EnterpriseYear, RelatedEnterprise
from dossiers.models.funding_request import (
    DeMinimisAid,
    DeMinimisDeclaration,
    FinancingLine,
    FundingRequest,
    Instrument,
    RequestState,
    RequestTransition,
    SupplierQuote,
)
from dossiers.models.invitation import Invitation
from dossiers.models.messages import RequestMessage
from dossiers.models.parameters import MissingParameter, SchemeParameter
from dossiers.models.purged import PurgedDraft

__all__ = [
    "Campaign",
    "DeMinimisAid",
    "DeMinimisDeclaration",
    "Enterprise",
    "EnterpriseYear",
    "FinancingLine",
    "FundingRequest",
    "Instrument",
    "Invitation",
    "MissingParameter",
    "PurgedDraft",
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
