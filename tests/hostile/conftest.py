"""The hostile-input suite reuses the portals' cast (one campaign, its request, everyone)
and the API's (organisations, their tokens, JSON clients)."""

from tests.api.conftest import (  # noqa: F401
    _fresh_cache,
    bank,
    campaign,
    fed,
    federation,
    funder,
)
from tests.portals.conftest import world  # noqa: F401
