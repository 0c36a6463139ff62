"""Reading a rendered page in the portal tests."""

import html


def text(response) -> str:
    """The page's HTML with entities decoded, so French text can be searched as written."""
    return html.unescape(response.content.decode())
