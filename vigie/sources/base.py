"""What every connector implements and receives. See docs/sources.md"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

from dateutil import parser as dateparser

from vigie.exceptions import NotConfigured
from vigie.items import Mention, Rejection, SearchSnapshot
from vigie.net import HttpClient
from vigie.settings import Settings, resolve_env_secrets

Item = Mention | SearchSnapshot | Rejection


@dataclass(frozen=True)
class Option:
    """One configuration key of a connector, for `vigie source add`, docs and validation."""

    name: str
    help: str
    required: bool = False
    secret: bool = False
    default: Any = None


@dataclass
class SourceContext:
    """What the runner hands a connector: the safe HTTP client, settings and the workspace's watches."""

    http: HttpClient
    settings: Settings
    workspace: dict[str, Any] = field(default_factory=dict)
    watches: list[dict[str, Any]] = field(default_factory=list)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("vigie.sources"))


class Source(Protocol):
    """A connector.

    ``fetch(cursor)`` yields Mention, SearchSnapshot or Rejection items and updates ``cursor``
    (a JSON-able dict) *after* yielding the items it covers: the runner stores the cursor in the
    same transaction as the items received so far, so a killed run resumes without loss and
    without duplicates (the store's upsert drops anything fetched twice).
    """

    name: ClassVar[str]
    channel: ClassVar[str]
    options: ClassVar[tuple[Option, ...]]

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None: ...

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]: ...


def read_options(name: str, options: tuple[Option, ...], config: dict[str, Any]) -> dict[str, Any]:
    """Resolve {"$env": ...} secrets, apply defaults, and raise NotConfigured naming what is missing."""
    resolved = resolve_env_secrets(dict(config))
    known = {o.name for o in options}
    unknown = sorted(set(resolved) - known - {"channel", "interval"})
    if unknown:
        raise NotConfigured(f"{name}: unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    values: dict[str, Any] = {}
    for option in options:
        value = resolved.get(option.name)
        if value in (None, ""):
            if option.required:
                hint = f' (e.g. {{"$env": "{name.upper()}_{option.name.upper()}"}})' if option.secret else ""
                raise NotConfigured(f"{name}: set {option.name!r}: {option.help}{hint}")
            value = option.default
        values[option.name] = value
    if "channel" in resolved:
        values["channel"] = resolved["channel"]
    return values


def parse_time(value: Any) -> datetime | None:
    """A timestamp from an API or feed as an aware UTC datetime; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float):
        dt = datetime.fromtimestamp(float(value), UTC)
    else:
        try:
            dt = dateparser.parse(str(value))
        except (ValueError, OverflowError):
            return None
        if dt is None:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def as_int(value: Any) -> int | None:
    try:
        return None if value is None or value == "" else int(float(value))
    except (TypeError, ValueError):
        return None


def obj(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one: APIs drop or null nested objects."""
    return value if isinstance(value, dict) else {}


def sample(value: Any) -> str:
    """The first 500 characters of an item as JSON, kept with its rejection for the operator."""
    return json.dumps(value, ensure_ascii=False, default=str)[:500]
