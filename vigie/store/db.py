"""Store: engine, schema creation and migrations, plus the workspace/watch/source records. See docs/store.md"""

from __future__ import annotations

import importlib
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, insert, inspect, select, text, update

from vigie.exceptions import BadRequest
from vigie.store import schema
from vigie.store.mentions import MentionStore

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
# Feature tables live next to their feature, on the shared metadata of vigie/store/schema.py;
# importing these modules registers them before the schema is created. One line per feature.
TABLE_MODULES: tuple[str, ...] = (
    "vigie.crisis.tables",
    "vigie.web.tables",
    "vigie.signals.tables",
    "vigie.enrich.tables",
)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (the web UI) work while the scheduler writes; NORMAL sync is safe with WAL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA wal_autocheckpoint=16384")
    cursor.close()


class Store(MentionStore):
    """All persistence goes through here; callers never see SQL dialect differences."""

    def __init__(self, url: str) -> None:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    @classmethod
    def from_settings(cls, settings: Any) -> Store:
        return cls(settings.database_url)

    # -- schema -------------------------------------------------------------------------
    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def migrate(self) -> None:
        """Build a new store from the schema and stamp it, or bring an existing one to head."""
        for module in TABLE_MODULES:
            importlib.import_module(module)
        config = self._alembic_config()
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            current = MigrationContext.configure(conn).get_current_revision()
            if current is None and not inspect(conn).has_table("workspaces"):
                schema.metadata.create_all(conn)
                for ddl in schema.SQLITE_FTS if self.dialect == "sqlite" else schema.PG_FTS:
                    conn.exec_driver_sql(ddl)
                command.stamp(config, "head")
            elif current != ScriptDirectory.from_config(config).get_current_head():
                command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    # -- workspaces ---------------------------------------------------------------------
    def create_workspace(self, slug: str, name: str, language: str = "fr",
                         timezone: str = "America/Toronto", kind: str = "real") -> dict[str, Any]:
        if not SLUG.match(slug):
            raise BadRequest(f"workspace id {slug!r}: use lower-case letters, digits and hyphens")
        with self.engine.begin() as conn:
            conn.execute(insert(schema.workspaces).values(
                slug=slug, name=name, language=language, timezone=timezone, kind=kind, created_at=_now()))
        return self.get_workspace(slug)

    def get_workspace(self, slug: str | None = None) -> dict[str, Any]:
        """The workspace by id, or the first real one when no id is given."""
        query = select(schema.workspaces)
        if slug:
            query = query.where(schema.workspaces.c.slug == slug)
        else:
            query = query.where(schema.workspaces.c.kind != "sandbox").order_by(schema.workspaces.c.id)
        with self.engine.connect() as conn:
            row = conn.execute(query.limit(1)).mappings().first()
        if row is None:
            raise BadRequest(f"no workspace {slug!r}" if slug else "no workspace yet: run `vigie init` or `vigie demo`")
        return dict(row)

    def workspace_by_id(self, workspace_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.workspaces).where(schema.workspaces.c.id == workspace_id)).mappings().first()
        if row is None:
            raise BadRequest(f"no workspace {workspace_id}")
        return dict(row)

    def list_workspaces(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(schema.workspaces).order_by("id")).mappings()]

    # -- watches ------------------------------------------------------------------------
    def add_watch(self, workspace_id: int, name: str, query: str, languages: list[str] | None = None,
                  channels: list[str] | None = None, kind: str = "brand") -> dict[str, Any]:
        from vigie.query import parse  # validated here so a bad query never reaches the store

        parse(query)
        with self.engine.begin() as conn:
            watch_id = conn.execute(insert(schema.watches).values(
                workspace_id=workspace_id, name=name, query=query, languages=languages or [],
                channels=channels or [], kind=kind, created_at=_now(),
            ).returning(schema.watches.c.id)).scalar_one()
        return self.get_watch(watch_id)

    def get_watch(self, watch_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.watches).where(schema.watches.c.id == watch_id)).mappings().first()
        if row is None:
            raise BadRequest(f"no watch {watch_id}")
        return dict(row)

    def list_watches(self, workspace_id: int, active_only: bool = False) -> list[dict[str, Any]]:
        query = select(schema.watches).where(schema.watches.c.workspace_id == workspace_id)
        if active_only:
            query = query.where(schema.watches.c.active.is_(True))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query.order_by(schema.watches.c.id)).mappings()]

    # -- sources ------------------------------------------------------------------------
    def add_source(self, workspace_id: int, name: str, connector: str, config: dict[str, Any],
                   interval_s: int | None = None) -> dict[str, Any]:
        with self.engine.begin() as conn:
            source_id = conn.execute(insert(schema.sources).values(
                workspace_id=workspace_id, name=name, connector=connector, config=config,
                interval_s=interval_s, cursor={}, created_at=_now(),
            ).returning(schema.sources.c.id)).scalar_one()
        return self.get_source(source_id)

    def ensure_source(self, workspace_id: int, name: str, connector: str,
                      config: dict[str, Any] | None = None) -> dict[str, Any]:
        """The source with this name, created on first use (imports and manual additions)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.sources.c.id).where(
                schema.sources.c.workspace_id == workspace_id, schema.sources.c.name == name)).first()
        if row:
            return self.get_source(row[0])
        return self.add_source(workspace_id, name, connector, config or {})

    def get_source(self, source_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.sources).where(schema.sources.c.id == source_id)).mappings().first()
        if row is None:
            raise BadRequest(f"no source {source_id}")
        return dict(row)

    def find_source(self, workspace_id: int, name_or_id: str) -> dict[str, Any]:
        cond = schema.sources.c.name == name_or_id
        if name_or_id.isdigit():
            cond = cond | (schema.sources.c.id == int(name_or_id))
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.sources.c.id).where(
                schema.sources.c.workspace_id == workspace_id, cond)).first()
        if row is None:
            raise BadRequest(f"no source {name_or_id!r} in this workspace")
        return self.get_source(row[0])

    def list_sources(self, workspace_id: int) -> list[dict[str, Any]]:
        query = select(schema.sources).where(schema.sources.c.workspace_id == workspace_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query.order_by(schema.sources.c.id)).mappings()]

    def set_source_status(self, source_id: int, status: str, message: str | None = None,
                          error: bool = False) -> None:
        values: dict[str, Any] = {"status": status, "status_message": message}
        if error:
            values.update(last_error=message, last_error_at=_now())
        with self.engine.begin() as conn:
            conn.execute(update(schema.sources).where(schema.sources.c.id == source_id).values(**values))

    def counts(self, workspace_id: int) -> dict[str, int]:
        with self.engine.connect() as conn:
            def count(table: Any) -> int:
                return int(conn.execute(select(func.count()).select_from(table).where(
                    table.c.workspace_id == workspace_id)).scalar_one())
            return {
                "mentions": count(schema.mentions), "stories": count(schema.stories),
                "watches": count(schema.watches), "sources": count(schema.sources),
                "rejections": count(schema.rejections),
            }

    def sqlite_path(self) -> str | None:
        return self.url[len("sqlite:///"):] if self.dialect == "sqlite" else None

    def vacuum_analyze(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("ANALYZE"))

    def update_source(self, source_id: int, **values: Any) -> dict[str, Any]:
        allowed = {"config", "enabled", "interval_s", "cursor", "name"}
        unknown = set(values) - allowed
        if unknown:
            raise BadRequest(f"cannot change {', '.join(sorted(unknown))}")
        with self.engine.begin() as conn:
            conn.execute(update(schema.sources).where(schema.sources.c.id == source_id).values(**values))
        return self.get_source(source_id)
