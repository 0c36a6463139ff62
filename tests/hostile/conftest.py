"""The hostile-input suite reuses the portals' cast (one campaign, its request, everyone)."""

from tests.portals.conftest import world  # noqa: F401
