"""Who may trigger a transition on a funding request.

Each function takes the request and the user, as django-fsm-2's ``permission=`` expects.
A ``None`` user is the system itself (a task, the grouping service), which is trusted;
the workflow service checks these for every human actor.
"""

from django.apps import apps
from django.db.models import OuterRef

# The collective states in which a funder holds what was sent to it (grouping's SENT).
RECEIVED_STATES = ("submitted", "decided", "closed")
# The request states in which a line of it can be at a funder. A reopened (back in review)
# or withdrawn request ends the funders' access to it (and to what is added afterwards).
LINE_AT_FUNDER_STATES = ("eligible", "grouped", "sent", "approved", "declined")


def received_by(organisation_id: int, request=None):
    """The memberships through which a funder received a request: a line of it in a
    collective sent to that funder. A request's two lines may go to two funders, so access
    follows each line, not one "sent to" field. Looked up by name: grouping sits above
    dossiers."""
    member = apps.get_model("grouping", "BundleMember")
    return member.objects.filter(
        request=OuterRef("pk") if request is None else request,
        bundle__funder_id=organisation_id,
        bundle__state__in=RECEIVED_STATES,
        request__state__in=LINE_AT_FUNDER_STATES,
    )


def _is_staff(user) -> bool:
    return bool(user.is_superuser or user.is_staff)


def is_applicant(request, user) -> bool:
    """The SME's representative, or the federation that prefilled the request for it."""
    if _is_staff(user):
        return True
    if user.is_sme_representative:
        return request.enterprise.representatives.filter(pk=user.pk).exists()
    return is_reviewer(request, user)


def is_reviewer(request, user) -> bool:
    if _is_staff(user):
        return True
    return user.is_federation_member and user.organisation_id == request.campaign.federation_id


def is_manager(request, user) -> bool:
    if _is_staff(user):
        return True
    return user.is_federation_manager and user.organisation_id == request.campaign.federation_id


def is_receiving_funder(request, user) -> bool:
    if _is_staff(user):
        return True
    if not user.is_funder_member:
        return False
    if user.organisation_id == request.sent_to_id:  # the funder of its last line sent
        return True
    return received_by(user.organisation_id, request=request).exists()
