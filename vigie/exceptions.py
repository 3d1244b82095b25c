"""Exceptions named after what happens next. See docs/errors.md"""


class VigieError(Exception):
    """Base class for Vigie's own errors."""


class NotConfigured(VigieError):
    """A component lacks a setting or credential; it is disabled and the rest carries on."""


class SkipMention(VigieError):
    """Drop one mention; the runner counts the reason and keeps going."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason if not detail else f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class RejectedInput(SkipMention):
    """One input item (feed entry, CSV row, API object) could not be read; stored with its reason."""


class BadRequest(VigieError):
    """Bad input from a user (CLI argument, web parameter)."""


class UnsafeURL(BadRequest):
    """A user-supplied URL resolves to a private, loopback or link-local address."""


class FetchError(VigieError):
    """A source could not be fetched (network, HTTP status, size cap); the run records it."""


class PayloadTooLarge(FetchError):
    """A response exceeded the configured size cap."""


class QuerySyntaxError(BadRequest):
    """A watch query is malformed; carries the 0-based position of the problem."""

    def __init__(self, message: str, position: int, query: str = "") -> None:
        super().__init__(f"{message} (position {position + 1})")
        self.message = message
        self.position = position
        self.query = query

    def pointer(self) -> str:
        """The query with a caret under the faulty position, for terminals."""
        return f"{self.query}\n{' ' * self.position}^"
