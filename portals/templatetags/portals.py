"""Template helpers: French amounts, state badges, transition labels."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from portals import amounts
from portals.access import FEDERATION, FUNDER, SME, STAFF, audience
from portals.collective_forms import level_words
from portals.presenters import ACTION_LABELS, TRANSITION_LABELS

register = template.Library()


register.filter("euros", amounts.euros)


@register.filter
def action_label(name: str) -> str:
    return str(ACTION_LABELS.get(name, TRANSITION_LABELS.get(name, name)))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def waits_on(funding_request, user) -> bool:
    """Whether the request waits on this person's side to act next."""
    from portals.access import audience
    from portals.presenters import WAITING_ON

    return funding_request.state in WAITING_ON.get(audience(user), ())


@register.filter
def percent_of(value, total) -> int:
    """Width of a bar, 0–100, for the dashboard's CSS charts."""
    try:
        return max(0, min(100, round(100 * Decimal(value) / Decimal(total)))) if total else 0
    except (ArithmeticError, ValueError, TypeError):
        return 0


@register.inclusion_tag("portals/includes/nav.html", takes_context=True)
def portal_nav(context):
    """The navigation of the person's space, with the current page marked."""
    request = context["request"]
    items = {
        SME: [
            ("portals:request_list", _("Mes demandes")),
            ("portals:request_create", _("Nouvelle demande")),
            ("portals:aid_catalogue", _("Aides")),
            ("portals:providers", _("Prestataires")),
        ],
        FEDERATION: [
            ("portals:federation_requests", _("Demandes")),
            ("portals:campaigns", _("Campagnes")),
            ("portals:prefill", _("Préremplir une demande")),
            ("portals:aid_catalogue", _("Aides")),
            ("portals:cost_references", _("Références de coûts")),
            ("portals:deadlines", _("Échéances")),
        ],
        FUNDER: [
            ("portals:funder_home", _("Dossiers collectifs reçus")),
            ("portals:cost_references", _("Références de coûts")),
            ("portals:deadlines", _("Échéances")),
        ],
    }
    items[STAFF] = items[FEDERATION]
    links = []
    for name, label in items.get(audience(request.user), []):
        url = reverse(name)
        links.append({"url": url, "label": label, "current": request.path == url})
    return {"links": links}


@register.simple_tag
def role_label(user) -> str:
    if user.is_staff and not user.organisation_id:
        return _("Administration Grappe")
    return user.get_role_display()


@register.simple_tag
def error_links(*forms) -> str:
    """Links from the error summary to each field in error (forms or formsets, bound only)."""
    items = []
    for form in forms:
        if not getattr(form, "is_bound", False):
            continue
        for each in getattr(form, "forms", [form]):
            for field in each:
                if not field.is_hidden:
                    items += [
                        {"id": field.auto_id, "label": field.label, "error": e}
                        for e in field.errors
                    ]
    from django.template.loader import render_to_string

    return render_to_string("portals/includes/error_links.html", {"items": items})


@register.filter
def ladder_step(bundle) -> str:
    """A bundle's step on the widening ladder, in words: ``étape 2 — division NAF × région``."""
    return _("étape %(n)s — %(words)s") % {
        "n": bundle.ladder_level + 1,
        "words": level_words(bundle.trade_level, bundle.territory_level),
    }
