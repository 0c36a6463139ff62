"""Asking for a collective file's documents: the one service the portal and the API call.

The rule is the portal's: documents are built once the bundle is sealed (its members can
no longer change). The request is refused at once, with the reason, rather than queued
for a job that would fail.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.workflow import Conflict, Forbidden
from grouping import permissions
from grouping.models import Bundle, BundleState
from workers.jobs import enqueue_job
from workers.models import Job


def request_build(bundle: Bundle, *, actor: User | None) -> Job:
    """Queue the build of a sealed bundle's documents on behalf of ``actor`` (None: the
    system); asking again while one is queued or running returns that job."""
    if actor is not None and not permissions.is_lead_partner(bundle, actor):
        raise Forbidden(_("Seule la fédération chef de file construit les documents du dossier."))
    if bundle.state != BundleState.SEALED:
        raise Conflict(
            _("Les documents se construisent une fois le dossier scellé (il est « %(state)s »).")
            % {"state": bundle.get_state_display()}
        )
    with transaction.atomic():
        return enqueue_job(Job.Kind.BUILD_DOCUMENTS, bundle, created_by=actor)
