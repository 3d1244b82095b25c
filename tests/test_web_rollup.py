"""The overview's pre-aggregated counts stay equal to counting the mentions themselves."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select
from webtools import ingest, mention

from vigie.items import Mention
from vigie.store import schema
from vigie.web import rollup
from vigie.web import tables as T
from vigie.web.app import ensure_tables


def _counted(store, ws, watch_id=0):
    rows = rollup.totals(store, ws["id"], 0, 10**6, ("sentiment",), None if watch_id == 0 else [watch_id])
    return {s: n for s, n in rows if n}


def _actual(store, ws):
    m = schema.mentions
    feeling = func.coalesce(m.c.sentiment, "")
    with store.engine.connect() as conn:
        return dict(conn.execute(select(feeling, func.count()).where(m.c.workspace_id == ws["id"]).group_by(feeling)).all())


def test_refresh_counts_new_mentions_once(store, workspace):
    ensure_tables(store)
    watch = store.add_watch(workspace["id"], "Parc", "parc")
    ingest(store, workspace, [mention(i, f"parc numéro {i}") for i in range(3)])
    rollup.refresh(store, workspace)
    ingest(store, workspace, [mention(10 + i, f"autre chose {i}") for i in range(2)])
    rollup.refresh(store, workspace)
    rollup.refresh(store, workspace)  # nothing new: nothing added twice
    assert _counted(store, workspace) == {"": 5} == _actual(store, workspace)
    assert _counted(store, workspace, watch["id"]) == {"": 3}


def test_two_processes_refreshing_at_once_count_each_mention_once(store, workspace, monkeypatch):
    ensure_tables(store)
    ingest(store, workspace, [mention(1, "un")])
    rollup.refresh(store, workspace)
    ingest(store, workspace, [mention(2, "deux")])
    real = rollup._aggregate

    def racing(conn, ws_id, tz, low, high):
        counts = real(conn, ws_id, tz, low, high)
        # Meanwhile another process counts the same mentions and commits first.
        with store.engine.begin() as other:
            rollup._apply(other, ws_id, real(other, ws_id, tz, low, high))
            other.execute(T.rollup_state.update().values(watermark=high))
        return counts

    monkeypatch.setattr(rollup, "_aggregate", racing)
    rollup.refresh(store, workspace)
    assert _counted(store, workspace) == {"": 2}
    assert rollup.verify(store, workspace) is True


def test_days_are_the_organisations_days(store, workspace):
    ensure_tables(store)
    # 03:30 UTC on 1 March is still 28 February in Toronto (UTC-5).
    late = Mention(source="t", channel="social", external_id="late", text="tard",
                   published_at=datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    ingest(store, workspace, [late])
    rollup.refresh(store, workspace)
    days = rollup.totals(store, workspace["id"], 0, 10**6, ("day",))
    assert [rollup.day_date(d).isoformat() for d, _ in days] == ["2026-02-28"]


def test_sentiment_correction_moves_the_counts(store, workspace):
    from webtools import build_web  # noqa: F401  (the mention module needs the web tables)

    from vigie.web import mentions as mq
    from vigie.web.access import Scope

    ensure_tables(store)
    watch = store.add_watch(workspace["id"], "Parc", "parc")
    ingest(store, workspace, [mention(1, "parc fermé"), mention(2, "parc ouvert")])
    rollup.refresh(store, workspace)
    scope = Scope(workspace["id"], None, "test", "editor")
    assert mq.correct_sentiment(store, scope, workspace, [1], "negative") == 1
    assert _counted(store, workspace) == {"": 1, "negative": 1} == {k: v for k, v in _actual(store, workspace).items()}
    assert _counted(store, workspace, watch["id"]) == {"": 1, "negative": 1}
    assert rollup.verify(store, workspace) is True


def test_verify_rebuilds_after_mentions_are_deleted(store, workspace):
    ensure_tables(store)
    ingest(store, workspace, [mention(i, f"texte {i}") for i in range(4)])
    rollup.refresh(store, workspace)
    with store.engine.begin() as conn:
        conn.execute(schema.mentions.delete().where(schema.mentions.c.external_id == "m0"))
    assert rollup.verify(store, workspace) is False
    assert _counted(store, workspace) == {"": 3}


def test_a_new_time_zone_recounts_everything(store, workspace):
    ensure_tables(store)
    ingest(store, workspace, [mention(1, "x")])
    rollup.refresh(store, workspace)
    moved = {**workspace, "timezone": "Asia/Tokyo"}
    rollup.refresh(store, moved)
    with store.engine.connect() as conn:
        assert conn.execute(select(T.rollup_state.c.timezone)).scalar() == "Asia/Tokyo"
    assert Counter(dict(rollup.totals(store, workspace["id"], 0, 10**6, ("channel",)))) == {"social": 1}
