"""`vigie up`'s web side (first owner, uvicorn on loopback), the user commands and the bench's filler."""

from __future__ import annotations

import json
import socket

import httpx
import webtools  # noqa: F401  (cheap password hashing for the suite)
from click.testing import CliRunner

from vigie.app import Vigie
from vigie.cli import cli
from vigie.store import Store
from vigie.web.auth import Accounts
from vigie.web.server import FIRST_OWNER, first_run, serve


def test_first_run_creates_one_owner_and_shows_the_password_once(tmp_path, settings):
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    demo = store.create_workspace("demo", "Démo", kind="demo")
    email, password = first_run(Vigie(settings, store))
    assert email == FIRST_OWNER and len(password) >= 20
    assert first_run(Vigie(settings, store)) is None  # second start: nothing new, nothing printed
    accounts = Accounts(store)
    user = accounts.authenticate(email, password, None)
    assert accounts.role(user["id"], demo["id"]) == "owner" and password not in str(accounts.get_user(user["id"]))
    later = store.create_workspace("ville", "Ville")  # made afterwards with `vigie init`
    first_run(Vigie(settings, store))
    assert accounts.role(user["id"], later["id"]) == "owner"
    store.close()


def test_serve_answers_on_loopback_and_stops(tmp_path, settings):
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    store.create_workspace("ville", "Ville")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    said: list[str] = []
    with serve(Vigie(settings, store), "127.0.0.1", port, say=said.append):
        assert httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200
    assert f"http://127.0.0.1:{port}/" in said[0] and FIRST_OWNER in said[1]
    store.close()


def test_user_commands_add_members_and_reset_passwords(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIE_HOME", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--name", "Ville de Laval"]).exit_code == 0
    added = runner.invoke(cli, ["user", "add", "com@example.org", "--role", "editor", "--json"])
    assert added.exit_code == 0, added.output
    row = json.loads(added.output)
    assert row["role"] == "editor" and row["password"]
    listed = json.loads(runner.invoke(cli, ["user", "list", "--json"]).output)
    assert [(u["email"], u["role"]) for u in listed] == [("com@example.org", "editor")]
    assert runner.invoke(cli, ["user", "password", "nobody@example.org"]).exit_code != 0
    assert runner.invoke(cli, ["web", "recount"]).exit_code == 0


def test_bench_filler_writes_mentions_matches_and_counts(tmp_path):
    from vigie.bench.web import fill
    from vigie.web import rollup

    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    from vigie.web.app import ensure_tables

    ensure_tables(store)
    result = fill(store, 3000, log=lambda _m: None)
    ws = result["workspace"]
    assert store.count_mentions(ws["id"]) == 3000
    assert sum(n for _d, n in rollup.totals(store, ws["id"], 0, 10**6, ("day",))) == 3000
    assert store.list_mentions(ws["id"], q="SLDE", limit=5)  # the full-text index was rebuilt
    assert rollup.verify(store, ws) is True
    store.close()
