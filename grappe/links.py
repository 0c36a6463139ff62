"""Absolute links to the site's pages, for e-mails (which have no request to build them from)."""

from django.conf import settings
from django.urls import reverse


def absolute(name: str, *args) -> str:
    """``absolute("portals:review", "DEM-2026-000001")`` -> ``https://…/federation/demandes/…``."""
    return settings.SITE_URL + reverse(name, args=args)
