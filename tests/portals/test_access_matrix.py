"""Every portals page, as every role: who gets the page, a login redirect, or a 404.

The table below is the access policy. Each URL of the listed namespaces must have a row:
a new page without one fails ``test_every_portal_url_has_a_matrix_row``. To add a page,
add a row; if its URL takes a new parameter, give the parameter a value in ``url_kwargs``.
Each role's request runs in a savepoint that is rolled back, so a POST that changes
something (removing a document) does not change what the next role sees.
"""

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dossiers.models import RemovedDocument
from tests.portals.conftest import ROLES, World, submitted_bundle

OK = 200
LOGIN = "login"  # 302 to the login page
MOVED = "moved"  # 302 somewhere else than the login page
NF = 404
NA = 405

# Namespaces whose every URL must appear below: the portals' pages, and the downloads of a
# bundle's built documents (they hold every member's figures and supporting documents).
COVERED_NAMESPACES = ("portals", "exports")


@dataclass(frozen=True)
class Access:
    expected: tuple
    method: str = "get"
    data: dict = field(default_factory=dict)
    # What the ``reference`` parameter names: the world's request (returned to its SME for
    # changes), the collective file ("bundle", for the exports' downloads) or a request
    # sent to the funder in it ("bundle_request").
    on: str = "request"


def get(*expected, on: str = "request") -> Access:
    return Access(expected, on=on)


def post(data: dict, *expected) -> Access:
    return Access(expected, "post", data)


EVERYONE_OK = get(OK, OK, OK, OK, OK, OK, OK, OK, OK)
SME_ONLY = get(LOGIN, OK, OK, NF, NF, NF, NF, NF, NF)
APPLICANTS = get(LOGIN, OK, NF, OK, OK, NF, NF, NF, OK)  # the SME, its federation, staff
REVIEWERS = get(LOGIN, NF, NF, OK, OK, NF, NF, NF, OK)  # this request's federation, staff
FEDERATIONS = get(LOGIN, NF, NF, OK, OK, OK, NF, NF, OK)  # any federation (its own data), staff
# The bundle's funder only (sent to it); another bank, the federation, staff: 404.
THE_FUNDER = get(LOGIN, NF, NF, NF, NF, NF, OK, NF, NF)
# Who works on the bundle: its federation, its funder, staff. The member SME sees the
# bundle on its request page but not the documents of the other members.
WORKS_ON_BUNDLE = get(LOGIN, NF, NF, OK, OK, NF, OK, NF, OK, on="bundle")

MATRIX: dict[str, Access] = {
    #                               anon   owner  o_sme  officer manager o_fed funder o_fund staff
    "portals:home":             get(LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "portals:login":            get(OK,    MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "portals:logout":           post({}, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN,
                                     LOGIN),
    "portals:password_reset": EVERYONE_OK,
    "portals:password_reset_done": EVERYONE_OK,
    "portals:password_reset_confirm": EVERYONE_OK,  # an invalid link: a page saying so
    "portals:password_reset_complete": EVERYONE_OK,
    "portals:invitation_accept": EVERYONE_OK,
    "portals:request_list": SME_ONLY,
    "portals:request_create": SME_ONLY,
    "portals:enterprise_edit":  get(LOGIN, OK,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    "portals:request_detail":   get(LOGIN, OK,    NF,    MOVED, MOVED, NF,    NF,    NF,    MOVED),
    "portals:project_edit": APPLICANTS,
    "portals:plan_edit": APPLICANTS,
    "portals:quotes_edit": APPLICANTS,
    "portals:de_minimis_edit": APPLICANTS,
    "portals:documents": APPLICANTS,
    "portals:document_download": APPLICANTS,
    "portals:document_delete":  post({}, LOGIN, MOVED, NF, MOVED, MOVED, NF, NF, NF, MOVED),
    "portals:document_restore": post({}, LOGIN, MOVED, NF, MOVED, MOVED, NF, NF, NF, MOVED),
    # A stale expected_state: the page comes back with a conflict message, nothing done.
    "portals:transition":       post({"transition": "mark_eligible", "expected_state": "draft"},
                                     LOGIN, OK, NF, OK, OK, NF, NF, NF, OK),
    "portals:thread": APPLICANTS,
    "portals:receipt": APPLICANTS,
    "portals:federation_requests": FEDERATIONS,
    "portals:export_csv": FEDERATIONS,
    "portals:export_xlsx": FEDERATIONS,
    "portals:prefill": FEDERATIONS,
    # Nothing ticked: back to the list. A request of another federation is "introuvable".
    "portals:federation_bulk_start_review": post(
        {}, LOGIN, NF, NF, MOVED, MOVED, MOVED, NF, NF, MOVED
    ),
    "portals:review": REVIEWERS,
    "portals:invite": REVIEWERS,
    "portals:campaigns": FEDERATIONS,
    "portals:campaign_dashboard": REVIEWERS,
    # --- Member imports (the campaign's federation, staff) --------------------------------
    "portals:import_upload": REVIEWERS,
    "portals:import_detail": REVIEWERS,
    # A hash that is not the preview's: sent back to the import's page with a message.
    "portals:import_confirm":   post({"sha256": "stale"}, LOGIN, NF, NF, MOVED, MOVED, NF, NF, NF,
                                     MOVED),
    "portals:import_errors": REVIEWERS,
    # Columns read again: a new preview is queued and its page shown (302).
    "portals:import_columns":   post({}, LOGIN, NF, NF, MOVED, MOVED, NF, NF, NF, MOVED),
    # --- Grouping and collective files (the campaign's federation, staff) ---------------
    "portals:grouping": REVIEWERS,
    # The campaign has no rules yet: the preview says so (200), the run sends back (302).
    "portals:grouping_preview": post({}, LOGIN, NF, NF, OK, OK, NF, NF, NF, OK),
    "portals:grouping_run":     post({}, LOGIN, NF, NF, MOVED, MOVED, NF, NF, NF, MOVED),
    "portals:bundle": REVIEWERS,
    # A stale expected_state: the page comes back with a conflict message, nothing done.
    "portals:bundle_action":    post({"action": "seal", "expected_state": "draft"},
                                     LOGIN, NF, NF, OK, OK, NF, NF, NF, OK),
    # The bundle is submitted: its members no longer change (a conflict message, 200).
    "portals:member_withdraw":  post({}, LOGIN, NF, NF, OK, OK, NF, NF, NF, OK),
    # --- Aids: the catalogue (anyone signed in), a campaign's routing (its federation) ---
    "portals:aid_catalogue":    get(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "portals:campaign_aids_run": post({}, LOGIN, NF, NF, MOVED, MOVED, NF, NF, NF, MOVED),
    # --- Cost references: federations, funders and staff read them ----------------------
    "portals:cost_references":  get(LOGIN, NF,    NF,    OK,    OK,    OK,    OK,    OK,    OK),
    "portals:cost_references_csv": get(LOGIN, NF, NF,    OK,    OK,    OK,    OK,    OK,    OK),
    "portals:cost_references_xlsx": get(LOGIN, NF, NF,   OK,    OK,    OK,    OK,    OK,    OK),
    "portals:providers":        get(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # The world's request is not approved: nobody testifies about it (404 for everyone).
    "portals:guide":            get(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "portals:testimonial":      get(LOGIN, NF,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    # --- Deadlines: each federation and funder sees the expiries of what it may see -------
    "portals:deadlines":        get(LOGIN, NF,    NF,    OK,    OK,    OK,    OK,    OK,    OK),
    # --- Funder space -------------------------------------------------------------------
    "portals:funder_home":      get(LOGIN, NF,    NF,    NF,    NF,    NF,    OK,    OK,    NF),
    "portals:funder_bundle": THE_FUNDER,
    "portals:funder_decision": THE_FUNDER,
    "portals:funder_request":   get(LOGIN, NF,    NF,    NF,    NF,    NF,    OK,    NF,    NF,
                                    on="bundle_request"),
    # --- A bundle's built documents -------------------------------------------------------
    "exports:bundle_package": WORKS_ON_BUNDLE,
    "exports:bundle_dossier": WORKS_ON_BUNDLE,
    "exports:bundle_annex": WORKS_ON_BUNDLE,
}  # fmt: skip

BUNDLE_PARAMS = {"bundle", "member_id"}


def url_kwargs(world: World, params: list[str], on: str = "request") -> dict[str, object]:
    """A value for every URL parameter name the covered pages use. The collective file is
    built only for the pages that need it (it takes a documents build)."""
    values: dict[str, object] = {
        "reference": world.request.reference,
        "document_id": world.document.pk,
        "campaign": world.request.campaign.reference,
        "uidb64": "MQ",
        "token": "not-a-valid-token",
        "pk": world.request.enterprise_id,
        "project_type": "online_shop",
    }
    if "removed_id" in params:
        values["removed_id"] = RemovedDocument.objects.create(
            request=world.request,
            kind=world.document.kind,
            stored_file=world.document.stored_file,
            issued_on=world.document.issued_on,
        ).pk
    if BUNDLE_PARAMS & set(params) or on != "request":
        bundle = submitted_bundle(world)
        member = bundle.members.order_by("request__reference").first()
        values.update(bundle=bundle.reference, member_id=member.pk)
        values["reference"] = {
            "request": world.request.reference,
            "bundle": bundle.reference,
            "bundle_request": member.request.reference,
        }[on]
    if "import_id" in params:
        values["import_id"] = _member_import(world).pk
    return {param: values[param] for param in params}


def _member_import(world: World):
    """A previewed import of the world's campaign (one SME row, read from a CSV)."""
    from intake.preview import preview_import
    from intake.services import receive_sheet
    from tests.intake.sheets import siret

    sheet = f"SIRET;Raison sociale\n{siret(99)};Atelier Test\n".encode()
    member_import = receive_sheet(
        campaign=world.request.campaign, name="adherents.csv", data=sheet, actor=None
    )
    return preview_import(member_import)


def _names(patterns, namespace: str | None) -> list[tuple[str, list[str]]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if entry.namespace and namespace:
                inner = f"{namespace}:{entry.namespace}"
            found += _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and namespace:
            found.append((f"{namespace}:{entry.name}", list(entry.pattern.converters)))
    return found


def covered_urls() -> dict[str, list[str]]:
    return {
        name: params
        for name, params in _names(get_resolver().url_patterns, None)
        if name.split(":")[0] in COVERED_NAMESPACES
    }


def test_every_portal_url_has_a_matrix_row():
    urls = covered_urls()
    assert sorted(set(urls) - set(MATRIX)) == [], "pages without an access-matrix row"
    assert sorted(set(MATRIX) - set(urls)) == [], "matrix rows for pages that do not exist"
    assert all(len(access.expected) == len(ROLES) for access in MATRIX.values())


def close_file(response) -> None:
    """Read a streamed file to its end: the test client then closes it as a server would
    (response.close() alone would also fire request_finished, whose connection clean-up
    ends a PostgreSQL test transaction)."""
    if response.streaming:
        b"".join(response.streaming_content)


def _outcome(response) -> object:
    if response.status_code == 302:
        login = reverse("portals:login")
        return LOGIN if response.url.split("?")[0] == login else MOVED
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(world, name):
    access = MATRIX[name]
    url = reverse(name, kwargs=url_kwargs(world, covered_urls()[name], access.on))
    outcomes = {}
    for role in ROLES:
        client = world.client(role)
        with transaction.atomic():
            response = getattr(client, access.method)(url, access.data)
            transaction.set_rollback(True)
        close_file(response)
        outcomes[role] = _outcome(response)
    assert outcomes == dict(zip(ROLES, access.expected, strict=True))
