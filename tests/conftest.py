"""Shared fixtures: real SQLite/PostgreSQL stores, loopback HTTP, the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vigie.net import HttpClient
from vigie.settings import Settings
from vigie.sources.base import SourceContext

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED_DATA = Path(os.environ.get("VIGIE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(autouse=True)
def _vigie_home(tmp_path, monkeypatch):
    """Every test gets its own VIGIE_HOME so nothing leaks between tests or into the work tree."""
    home = tmp_path / "vigie-home"
    home.mkdir()
    monkeypatch.setenv("VIGIE_HOME", str(home))
    monkeypatch.delenv("VIGIE_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared data folder missing: {SHARED_DATA}")
        pytest.skip(f"shared data folder missing: {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def settings(_vigie_home) -> Settings:
    return Settings(home=_vigie_home, overrides={
        "allow_private_networks": True, "politeness_delay": 0.0, "http_backoff": 0.01,
        "http_retries": 2, "http_timeout": 5.0,
    })


@pytest.fixture
def http(settings) -> HttpClient:
    client = HttpClient.from_settings(settings)
    yield client
    client.close()


@pytest.fixture
def ctx(http, settings) -> SourceContext:
    """A connector context wired to loopback servers (allow_private_networks is on)."""
    return SourceContext(
        http=http, settings=settings,
        workspace={"id": 1, "slug": "test", "name": "Test", "language": "fr", "timezone": "America/Toronto"},
        watches=[{"id": 1, "name": "Marque", "query": '"Hydro-Québec" OR hydro', "languages": [], "channels": []}],
    )


PG_URL = os.environ.get("VIGIE_TEST_DATABASE_URL")


def _postgres_store(request):
    """A Store in a fresh PostgreSQL schema, dropped afterwards."""
    import uuid
    from urllib.parse import quote

    import sqlalchemy

    from vigie.store import Store

    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("VIGIE_TEST_DATABASE_URL is not set: CI must run the PostgreSQL store tests")
        print("\nSKIPPED group postgres: set VIGIE_TEST_DATABASE_URL to run the store tests on PostgreSQL")
        pytest.skip("postgres: VIGIE_TEST_DATABASE_URL not set")
    base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    store = Store(f"{base}{sep}options={quote(f'-csearch_path={schema}')}")

    def cleanup():
        store.close()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    request.addfinalizer(cleanup)
    return store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """The same store tests on a real SQLite file and a real PostgreSQL server."""
    from vigie.store import Store

    if request.param == "postgres":
        return _postgres_store(request)
    s = Store(f"sqlite:///{tmp_path / 'vigie.db'}")
    request.addfinalizer(s.close)
    return s


@pytest.fixture
def workspace(store):
    return store.create_workspace("ville", "Ville de Démo", "fr")
