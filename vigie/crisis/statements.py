"""Holding statements: format checks, placeholder rendering, approval and publication. See docs/crisis-room.md"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from vigie.crisis import incidents, tables
from vigie.exceptions import BadRequest
from vigie.i18n import t
from vigie.store.mentions import as_utc

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
S = tables.statements


@dataclass(frozen=True)
class Format:
    name: str
    max_chars: int
    required: tuple[str, ...]  # placeholders whose value must appear: the reader needs a date, a contact


# X counts every link as 23 characters; Vigie counts the text as written, which is never more lenient
# for the short links holding statements use.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("press_release", 3500, ("date", "contact")),
    Format("social_post", 280, ()),
    Format("website_faq", 6000, ("date", "contact")),
    Format("internal_memo", 3500, ("date",)),
    Format("phone_script", 2500, ("contact",)),
)}

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def format_date(day: date, language: str) -> str:
    """12 mars 2024 / March 12, 2024: the way each language writes a date in a statement."""
    month = _MONTHS["en" if language == "en" else "fr"][day.month - 1]
    if language == "en":
        return f"{month} {day.day}, {day.year}"
    return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"


def placeholders(text: str) -> list[str]:
    """The distinct placeholders of a template, in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def check(fmt: str, text: str, values: Mapping[str, str] | None = None, language: str | None = None) -> list[str]:
    """Problems with a statement, as readable sentences; empty when it passes.

    Without ``values`` the text is a template: required elements must be there as placeholders.
    With ``values`` it is a rendered text: no placeholder may remain and each required value must appear.
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        return [t("statement.unknown_format", language, format=fmt, known=", ".join(FORMATS))]
    problems = []
    if not text.strip():
        problems.append(t("statement.empty", language))
    if len(text) > spec.max_chars:
        problems.append(t("statement.too_long", language, n=len(text), max=spec.max_chars, format=fmt))
    present = set(placeholders(text))
    for element in spec.required:
        if values is None:
            if element not in present:
                problems.append(t("statement.missing_element", language, element=element, format=fmt))
        elif element in present:
            problems.append(t("statement.unfilled", language, name=element))
        elif values.get(element) and str(values[element]) not in text:
            problems.append(t("statement.missing_element", language, element=element, format=fmt))
    if values is not None:
        problems += [t("statement.unfilled", language, name=n) for n in sorted(present - set(spec.required))]
    return problems


def render(text: str, values: Mapping[str, Any]) -> str:
    """Fill {placeholders}; raise BadRequest naming every value still missing."""
    missing = [name for name in placeholders(text) if values.get(name) in (None, "")]
    if missing:
        raise BadRequest(t("statement.missing_values", names=", ".join(missing),
                           example=" ".join(f"--set {n}=…" for n in missing)))
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def _now() -> datetime:
    return datetime.now(UTC)


def statement_row(row: Any) -> dict[str, Any]:
    out = dict(row)
    for key in ("approved_at", "published_at", "created_at"):
        out[key] = as_utc(out[key])
    return out


def get_statement(store: Any, statement_id: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(select(S).where(S.c.id == statement_id)).mappings().first()
    if row is None:
        raise BadRequest(t("statement.unknown", id=statement_id))
    return statement_row(row)


def approve(store: Any, statement_id: int, by: str, now: datetime | None = None) -> dict[str, Any]:
    """Record who approved this exact text and when; the text must pass its format checks."""
    if not by.strip():
        raise BadRequest(t("statement.approver_required"))
    row = get_statement(store, statement_id)
    # A template must carry its placeholders; an incident's text must have none left unfilled.
    problems = check(row["format"], row["text"], None if row["incident_id"] is None else {})
    if problems:
        raise BadRequest("; ".join(problems))
    with store.engine.begin() as conn:
        conn.execute(update(S).where(S.c.id == statement_id).values(
            status="approved", approved_by=by.strip(), approved_at=now or _now()))
    return get_statement(store, statement_id)


def publish(store: Any, statement_id: int, by: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Mark an incident's statement as published. Refused unless it is approved; the first
    publication also sets the incident's first_statement_at and meets its statement deadline."""
    row = get_statement(store, statement_id)
    if row["status"] != "approved":
        raise BadRequest(t("statement.not_approved", id=statement_id))
    if row["incident_id"] is None:
        raise BadRequest(t("statement.template_not_publishable", id=statement_id))
    when = now or _now()
    with store.engine.begin() as conn:
        # The status condition makes approval-then-publish atomic: a row reset to draft between the
        # read above and this write is not published.
        done = conn.execute(update(S).where(S.c.id == statement_id, S.c.status == "approved",
                                            S.c.published_at.is_(None)).values(
            published_at=when, published_by=by)).rowcount
        if done:
            incidents.record_first_statement(conn, row["incident_id"], when, by, row)
    return get_statement(store, statement_id)


def create_for_incident(store: Any, incident: dict[str, Any], fmt: str, language: str, text: str,
                        template: dict[str, Any] | None, now: datetime | None = None) -> dict[str, Any]:
    """An incident's own statement. Rendered unchanged from an approved template it keeps that
    approval; any other text starts as a draft that someone must approve."""
    approved = template if template is not None and template["status"] == "approved" else None
    with store.engine.begin() as conn:
        statement_id = conn.execute(insert(S).values(
            workspace_id=incident["workspace_id"], incident_id=incident["id"],
            template_id=template["id"] if template else None, playbook_id=None,
            language=language, format=fmt, text=text, status="approved" if approved else "draft",
            approved_by=approved["approved_by"] if approved else None,
            approved_at=approved["approved_at"] if approved else None, created_at=now or _now(),
        ).returning(S.c.id)).scalar_one()
    return get_statement(store, statement_id)


def incident_statements(store: Any, incident_id: int) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [statement_row(r) for r in conn.execute(select(S).where(S.c.incident_id == incident_id).order_by(S.c.id)).mappings()]


def values_for(store: Any, incident: dict[str, Any], language: str,
               overrides: Mapping[str, str] | None = None, today: date | None = None) -> dict[str, str]:
    """Placeholder values for an incident: organisation, date, contact (its spokesperson), then the
    incident's own values ({product}, {website}, ...), then ``overrides``."""
    from zoneinfo import ZoneInfo

    from vigie.crisis import tables as crisis_tables
    from vigie.crisis.team import contact_line, list_members
    from vigie.store import schema

    with store.engine.connect() as conn:
        ws = conn.execute(select(schema.workspaces).where(
            schema.workspaces.c.id == incident["workspace_id"])).mappings().one()
        r = crisis_tables.incident_roles
        role = conn.execute(select(r).where(r.c.incident_id == incident["id"], r.c.role == "spokesperson")).mappings().first()
    if role is None:
        role = next((m for m in list_members(store, incident["workspace_id"]) if m["role"] == "spokesperson"), None)
    try:
        zone = ZoneInfo(ws["timezone"])
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    values = {"organisation": ws["name"], "date": format_date(today or datetime.now(zone).date(), language)}
    contact = contact_line(dict(role) if role else None)
    if contact:
        values["contact"] = contact
    values.update({k: str(v) for k, v in (incident.get("placeholders") or {}).items() if v not in (None, "")})
    values.update({k: v for k, v in (overrides or {}).items() if v not in (None, "")})
    return values


def offered(store: Any, incident: dict[str, Any], language: str | None = None) -> list[dict[str, Any]]:
    """The statements offered during an incident: the APPROVED templates of its scenario's latest
    playbook version, each rendered when every placeholder has a value (else the names missing)."""
    from vigie.crisis import playbooks

    if not incident.get("scenario"):
        return []
    playbook = playbooks.get_playbook(store, incident["workspace_id"], incident["scenario"])
    out = []
    for template in playbooks.approved_templates(store, playbook["id"], language):
        values = values_for(store, incident, template["language"])
        missing = [n for n in placeholders(template["text"]) if n not in values]
        out.append({"template_id": template["id"], "format": template["format"], "language": template["language"],
                    "approved_by": template["approved_by"], "approved_at": template["approved_at"],
                    "missing": missing, "text": None if missing else render(template["text"], values)})
    return out


def prepare(store: Any, incident: dict[str, Any], fmt: str, language: str,
            overrides: Mapping[str, str] | None = None, text: str | None = None) -> dict[str, Any]:
    """The incident's statement in this format and language: rendered from the approved template
    (approved) or, with ``text``, the team's own words (a draft to approve). Format checks apply."""
    if fmt not in FORMATS:
        raise BadRequest(t("statement.unknown_format", format=fmt, known=", ".join(FORMATS)))
    values = values_for(store, incident, language, overrides)
    template = next((o for o in _templates(store, incident, language) if o["format"] == fmt), None)
    if text is None and template is None:
        raise BadRequest(t("statement.none_approved", scenario=incident.get("scenario") or "-",
                           format=fmt, lang=language))
    rendered = None
    if template is not None:
        try:
            rendered = render(template["text"], values)
        except BadRequest:
            if text is None:
                raise
    words = rendered if text is None else text
    assert words is not None  # rendered is set whenever text is None (see above)
    problems = check(fmt, words, values, language)
    if problems:
        raise BadRequest("; ".join(problems))
    # Approval carries over only to the approved words, placeholders filled.
    unchanged = rendered is not None and words == rendered
    return create_for_incident(store, incident, fmt, language, words, template if unchanged else None)


def _templates(store: Any, incident: dict[str, Any], language: str) -> list[dict[str, Any]]:
    from vigie.crisis import playbooks

    if not incident.get("scenario"):
        return []
    playbook = playbooks.get_playbook(store, incident["workspace_id"], incident["scenario"])
    return playbooks.approved_templates(store, playbook["id"], language)
