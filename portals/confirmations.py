"""The actions that cannot be undone ask for a second, explicit click.

The first click opens a short "what happens" box (a <details>, so no script is needed);
the button inside posts ``confirmed=1``. A post without it, from a stale page or a script,
is not acted on: the page comes back with the box open.
"""

from django.utils.translation import gettext_lazy as _

# What happens, said before the confirming click: request transitions...
REQUEST_CONSEQUENCES = {
    "mark_eligible": _(
        "L'entreprise ne pourra plus modifier sa demande et celle-ci entrera dans le prochain "
        "regroupement. Ce choix ne peut pas être annulé ici."
    ),
    "reject": _(
        "L'entreprise est prévenue ; la demande ne pourra plus être déposée, seulement rouverte "
        "par la fédération."
    ),
}
# ... and bundle actions (their names overlap: a bundle's "submit" sends it to the funder).
BUNDLE_CONSEQUENCES = {
    "seal": _(
        "Les membres et leurs montants sont figés : aucune demande ne pourra plus entrer dans ce "
        "dossier (un membre pourra seulement en être retiré)."
    ),
    "submit": _(
        "Le dossier, ses documents et son paquet partent chez le financeur : ils ne pourront plus "
        "être modifiés, et le financeur est prévenu par e-mail."
    ),
}
NOT_CONFIRMED = _("Cette action ne peut pas être annulée : confirmez-la avec le second bouton.")


def needs_confirmation(consequences: dict, name: str, data) -> bool:
    """Whether ``name`` is irreversible and the post did not carry the confirming click."""
    return name in consequences and data.get("confirmed") != "1"
