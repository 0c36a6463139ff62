"""Who hears about a request's change of state, and what they are told, in their language."""

from django.utils.translation import gettext as _

from accounts.models import User, federation_staff
from dossiers.models import RequestState, RequestTransition
from workers.delivery import tell

# Which transitions the federation hears about: a new or re-sent request.
FEDERATION_EVENTS = {"submit", "resubmit"}


def recipients(log: RequestTransition) -> list[User]:
    request = log.request
    people = list(request.enterprise.representatives.filter(is_active=True))
    if log.transition in FEDERATION_EVENTS:
        people += list(federation_staff(request.campaign.federation_id))
    return [p for p in people if p.email and p.pk != log.actor_id]


def notify_transition(transition_id: int, *, job=None) -> int:
    """E-mail each person concerned once (workers.delivery); returns the e-mails sent now."""
    log = (
        RequestTransition.objects.select_related("request__campaign", "request__enterprise")
        .filter(pk=transition_id)
        .first()
    )
    if log is None:
        return 0

    def compose() -> tuple[str, str]:
        subject = _("Grappe : votre demande %(ref)s est « %(state)s »") % {
            "ref": log.request.reference,
            "state": RequestState(log.to_state).label,
        }
        body = _(
            "Bonjour,\n\nLa demande %(ref)s (%(title)s) est passée de « %(from)s » à "
            "« %(to)s ».\n%(note)s\nSuivez-la dans votre espace Grappe.\n"
        ) % {
            "ref": log.request.reference,
            "title": log.request.project_title,
            "from": RequestState(log.from_state).label,
            "to": RequestState(log.to_state).label,
            "note": (_("Note : %s\n") % log.note) if log.note else "",
        }
        return subject, body

    return tell(
        recipients(log), key=f"transition:{log.pk}", compose=compose, transition=log, job=job
    )
