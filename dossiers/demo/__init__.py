"""Demo data, and the generic builders the test factories share with it.

``load_demo`` creates three federations, three funders, a campaign per federation, a few
hundred SMEs across trades and territories and one funding request each, spread over every
state (``world``, from the plain data in ``catalogue``). Everything goes through the
application's own services (``create_request``, ``set_financing_plan``,
``workflow.perform``), so each history row is one the workflow wrote and each request
passed the guards its state implies. It is idempotent: when the demo campaigns exist, it
adds nothing and returns zero counts. Requests go no further than eligible here: the
collective files (``demo.collective``, run after this by ``manage.py load_demo``) group,
send and decide them through the bundles' own services.
"""

from django.db import transaction

from accounts.models import Organisation, User
from dossiers.demo import catalogue as data
from dossiers.demo.builders import (
    PATHS,
    advance,
    complete_request,
    default_arguments,
    required_document_kinds,
    tiny_pdf,
    upload_document,
    valid_siren,
    valid_siret,
)
from dossiers.demo.world import DemoWorld
from dossiers.models import (
    Campaign,
    DeMinimisAid,
    Enterprise,
    FundingRequest,
    RequestTransition,
    SupportingDocument,
)

__all__ = [
    "PATHS",
    "advance",
    "complete_request",
    "default_arguments",
    "demo_logins",
    "is_loaded",
    "load_demo",
    "required_document_kinds",
    "tiny_pdf",
    "upload_document",
    "valid_siren",
    "valid_siret",
]

COUNTED = ("organisations", "users", "campaigns", "enterprises", "requests", "transitions",
           "documents", "de_minimis_aids")  # fmt: skip


def is_loaded() -> bool:
    references = [f.campaign_reference for f in data.FEDERATIONS]
    return Campaign.objects.filter(reference__in=references).exists()


def load_demo(smes: int = 300, seed: int = 2026) -> dict[str, int]:
    """Load the demo (``smes`` enterprises, one request each); return what was created."""
    if is_loaded():
        return dict.fromkeys(COUNTED, 0)
    before = _count()
    with transaction.atomic():
        DemoWorld(smes=smes, seed=seed).build()
    after = _count()
    return {key: after[key] - before[key] for key in COUNTED}


def _count() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "campaigns": Campaign.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "requests": FundingRequest.objects.count(),
        "transitions": RequestTransition.objects.count(),
        "documents": SupportingDocument.objects.count(),
        "de_minimis_aids": DeMinimisAid.objects.count(),
    }


def demo_logins() -> list[tuple[str, str]]:
    """(username, what it shows) of every demo login; all share ``DEMO_PASSWORD``."""
    logins = [("admin", "superutilisateur, administration /admin/")]
    for fed in data.FEDERATIONS:
        logins.append((fed.officer, f"chargé·e de dossiers — {fed.name}"))
        logins.append((fed.manager, f"responsable — {fed.name}"))
    for funder in data.FUNDERS:
        logins.append((funder.officer, f"analyste — {funder.name}"))
    logins.append(("sme", "représentante de deux entreprises"))
    return logins
