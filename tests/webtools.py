"""Shared fixtures for the web tests: an app over the `store` fixture (SQLite and PostgreSQL), accounts
in the four roles plus an agency member, seeded mentions, and a signed-in TestClient helper."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from vigie.app import Vigie
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings
from vigie.web import auth as auth_module

PASSWORD = "correct horse battery"
# Cheap argon2 parameters: the suite creates dozens of accounts; production keeps the defaults.
auth_module.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Web:
    app: Any
    vigie: Any
    store: Any
    ws: dict[str, Any]
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    watches: dict[str, dict[str, Any]] = field(default_factory=dict)
    team_id: int = 0

    @property
    def accounts(self) -> Any:
        return self.app.state.web.accounts

    def client(self, who: str | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if who:
            login(client, self.users[who]["email"])
        return client


def login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token, "next": "/"})


def csrf(client: TestClient, path: str = "/settings") -> str:
    """The session's CSRF token, read from a page's forms."""
    return CSRF.search(client.get(path).text).group(1)


def mention(i: int, text: str, *, channel: str = "social", days_ago: float = 1, **kw: Any) -> Mention:
    when = datetime.now(UTC) - timedelta(days=days_ago, minutes=i)
    return Mention(source="test", channel=channel, external_id=f"m{i}", text=text, published_at=when, **kw)


def ingest(store: Any, ws: dict[str, Any], items: list[Mention], source: str = "fil") -> Any:
    row = store.ensure_source(ws["id"], source, "rss")
    return Ingestor(store, ws, row, Settings()).run(items)


def build_web(store: Any, settings: Settings) -> Web:
    from vigie.web.app import create_app
    from vigie.web.directory import create_team, set_team_members, set_team_shares

    ws = store.create_workspace("ville", "Ville de Démo", "fr", "America/Toronto")
    vigie = Vigie(settings, store)
    app = create_app(vigie)
    web = Web(app, vigie, store, ws)
    for role in ("owner", "admin", "editor", "viewer", "agency"):
        user = web.accounts.create_user(f"{role}@example.org", role.title(), PASSWORD)
        web.accounts.set_membership(user["id"], ws["id"], "editor" if role == "agency" else role)
        web.users[role] = user
    web.watches["brand"] = store.add_watch(ws["id"], "Marque", '"Saint-Laurent" OR SLDE', kind="brand")
    web.watches["rival"] = store.add_watch(ws["id"], "Rivale", "Val-Sorbier", kind="competitor")
    web.watches["water"] = store.add_watch(ws["id"], "Eau", '"eau potable" OR water', kind="topic")
    ingest(store, ws, [
        mention(1, "Saint-Laurent annonce un nouveau parc", title="Parc à Saint-Laurent", language="fr"),
        mention(2, "Val-Sorbier ouvre une piscine", title="Piscine à Val-Sorbier", language="fr", channel="online_press"),
        mention(3, "Avis d'ébullition : eau potable à Saint-Laurent", title="Eau potable", language="fr",
                channel="online_press"),
        mention(4, "SLDE water main break downtown", title="Water main break", language="en", days_ago=3),
        mention(5, "Rien à voir avec la ville", title="Autre chose", language="fr", days_ago=2),
    ])
    team = create_team(store, ws["id"], "Agence Lumière", "agency")
    set_team_members(store, ws["id"], team, {web.users["agency"]["id"]})
    set_team_shares(store, ws["id"], team, "watch", {web.watches["rival"]["id"]},
                    {w["id"] for w in web.watches.values()}, None)
    web.team_id = team
    return web


@pytest.fixture
def web(store, settings) -> Web:
    return build_web(store, settings)


def make_alert(store: Any, ws: dict[str, Any], watch_id: int | None, title: str = "Pic de mentions",
               severity: str = "warning") -> int:
    """An alert row as vigie.signals writes it (the web only reads and acknowledges alerts)."""
    import uuid

    from vigie.signals.tables import alerts

    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        return int(conn.execute(alerts.insert().values(
            uid=str(uuid.uuid4()), workspace_id=ws["id"], rule_id=None, watch_id=watch_id, kind="spike",
            severity=severity, title=title, explanation={"observed": 42, "baseline": 5.0, "ratio": 8.4},
            status="open", created_at=now, updated_at=now).returning(alerts.c.id)).scalar_one())
