"""Who may trigger a transition on a funding request.

Each function takes the request and the user, as django-fsm-2's ``permission=`` expects.
A ``None`` user is the system itself (a task, the grouping service), which is trusted;
the workflow service checks these for every human actor.
"""


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
    return user.is_funder_member and user.organisation_id == request.sent_to_id
