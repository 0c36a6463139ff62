"""Who hears about a request's change of state, and what they are told, in their language."""

from django.utils.translation import gettext as _

from accounts.models import User, federation_staff
from dossiers.models import FundingRequest, RequestState, RequestTransition
from grappe.links import absolute
from workers.delivery import tell

# Which transitions the federation hears about: a new or re-sent request.
FEDERATION_EVENTS = {"submit", "resubmit"}


def recipients(log: RequestTransition) -> list[User]:
    request = log.request
    people = list(request.enterprise.representatives.filter(is_active=True))
    if log.transition in FEDERATION_EVENTS:
        people += list(federation_staff(request.campaign.federation_id))
    return [p for p in people if p.email and p.pk != log.actor_id]


def applicant_reads(person: User, request: FundingRequest) -> bool:
    """Whether ``person`` reads as the applicant ("votre demande") rather than as the
    federation or an administrator ("la demande de <entreprise>")."""
    if person.is_federation_member or person.is_staff or person.is_superuser:
        return False
    return request.enterprise.representatives.filter(pk=person.pk).exists()


def request_link(person: User, request: FundingRequest) -> str:
    """The page of the request for this reader: the applicant's page or the review screen."""
    if applicant_reads(person, request):
        return absolute("portals:request_detail", request.reference)
    return absolute("portals:review", request.reference)


def notify_transition(transition_id: int, *, job=None) -> int:
    """E-mail each person concerned once (workers.delivery); returns the e-mails sent now."""
    log = (
        RequestTransition.objects.select_related("request__campaign", "request__enterprise")
        .filter(pk=transition_id)
        .first()
    )
    if log is None:
        return 0

    def compose(person) -> tuple[str, str]:
        request = log.request
        values = {
            "ref": request.reference,
            "title": request.project_title,
            "name": request.enterprise.name,
            "state": RequestState(log.to_state).label,
            "from": RequestState(log.from_state).label,
            "to": RequestState(log.to_state).label,
            "note": (_("Note : %s\n") % log.note) if log.note else "",
            "link": request_link(person, request),
        }
        if applicant_reads(person, request):
            subject = _("Grappe : votre demande %(ref)s est « %(state)s »") % values
            body = _(
                "Bonjour,\n\nVotre demande %(ref)s (%(title)s) est passée de « %(from)s » à "
                "« %(to)s ».\n%(note)s\nLa suivre : %(link)s\n"
            )
        else:
            subject = _("Grappe : la demande %(ref)s de %(name)s est « %(state)s »") % values
            body = _(
                "Bonjour,\n\nLa demande %(ref)s de %(name)s (%(title)s) est passée de "
                "« %(from)s » à « %(to)s ».\n%(note)s\nL'instruire : %(link)s\n"
            )
        return subject, body % values

    return tell(
        recipients(log), key=f"transition:{log.pk}", compose=compose, transition=log, job=job
    )
