"""Errors the web layer shows to people: a catalogue key, an HTTP status, values. See docs/web.md"""

from __future__ import annotations

from typing import Any

from vigie.exceptions import BadRequest


class Problem(BadRequest):
    """Bad input or refused action, carrying the catalogue key of its message so each user reads it
    in their own language; str() is the English text (logs, the command line)."""

    status = 400

    def __init__(self, key: str, **values: Any) -> None:
        from vigie.web.i18n import message

        super().__init__(message(key, "en", **values))
        self.key = key
        self.values = values

    def text(self, language: str) -> str:
        from vigie.web.i18n import message

        return message(self.key, language, **self.values)


class Forbidden(Problem):
    """The user is known but their role or token scope does not allow this."""

    status = 403


class NotFound(Problem):
    """No such object, or not one this user may see (the two are deliberately indistinguishable)."""

    status = 404


class NotSignedIn(Problem):
    """No valid session or token: pages redirect to the login form, the API answers 401."""

    status = 401


class Throttled(Problem):
    status = 429

    def __init__(self, key: str, retry_after: int, **values: Any) -> None:
        super().__init__(key, minutes=max(1, (retry_after + 59) // 60), **values)
        self.retry_after = retry_after
