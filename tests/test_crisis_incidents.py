import threading
from datetime import UTC, datetime, timedelta

import pytest

from vigie.crisis import incidents as inc
from vigie.crisis import team
from vigie.exceptions import BadRequest
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings
from vigie.store import Store

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
REVIEW = {"review_summary": "Rappel limité à deux lots", "review_went_well": "Déclaration en 40 min",
          "review_to_improve": "Joindre le juridique plus tôt"}


def _ingest(store, ws, texts, start, step_min=1, prefix="m"):
    source = store.ensure_source(ws["id"], "src", "test")
    items = [Mention(source="test", channel="social", external_id=f"{prefix}{i}", text=text,
                     published_at=start + timedelta(minutes=i * step_min)) for i, text in enumerate(texts)]
    return Ingestor(store, ws, source, Settings()).run(items)


@pytest.fixture
def recall(store, workspace):
    watch = store.add_watch(workspace["id"], "rappel", "rappel AND fromage")
    _ingest(store, workspace, ["rappel du fromage Bleu"] * 3 + ["budget adopté"], T0 - timedelta(minutes=30))
    team.set_member(store, workspace["id"], "spokesperson", "Julie Tremblay", "418-555-0101", now=T0)
    return inc.open_incident(store, workspace["id"], "Rappel du fromage Bleu", scenario="recall",
                             watch_ids=[watch["id"]], by="Marie", now=T0)


def test_opening_copies_the_playbook_checklist_the_team_and_links_recent_watch_mentions(store, recall):
    shown = inc.details(store, recall["id"], now=T0)
    assert shown["status"] == "detected" and shown["mention_count"] == 3
    assert len(shown["steps"]) == 8 and shown["steps"][0]["done_at"] is None
    assert [(r["role"], r["person"]) for r in shown["roles"]] == [("spokesperson", "Julie Tremblay")]
    due = {d["kind"]: d["due_at"] for d in shown["deadlines"]}
    assert due["first_assessment"] == T0 + timedelta(minutes=30)
    assert [e["kind"] for e in shown["timeline"]] == ["status", "snapshot"]


def test_status_changes_follow_the_workflow(store, recall):
    with pytest.raises(BadRequest, match="responding"):
        inc.transition(store, recall["id"], "responding", "Marie", T0)
    row = inc.acknowledge(store, recall["id"], "Marie", T0 + timedelta(minutes=4))
    assert row["status"] == "assessing" and row["acknowledged_at"] == T0 + timedelta(minutes=4)
    row = inc.transition(store, recall["id"], "responding", "Marie", T0 + timedelta(minutes=10))
    assert row["assessed_at"] == T0 + timedelta(minutes=10)
    assert inc.overdue(store, recall["workspace_id"], T0 + timedelta(hours=3))[0]["kind"] == "first_statement"


def test_a_missed_first_assessment_is_listed_as_a_reminder(store, recall):
    assert inc.overdue(store, recall["workspace_id"], T0 + timedelta(minutes=29)) == []
    late = inc.overdue(store, recall["workspace_id"], T0 + timedelta(minutes=45))
    assert [(d["incident_id"], d["kind"], d["late_s"]) for d in late] == [(recall["id"], "first_assessment", 900)]


def test_new_matching_mentions_attach_themselves_while_open(store, workspace, recall):
    _ingest(store, workspace, ["encore le rappel du fromage", "rien à voir"], T0 + timedelta(minutes=5), prefix="n")
    assert inc.attach_new_mentions(store, workspace["id"]) == {recall["id"]: 1}
    assert inc.attach_new_mentions(store, workspace["id"]) == {}  # nothing twice
    inc.acknowledge(store, recall["id"], "Marie")
    inc.close_incident(store, recall["id"], REVIEW, "Marie")
    _ingest(store, workspace, ["rappel du fromage, suite"], T0 + timedelta(minutes=50), prefix="z")
    assert inc.attach_new_mentions(store, workspace["id"]) == {}  # closed incidents stop growing


def test_an_incident_cannot_be_closed_without_its_review(store, recall):
    inc.acknowledge(store, recall["id"], "Marie", T0)
    with pytest.raises(BadRequest, match="review_went_well"):
        inc.close_incident(store, recall["id"], {**REVIEW, "review_went_well": "  "}, "Marie")
    assert inc.get_incident(store, recall["id"])["status"] == "assessing"


def test_closing_keeps_the_review_figures(store, recall):
    inc.acknowledge(store, recall["id"], "Marie", T0 + timedelta(minutes=6))
    closed = inc.close_incident(store, recall["id"], REVIEW, "Marie", T0 + timedelta(hours=2))
    figures = closed["review_figures"]
    # The first linked mention was published 30 min before detection.
    assert figures["time_to_detect_s"] == 1800 and figures["time_to_acknowledge_s"] == 360
    assert figures["time_to_first_statement_s"] is None and figures["peak_volume_per_hour"] == 3
    assert closed["review_to_improve"] == "Joindre le juridique plus tôt"


def test_concurrent_writers_never_lose_notes(store, recall):
    other = Store(store.url)  # a second process's connection pool on the same database
    errors = []

    def write(target, who):
        try:
            for i in range(25):
                inc.add_note(target, recall["id"], f"note {i}", who)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, who)) for s, who in ((store, "Marie"), (other, "Paul"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert errors == []
    notes = [e for e in inc.timeline(store, recall["id"]) if e["kind"] == "note"]
    assert len(notes) == 50 and {n["author"] for n in notes} == {"Marie", "Paul"}


def test_two_people_moving_an_incident_from_the_same_view_cannot_both_win(store, recall):
    inc.acknowledge(store, recall["id"], "Marie", T0)
    with pytest.raises(BadRequest):
        inc.acknowledge(store, recall["id"], "Paul", T0)
    statuses = [e["data"]["to"] for e in inc.timeline(store, recall["id"]) if e["kind"] == "status"]
    assert statuses == ["detected", "assessing"]


def test_notes_need_an_author(store, recall):
    with pytest.raises(BadRequest):
        inc.add_note(store, recall["id"], "texte", " ")
    inc.add_note(store, recall["id"], "On attend l'ACIA", "Marie", kind="decision")
    assert inc.timeline(store, recall["id"])[-1]["kind"] == "decision"


def _alert(store, ws, watch_id, mention_ids, at):
    from sqlalchemy import insert

    from vigie.signals.tables import alerts

    with store.engine.begin() as conn:
        return conn.execute(insert(alerts).values(
            uid=f"uid-{at.timestamp()}", workspace_id=ws["id"], watch_id=watch_id, kind="keyword",
            severity="warning", title="rappel", explanation={"mention_ids": mention_ids}, status="open",
            created_at=at, updated_at=at).returning(alerts.c.id)).scalar_one()


def test_an_incident_opened_from_an_alert_takes_its_time_watch_and_mentions(store, workspace):
    watch = store.add_watch(workspace["id"], "rappel", "rappel")
    _ingest(store, workspace, ["rappel du pain", "rappel du lait"], T0 - timedelta(minutes=20))
    first = store.list_mentions(workspace["id"])[-1]["id"]
    alert_id = _alert(store, workspace, watch["id"], [first], T0 - timedelta(minutes=5))
    with pytest.raises(BadRequest, match="999"):
        inc.open_incident(store, workspace["id"], "Rappel", alert_ids=[999], now=T0)
    row = inc.open_incident(store, workspace["id"], "Rappel", alert_ids=[alert_id], now=T0)
    assert row["detected_at"] == T0 - timedelta(minutes=5) and row["watch_ids"] == [watch["id"]]
    inc.acknowledge(store, row["id"], "Marie", T0 + timedelta(minutes=2))
    figures = inc.close_incident(store, row["id"], REVIEW, "Marie", T0 + timedelta(hours=1))["review_figures"]
    # Onset: the mention the alert pointed at, published 20 minutes before now, 15 before the alert.
    assert figures["time_to_detect_s"] == 900 and figures["time_to_acknowledge_s"] == 420
    from vigie.signals.alerts import AlertBook

    assert AlertBook(store, workspace).get(alert_id)["status"] == "acknowledged"
