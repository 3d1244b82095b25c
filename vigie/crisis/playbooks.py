"""Playbooks: the shipped YAML scenarios, validation, versions (an edit adds a version, history is kept)
and the approval of their holding statements. See docs/crisis-room.md"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from vigie.crisis import LANGUAGES, ROLES, tables
from vigie.crisis import statements as st
from vigie.exceptions import BadRequest
from vigie.i18n import t

SHIPPED_DIR = Path(__file__).parent / "playbooks"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
P, S = tables.playbooks, tables.statements


def _now() -> datetime:
    return datetime.now(UTC)


def _bilingual(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not str(value.get(lang) or "").strip() for lang in LANGUAGES):
        raise BadRequest(t("playbook.needs_both_languages", where=where))
    return {lang: str(value[lang]).strip() for lang in LANGUAGES}


def _roles(value: Any, where: str) -> list[dict[str, Any]]:
    """approvers/contacts: role ids, or {role, name, contact} when the playbook names someone."""
    out = []
    for entry in value or []:
        item = {"role": entry} if isinstance(entry, str) else dict(entry or {})
        if item.get("role") not in ROLES:
            raise BadRequest(t("playbook.bad_role", where=where, role=item.get("role"), known=", ".join(ROLES)))
        out.append({"role": item["role"], "name": item.get("name"), "contact": item.get("contact")})
    return out


def parse_document(text: str) -> dict[str, Any]:
    """Read and validate a playbook's YAML; every statement must pass its format checks."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BadRequest(t("playbook.bad_yaml", error=str(exc).splitlines()[0])) from None
    if not isinstance(data, dict):
        raise BadRequest(t("playbook.bad_yaml", error="not a mapping"))
    slug = str(data.get("id") or "")
    if not SLUG.match(slug):
        raise BadRequest(t("playbook.bad_id", id=slug))
    steps = data.get("steps") or []
    if not isinstance(steps, list) or not steps:
        raise BadRequest(t("playbook.needs_steps", id=slug))
    statements: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for fmt, texts in (data.get("statements") or {}).items():
        if fmt not in st.FORMATS:
            raise BadRequest(t("statement.unknown_format", format=fmt, known=", ".join(st.FORMATS)))
        texts = _bilingual(texts, f"statements.{fmt}")
        statements[fmt] = texts
        for lang, body in texts.items():
            problems += [f"{fmt}/{lang}: {p}" for p in st.check(fmt, body)]
    if problems:
        raise BadRequest("; ".join(problems))
    return {
        "id": slug, "scenario": str(data.get("scenario") or slug),
        "title": _bilingual(data.get("title"), "title"),
        "steps": [_bilingual(s, f"steps[{i + 1}]") for i, s in enumerate(steps)],
        "approvers": _roles(data.get("approvers"), "approvers"),
        "contacts": _roles(data.get("contacts"), "contacts"),
        "statements": statements,
    }


def shipped() -> dict[str, Path]:
    """Playbook id -> YAML file shipped with Vigie."""
    return {path.stem: path for path in sorted(SHIPPED_DIR.glob("*.yaml"))}


@cache
def _shipped_documents() -> tuple[tuple[str, str, dict[str, Any]], ...]:
    """(id, YAML, parsed) of each shipped playbook, read once per process."""
    out = []
    for slug, path in shipped().items():
        document = path.read_text(encoding="utf-8")
        out.append((slug, document, parse_document(document)))
    return tuple(out)


def ensure_shipped(store: Any, workspace_id: int) -> None:
    """Install the shipped playbooks a workspace does not have yet, as version 1 with draft statements."""
    with store.engine.connect() as conn:
        have = set(conn.execute(select(P.c.slug).where(P.c.workspace_id == workspace_id)).scalars())
    missing = [d for d in _shipped_documents() if d[0] not in have]
    if not missing:
        return
    try:
        with store.engine.begin() as conn:
            for _slug, document, parsed in missing:
                _write_version(conn, workspace_id, parsed, document, "vigie", expected=0)
    except BadRequest:
        pass  # installed at the same moment by another process, from the same files


def save_version(store: Any, workspace_id: int, document: str, by: str | None = None) -> dict[str, Any]:
    """Store an edited playbook as a new version. A statement whose text is unchanged keeps its
    approval; a changed or new text starts as a draft (approval is for the words approved)."""
    parsed = parse_document(document)
    ensure_shipped(store, workspace_id)  # editing a shipped playbook makes version 2, never a second 1
    latest = _latest_row(store, workspace_id, parsed["id"])
    with store.engine.begin() as conn:
        _write_version(conn, workspace_id, parsed, document, by, expected=latest["version"] if latest else 0)
    return get_playbook(store, workspace_id, parsed["id"])


def _write_version(conn: Connection, workspace_id: int, parsed: dict[str, Any], document: str, by: str | None,
                   expected: int) -> int:
    now = _now()
    previous = _statements_of(conn, workspace_id, parsed["id"], expected) if expected else {}
    # The unique (workspace, slug, version) constraint turns two simultaneous edits into one
    # success and one error, never into a silently lost edit.
    try:
        with conn.begin_nested():
            playbook_id = conn.execute(insert(P).values(
                workspace_id=workspace_id, slug=parsed["id"], version=expected + 1, scenario=parsed["scenario"],
                title_fr=parsed["title"]["fr"], title_en=parsed["title"]["en"], steps=parsed["steps"],
                approvers=parsed["approvers"], contacts=parsed["contacts"], document=document,
                created_at=now, created_by=by,
            ).returning(P.c.id)).scalar_one()
    except IntegrityError:
        raise BadRequest(t("playbook.edited_meanwhile", id=parsed["id"])) from None
    rows = []
    for fmt, texts in parsed["statements"].items():
        for lang, body in texts.items():
            old = previous.get((fmt, lang))
            kept = old if old is not None and old["text"] == body and old["status"] == "approved" else None
            rows.append({"workspace_id": workspace_id, "playbook_id": playbook_id, "incident_id": None,
                         "template_id": None, "language": lang, "format": fmt, "text": body,
                         "status": "approved" if kept else "draft",
                         "approved_by": kept["approved_by"] if kept else None,
                         "approved_at": kept["approved_at"] if kept else None,
                         "published_at": None, "published_by": None, "created_at": now})
    if rows:
        conn.execute(insert(S), rows)
    return int(playbook_id)


def _statements_of(conn: Connection, workspace_id: int, slug: str, version: int) -> dict[tuple[str, str], Any]:
    rows = conn.execute(select(S).join(P, P.c.id == S.c.playbook_id).where(
        P.c.workspace_id == workspace_id, P.c.slug == slug, P.c.version == version)).mappings()
    return {(r["format"], r["language"]): dict(r) for r in rows}


def _latest_row(store: Any, workspace_id: int, slug: str, version: int | None = None) -> dict[str, Any] | None:
    query = select(P).where(P.c.workspace_id == workspace_id, P.c.slug == slug)
    query = query.where(P.c.version == version) if version else query.order_by(P.c.version.desc())
    with store.engine.connect() as conn:
        row = conn.execute(query.limit(1)).mappings().first()
    return dict(row) if row else None


def get_playbook(store: Any, workspace_id: int, slug: str, version: int | None = None) -> dict[str, Any]:
    """One version (the latest by default) with its statements and the list of versions."""
    ensure_shipped(store, workspace_id)
    row = _latest_row(store, workspace_id, slug, version)
    if row is None:
        raise BadRequest(t("playbook.unknown", id=slug, known=", ".join(sorted(list_ids(store, workspace_id)))))
    with store.engine.connect() as conn:
        row["statements"] = [st.statement_row(r) for r in conn.execute(select(S).where(S.c.playbook_id == row["id"]).order_by(
            S.c.format, S.c.language)).mappings()]
        row["versions"] = [dict(r) for r in conn.execute(select(P.c.version, P.c.created_at, P.c.created_by).where(
            P.c.workspace_id == workspace_id, P.c.slug == slug).order_by(P.c.version)).mappings()]
    row["title"] = {"fr": row["title_fr"], "en": row["title_en"]}
    return row


def list_ids(store: Any, workspace_id: int) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(select(P.c.slug).where(P.c.workspace_id == workspace_id)).scalars())


def latest_versions(store: Any, workspace_id: int) -> list[dict[str, Any]]:
    """The latest version row of every playbook of the workspace."""
    ensure_shipped(store, workspace_id)
    top = select(P.c.slug, func.max(P.c.version).label("v")).where(
        P.c.workspace_id == workspace_id).group_by(P.c.slug).subquery()
    query = select(P).join(top, and_(P.c.slug == top.c.slug, P.c.version == top.c.v)).where(
        P.c.workspace_id == workspace_id).order_by(P.c.slug)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def statement_counts(store: Any, playbook_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """playbook row id -> {"fr": {"approved": n, "draft": n}, "en": {...}}."""
    out = {pid: {lang: {"approved": 0, "draft": 0} for lang in LANGUAGES} for pid in playbook_ids}
    if not playbook_ids:
        return out
    with store.engine.connect() as conn:
        for pid, lang, status, n in conn.execute(select(S.c.playbook_id, S.c.language, S.c.status, func.count()).where(
                S.c.playbook_id.in_(playbook_ids)).group_by(S.c.playbook_id, S.c.language, S.c.status)):
            out[pid].setdefault(lang, {"approved": 0, "draft": 0})[status] = int(n)
    return out


def list_playbooks(store: Any, workspace_id: int, language: str = "fr") -> list[dict[str, Any]]:
    """The `playbook list --json` shape: id, title, languages, statement counts per language and status."""
    rows = latest_versions(store, workspace_id)
    counts = statement_counts(store, [r["id"] for r in rows])
    return [{"id": r["slug"], "title": r["title_en"] if language == "en" else r["title_fr"],
             "titles": {"fr": r["title_fr"], "en": r["title_en"]}, "scenario": r["scenario"],
             "version": r["version"], "languages": list(LANGUAGES), "statements": counts[r["id"]]}
            for r in rows]


def approve_statement(store: Any, workspace_id: int, slug: str, fmt: str, language: str, by: str,
                      now: datetime | None = None) -> dict[str, Any]:
    """Approve one statement of the playbook's latest version."""
    playbook = get_playbook(store, workspace_id, slug)
    for row in playbook["statements"]:
        if row["format"] == fmt and row["language"] == language:
            return st.approve(store, row["id"], by, now)
    raise BadRequest(t("playbook.no_statement", id=slug, format=fmt, lang=language))


def approved_templates(store: Any, playbook_id: int, language: str | None = None) -> list[dict[str, Any]]:
    """Only approved statements are offered during an incident."""
    query = select(S).where(S.c.playbook_id == playbook_id, S.c.status == "approved")
    if language:
        query = query.where(S.c.language == language)
    with store.engine.connect() as conn:
        return [st.statement_row(r) for r in conn.execute(query.order_by(S.c.format, S.c.language)).mappings()]


def copy_latest(store: Any, from_workspace: int, to_workspace: int, slug: str) -> None:
    """Give another workspace (a drill's sandbox) this playbook as it stands, approvals included."""
    source = get_playbook(store, from_workspace, slug)
    with store.engine.begin() as conn:
        playbook_id = _write_version(conn, to_workspace, parse_document(source["document"]), source["document"],
                                     source["created_by"], expected=0)
        for row in source["statements"]:
            if row["status"] == "approved":
                conn.execute(update(S).where(S.c.playbook_id == playbook_id, S.c.format == row["format"],
                                             S.c.language == row["language"], S.c.text == row["text"]).values(
                    status="approved", approved_by=row["approved_by"], approved_at=row["approved_at"]))
