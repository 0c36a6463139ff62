"""Who hears about a bundle's step, and what they are told, in their language.

Today one step: a bundle submitted to its funder e-mails the funder's analysts, once
each (``workers.delivery``). The members' SMEs hear of their own request's move to
"sent" through the request's history (``dossiers.notifications``).
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from dossiers.formatting import euros_for_reader
from grappe.links import absolute
from grouping.models import BundleTransition
from workers.delivery import tell


def recipients(log: BundleTransition) -> list[User]:
    if log.transition != "submit":
        return []
    analysts = User.objects.filter(
        organisation_id=log.bundle.funder_id, role=User.Role.FUNDER_OFFICER, is_active=True
    ).exclude(email="")
    return list(analysts.order_by("pk"))


def notify_bundle_transition(transition_id: int, *, job=None) -> int:
    """E-mail each person concerned by one bundle history row once; returns e-mails sent now."""
    log = (
        BundleTransition.objects.select_related("bundle__funder", "bundle__campaign__federation")
        .filter(pk=transition_id)
        .first()
    )
    if log is None:
        return 0
    bundle = log.bundle
    members = bundle.members.filter(active=True).count()
    values = {
        "lead": bundle.campaign.federation.name,
        "ref": bundle.reference,
        "count": members,
    }

    def compose(person) -> tuple[str, str]:
        values["link"] = absolute("portals:funder_bundle", bundle.reference)
        values["loans"] = euros_for_reader(bundle.line_total, translation.get_language())
        # "de prêts" or "de subventions": what this kind of collective asks for.
        values["what"] = _("de subventions") if bundle.kind == "grant" else _("de prêts")
        subject = _("Grappe : dossier collectif %(ref)s transmis par %(lead)s") % values
        body = (
            ngettext(
                "Bonjour,\n\n%(lead)s vous transmet le dossier collectif %(ref)s : "
                "%(count)d entreprise, %(loans)s %(what)s sollicités.\n"
                "Le dossier PDF, l'annexe XLSX et le paquet des pièces sont dans votre "
                "espace Grappe, où vous enregistrez la décision de chaque membre :\n%(link)s\n",
                "Bonjour,\n\n%(lead)s vous transmet le dossier collectif %(ref)s : "
                "%(count)d entreprises, %(loans)s %(what)s sollicités.\n"
                "Le dossier PDF, l'annexe XLSX et le paquet des pièces sont dans votre "
                "espace Grappe, où vous enregistrez la décision de chaque membre :\n%(link)s\n",
                members,
            )
            % values
        )
        return subject, body

    return tell(recipients(log), key=f"bundle_transition:{log.pk}", compose=compose, job=job)
