"""Alert delivery channels: email over SMTP and webhooks (Slack, Microsoft Teams, Mattermost, signed JSON).
See docs/alerts.md"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import insert, select

from vigie.exceptions import BadRequest
from vigie.settings import resolve_env_secrets
from vigie.signals import tables as T

KINDS = ("email", "slack", "teams", "mattermost", "webhook")
IDEMPOTENCY_HEADER = "Idempotency-Key"
ALERT_ID_HEADER = "X-Vigie-Alert-Id"


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status: int | None = None  # HTTP status or SMTP reply code
    error: str | None = None


class Channel(Protocol):
    kind: str

    def send(self, alert: dict[str, Any]) -> SendResult:
        """Deliver one alert payload (see vigie.signals.channels.delivery.payload); never raises."""


def build_channel(row: dict[str, Any], http: Any, language: str = "fr") -> Channel:
    """A channel from its stored row; {"$env": NAME} secrets are read from the environment now,
    so they never sit in the store and a rotated secret is used on the next send."""
    config = resolve_env_secrets(dict(row.get("config") or {}))
    kind = row["kind"]
    if kind == "email":
        from vigie.signals.channels.email import EmailChannel

        return EmailChannel(config, language)
    if kind in ("slack", "teams", "mattermost", "webhook"):
        from vigie.signals.channels.webhook import WebhookChannel

        return WebhookChannel(kind, config, http, language)
    raise BadRequest(f"unknown channel kind {kind!r}; use one of {', '.join(KINDS)}")


REQUIRED = {"email": ("host", "to"), "slack": ("url",), "teams": ("url",), "mattermost": ("url",),
            "webhook": ("url",)}


def add_channel(store: Any, workspace_id: int, name: str, kind: str, config: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise BadRequest(f"unknown channel kind {kind!r}; use one of {', '.join(KINDS)}")
    missing = [k for k in REQUIRED[kind] if not config.get(k)]
    if missing:
        raise BadRequest(f"a {kind} channel needs {', '.join(missing)}")
    for key in ("password", "secret"):
        if isinstance(config.get(key), str):
            raise BadRequest(f"give the {key} as an environment variable ({{\"$env\": NAME}}), never in clear")
    with store.engine.begin() as conn:
        channel_id = conn.execute(insert(T.alert_channels).values(
            workspace_id=workspace_id, name=name, kind=kind, config=config, created_at=datetime.now(UTC),
        ).returning(T.alert_channels.c.id)).scalar_one()
    return get_channel(store, channel_id)


def get_channel(store: Any, channel_id: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(select(T.alert_channels).where(T.alert_channels.c.id == channel_id)).mappings().first()
    if row is None:
        raise BadRequest(f"no alert channel {channel_id}")
    return dict(row)


def find_channel(store: Any, workspace_id: int, name_or_id: str) -> dict[str, Any]:
    c = T.alert_channels
    cond = c.c.name == name_or_id
    if name_or_id.isdigit():
        cond = cond | (c.c.id == int(name_or_id))
    with store.engine.connect() as conn:
        row = conn.execute(select(c.c.id).where(c.c.workspace_id == workspace_id, cond)).first()
    if row is None:
        raise BadRequest(f"no alert channel {name_or_id!r} in this workspace")
    return get_channel(store, row[0])


def list_channels(store: Any, workspace_id: int) -> list[dict[str, Any]]:
    c = T.alert_channels
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(c).where(c.c.workspace_id == workspace_id).order_by(c.c.id)).mappings()]


def redact(text: str, *secrets: Any) -> str:
    """Remove secrets (and URLs carrying tokens, like Slack's) from an error before it is logged."""
    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= 4:
            text = text.replace(secret, "<secret>")
    return text
