"""The alert book: turns rule candidates into alerts (grouping by story, cooldown, quiet hours, daily
digest), queues their deliveries, lists and acknowledges them. See docs/alerts.md"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, insert, or_, select, update

from vigie.exceptions import BadRequest
from vigie.i18n import t
from vigie.signals import explain
from vigie.signals import tables as T
from vigie.signals.rules import Candidate, Rule, quiet_until
from vigie.signals.series import as_datetime
from vigie.store import schema
from vigie.store.mentions import as_utc

log = logging.getLogger(__name__)
A = T.alerts
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
MAX_SAMPLES = 5


@dataclass(frozen=True)
class Job:
    """One claimed delivery attempt, handed to the dispatcher (its log row is already written)."""

    send_id: int
    delivery_id: int
    alert_id: int
    channel_id: int
    attempt: int


def _dt(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class AlertBook:
    def __init__(self, store: Any, workspace: dict[str, Any], settings: Any = None) -> None:
        self.store = store
        self.workspace = workspace
        self.workspace_id = int(workspace["id"])
        self.language = workspace.get("language") or "fr"
        self.tz = ZoneInfo(workspace.get("timezone") or "UTC")
        get = settings.get if settings is not None else (lambda _k, d=None: d)
        self.digest_time = str(get("alert_digest_time", "08:00") or "")  # empty: no automatic digest
        self._watches: dict[int, dict[str, Any]] = {}

    def watch(self, watch_id: int | None) -> dict[str, Any] | None:
        if watch_id is None:
            return None
        if watch_id not in self._watches:
            try:
                self._watches[watch_id] = self.store.get_watch(watch_id)
            except BadRequest:
                return None
        return self._watches[watch_id]

    # -- submitting ---------------------------------------------------------------------------
    def submit(self, cand: Candidate, now: datetime) -> tuple[int | None, list[Job]]:
        """Record a candidate: merged into the alert of its story or episode, or a new alert
        (suppressed while the rule cools down). Returns the new alert's id and its claimed jobs."""
        rule = cand.rule
        keys, story_id = self._group_keys(cand)
        existing = self._find_group(rule, keys, now - timedelta(seconds=cand.merge_window_s))
        if existing is not None:
            self._merge(existing, cand, story_id, now)
            return None, []
        explanation = self._explain(cand, now)
        status, deliver_after = "open", None
        if self._cooling(rule, cand.watch_id, now):
            status = "suppressed"
        elif rule.delivery == "digest":
            status = "digest"
        elif rule.severity != "critical":  # a critical alert is worth waking someone for
            deliver_after = quiet_until(rule.quiet_hours, now, self.tz)
        title = self._title(cand, explanation)
        with self.store.engine.begin() as conn:
            alert_id = int(conn.execute(insert(A).values(
                uid=str(uuid.uuid4()), workspace_id=self.workspace_id, rule_id=rule.id, watch_id=cand.watch_id,
                kind=cand.kind, severity=rule.severity, title=title, explanation=explanation, group_key=keys[0],
                story_id=story_id, status=status, created_at=now, updated_at=now, deliver_after=deliver_after,
            ).returning(A.c.id)).scalar_one())
            jobs = self.queue(conn, alert_id, rule.channel_ids, now, deliver_after) if status == "open" else []
        log.info("alert %s (%s, %s): %s", alert_id, cand.kind, status, title)
        return alert_id, jobs

    def _group_keys(self, cand: Candidate) -> tuple[list[str], int | None]:
        """mention:<id> becomes story:<id> once the mention is part of a story; the story's first
        mention's key is looked up too, since that mention may have alerted before the story formed."""
        if not cand.group_key.startswith("mention:") or not cand.mention_ids:
            return [cand.group_key], None
        m, st = schema.mentions, schema.stories
        with self.store.engine.connect() as conn:
            story_id = conn.execute(select(m.c.story_id).where(m.c.id == cand.mention_ids[0])).scalar()
            if story_id is None or not cand.rule.group_by_story:
                return [cand.group_key], story_id
            first = conn.execute(select(st.c.first_mention_id).where(st.c.id == story_id)).scalar()
        keys = [f"story:{story_id}", cand.group_key]
        if first is not None:
            keys.append(f"mention:{first}")
        return keys, int(story_id)

    def _find_group(self, rule: Rule, keys: list[str], since: datetime) -> dict[str, Any] | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(A).where(
                A.c.rule_id == rule.id, A.c.group_key.in_(keys), A.c.created_at >= since,
            ).order_by(A.c.id.desc()).limit(1)).mappings().first()
        return dict(row) if row else None

    def _merge(self, alert: dict[str, Any], cand: Candidate, story_id: int | None, now: datetime) -> None:
        e = dict(alert["explanation"] or {})
        e["occurrences"] = int(e.get("occurrences") or 1) + 1
        e["last_seen_at"] = now.isoformat()
        if cand.reading is not None and cand.facts.get("score", 0) > (e.get("peak_score") or e.get("score") or 0):
            e["peak_score"], e["peak_observed"] = cand.facts.get("score"), cand.facts.get("observed")
        if cand.mention_ids and len(e.get("mention_ids") or []) < 50:
            e["mention_ids"] = [*(e.get("mention_ids") or []), *cand.mention_ids][:50]
        values: dict[str, Any] = {"explanation": e, "updated_at": now}
        if story_id is not None and alert["story_id"] is None:
            values.update(story_id=story_id, group_key=f"story:{story_id}")
        with self.store.engine.begin() as conn:
            conn.execute(update(A).where(A.c.id == alert["id"]).values(**values))

    def _cooling(self, rule: Rule, watch_id: int | None, now: datetime) -> bool:
        if rule.cooldown_s <= 0:
            return False
        watch = A.c.watch_id.is_(None) if watch_id is None else A.c.watch_id == watch_id
        with self.store.engine.connect() as conn:
            return conn.execute(select(A.c.id).where(
                A.c.rule_id == rule.id, watch, A.c.status.in_(("open", "digest", "acknowledged")),
                A.c.created_at >= now - timedelta(seconds=rule.cooldown_s)).limit(1)).first() is not None

    def _explain(self, cand: Candidate, now: datetime) -> dict[str, Any]:
        watch = self.watch(cand.watch_id)
        if cand.reading is not None:
            e = explain.series_explanation(self.store, cand.facts, watch, now)
        elif cand.mention_ids:
            e = explain.mention_explanation(self.store, cand.facts, cand.mention_ids)
            e["mention_ids"] = list(cand.mention_ids)
        else:
            e = dict(cand.facts)
        e.update(rule=cand.rule.name, watch=watch["name"] if watch else None, occurrences=1)
        return e

    def _title(self, cand: Candidate, e: dict[str, Any]) -> str:
        watch = e.get("watch") or "–"
        sample = (e.get("samples") or [{}])[0]
        values = {**{k: v for k, v in e.items() if isinstance(v, str | int | float)}, "watch": watch,
                  "snippet": (sample.get("title") or "")[:80], "who": sample.get("outlet") or sample.get("author") or "–",
                  "share": round(100 * float(e.get("share") or 0)), "keywords": ", ".join(e.get("keywords") or []),
                  "hours": round(float(e.get("silent_s") or 0) / 3600, 1)}
        values.setdefault("ratio", "–")
        return explain.tr(f"alert.title.{cand.kind}", self.language, **values)

    # -- the outbox ---------------------------------------------------------------------------
    def channel_ids(self, wanted: list[int]) -> list[int]:
        c = T.alert_channels
        query = select(c.c.id).where(c.c.workspace_id == self.workspace_id, c.c.enabled.is_(True))
        if wanted:
            query = query.where(c.c.id.in_(wanted))
        with self.store.engine.connect() as conn:
            return [int(x) for x in conn.execute(query.order_by(c.c.id)).scalars()]

    def queue(self, conn: Any, alert_id: int, wanted: list[int], now: datetime,
              deliver_after: datetime | None = None) -> list[Job]:
        """One outbox row per channel. Due now: claimed at once, with the first attempt's log row
        written in the same transaction, so the dispatcher sends without another write first."""
        jobs = []
        for channel_id in self.channel_ids(wanted):
            due_now = deliver_after is None or deliver_after <= now
            send_id = int(conn.execute(insert(T.alert_sends).values(
                workspace_id=self.workspace_id, alert_id=alert_id, channel_id=channel_id,
                status="sending" if due_now else "pending", attempts=1 if due_now else 0,
                next_attempt_at=deliver_after or now, claimed_at=now if due_now else None,
            ).returning(T.alert_sends.c.id)).scalar_one())
            if due_now:
                delivery_id = int(conn.execute(insert(T.alert_deliveries).values(
                    workspace_id=self.workspace_id, send_id=send_id, alert_id=alert_id, channel_id=channel_id,
                    attempt=1, status="sending", started_at=now).returning(T.alert_deliveries.c.id)).scalar_one())
                jobs.append(Job(send_id, delivery_id, alert_id, channel_id, 1))
        return jobs

    # -- digest ---------------------------------------------------------------------------------
    def digest(self, now: datetime, force: bool = False) -> tuple[int | None, list[Job]]:
        """Once a day at `alert_digest_time` (local): one alert listing the digest and suppressed
        alerts not yet reported. The day is claimed in the store, so two processes send one digest."""
        local = now.astimezone(self.tz)
        if not force:
            if not self.digest_time:
                return None, []
            hour, _, minute = self.digest_time.partition(":")
            if (local.hour, local.minute) < (int(hour), int(minute or 0)):
                return None, []
        today = local.date().isoformat()
        w = T.signal_workspaces
        with self.store.engine.begin() as conn:
            if conn.execute(select(w.c.workspace_id).where(w.c.workspace_id == self.workspace_id)).first() is None:
                conn.execute(insert(w).values(workspace_id=self.workspace_id))
            claimed = conn.execute(update(w).where(w.c.workspace_id == self.workspace_id, or_(
                w.c.digest_on.is_(None), w.c.digest_on != today)).values(digest_on=today)).rowcount
            if not claimed and not force:
                return None, []
            rows = [dict(r) for r in conn.execute(select(A).where(
                A.c.workspace_id == self.workspace_id, A.c.status.in_(("digest", "suppressed")),
                A.c.digest_id.is_(None), A.c.created_at <= now).order_by(A.c.id)).mappings()]
            if not rows:
                return None, []
            rules = {r["rule_id"] for r in rows if r["rule_id"]}
            wanted = sorted({c for rule_id in rules for c in self._rule_channels(conn, rule_id)})
            severity = max((r["severity"] for r in rows), key=lambda s: SEVERITY_RANK.get(s, 0))
            explanation = {"alerts": [{"id": r["id"], "kind": r["kind"], "severity": r["severity"], "title": r["title"],
                                       "status": r["status"], "created_at": _dt(as_utc(r["created_at"]))} for r in rows]}
            digest_id = int(conn.execute(insert(A).values(
                uid=str(uuid.uuid4()), workspace_id=self.workspace_id, rule_id=None, watch_id=None, kind="digest",
                severity=severity, title=t("alert.title.digest", self.language, n=len(rows), day=today),
                explanation=explanation, group_key=f"digest:{today}", status="open", created_at=now, updated_at=now,
            ).returning(A.c.id)).scalar_one())
            conn.execute(update(A).where(A.c.id.in_([r["id"] for r in rows])).values(digest_id=digest_id))
            jobs = self.queue(conn, digest_id, wanted, now)
        return digest_id, jobs

    @staticmethod
    def _rule_channels(conn: Any, rule_id: int) -> list[int]:
        ids = conn.execute(select(T.alert_rules.c.channel_ids).where(T.alert_rules.c.id == rule_id)).scalar()
        return list(ids or [])

    def test_alert(self, channel_id: int, now: datetime) -> tuple[int, list[Job]]:
        """A harmless alert sent to one channel, to check its configuration end to end."""
        with self.store.engine.begin() as conn:
            alert_id = int(conn.execute(insert(A).values(
                uid=str(uuid.uuid4()), workspace_id=self.workspace_id, kind="test", severity="info",
                title=t("alert.title.test", self.language), explanation={"test": True}, group_key=None,
                status="open", created_at=now, updated_at=now).returning(A.c.id)).scalar_one())
            return alert_id, self.queue(conn, alert_id, [channel_id], now)

    # -- reading and acknowledging -----------------------------------------------------------------
    def list(self, status: str | None = None, since: datetime | None = None, limit: int = 50) -> list[dict[str, Any]]:
        query = select(A).where(A.c.workspace_id == self.workspace_id)
        if status:
            query = query.where(A.c.status == status)
        if since is not None:
            query = query.where(A.c.created_at >= since)
        with self.store.engine.connect() as conn:
            rows = [_public(dict(r)) for r in conn.execute(query.order_by(A.c.id.desc()).limit(limit)).mappings()]
            s = T.alert_sends
            for row in rows:
                row["deliveries"] = [dict(x) for x in conn.execute(select(s.c.channel_id, s.c.status, s.c.attempts).where(
                    s.c.alert_id == row["id"])).mappings()]
        return rows

    def get(self, alert_id: int) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(A).where(A.c.id == alert_id, A.c.workspace_id == self.workspace_id)).mappings().first()
        if row is None:
            raise BadRequest(f"no alert {alert_id} in this workspace")
        return _public(dict(row))

    def acknowledge(self, alert_id: int, by: str | None, now: datetime | None = None) -> dict[str, Any]:
        """Someone has it in hand: deliveries still waiting (quiet hours, retries) are cancelled."""
        now = now or datetime.now(UTC)
        self.get(alert_id)
        with self.store.engine.begin() as conn:
            conn.execute(update(A).where(A.c.id == alert_id).values(
                status="acknowledged", acknowledged_at=now, acknowledged_by=by, updated_at=now))
            conn.execute(update(T.alert_sends).where(and_(
                T.alert_sends.c.alert_id == alert_id, T.alert_sends.c.status == "pending")).values(status="cancelled"))
        return self.get(alert_id)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("created_at", "updated_at", "deliver_after", "acknowledged_at"):
        row[key] = as_utc(row.get(key))
    return row


def since_hours(hours: float) -> datetime:
    return as_datetime(datetime.now(UTC).timestamp() - hours * 3600)
