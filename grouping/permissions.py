"""Who may act on a bundle (collective file).

Each function takes the bundle and the user, as django-fsm-2's ``permission=`` expects.
A ``None`` actor is the system itself (a task, a command), which is trusted; the bundle
services check these for every human actor.
"""


def _is_staff(user) -> bool:
    return bool(user.is_superuser or user.is_staff)


def is_lead_partner(bundle, user) -> bool:
    """A member of the federation running the bundle's campaign (the chef de file)."""
    if _is_staff(user):
        return True
    return user.is_federation_member and user.organisation_id == bundle.campaign.federation_id


def is_bundle_funder(bundle, user) -> bool:
    """An analyst of the funder the bundle is (or will be) sent to."""
    if _is_staff(user):
        return True
    return user.is_funder_member and user.organisation_id == bundle.funder_id


def is_system(bundle, user) -> bool:
    """Steps only the platform takes (the documents built, actor None): no person, staff
    included, may force them, or a bundle would reach its funder without its documents."""
    return False


def may_run_grouping(campaign, user) -> bool:
    if user is None or _is_staff(user):
        return True
    return user.is_federation_member and user.organisation_id == campaign.federation_id
