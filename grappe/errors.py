"""The one base of the errors a person is shown as they are, by every interface.

An error carries its ``message`` (one sentence), the ``problems`` behind it (each a
sentence, possibly none) and ``api_code``, the stable code the API answers with. Portals
show the message above the list of problems; commands, jobs and admin messages show
``text``, the message followed by its problems on one line.
"""

from collections.abc import Iterable


class GrappeError(Exception):
    api_code = "error"

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    @property
    def text(self) -> str:
        """The message and its problems on one line."""
        return " ".join([self.message, *self.problems])
