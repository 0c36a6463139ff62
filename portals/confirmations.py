"""The actions that cannot be undone ask for a second, explicit click.

The first click opens a short "what happens" box (a <details>, so no script is needed);
the button inside posts ``confirmed=1``. A post without it, from a stale page or a script,
is not acted on: the page comes back with the box open.
"""

from django.utils.translation import gettext_lazy as _

# What happens, said before the confirming click. Request transitions and bundle actions.
CONSEQUENCES = {
    "mark_eligible": _(
        "L'entreprise ne pourra plus modifier sa demande et celle-ci entrera dans le prochain "
        "regroupement. Ce choix ne peut pas être annulé ici."
    ),
    "reject": _(
        "L'entreprise est prévenue ; la demande ne pourra plus être déposée, seulement rouverte "
        "par la fédération."
    ),
    "seal": _(
        "Les membres et leurs montants sont figés : aucune demande ne pourra plus entrer dans ce "
        "dossier (un membre pourra seulement en être retiré)."
    ),
    "submit": _(
        "Le dossier, ses documents et son paquet partent chez le financeur : ils ne pourront plus "
        "être modifiés, et le financeur est prévenu par e-mail."
    ),
}
CONFIRMED = set(CONSEQUENCES)
NOT_CONFIRMED = _("Cette action ne peut pas être annulée : confirmez-la avec le second bouton.")


def needs_confirmation(name: str, data) -> bool:
    """Whether ``name`` is irreversible and the post did not carry the confirming click."""
    return name in CONFIRMED and data.get("confirmed") != "1"
