"""Missed-deadline reminders go out once, through the alert channels, to a real loopback receiver."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from vigie.crisis import incidents as inc
from vigie.crisis.reminders import send_due_reminders
from vigie.signals import tables as T
from vigie.signals.channels import add_channel
from vigie.signals.channels.delivery import Dispatcher

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
REVIEW = {"review_summary": "Fausse alerte", "review_went_well": "Vite vu", "review_to_improve": "Rien"}


@pytest.fixture
def hook(store, workspace, httpserver):
    add_channel(store, workspace["id"], "cellule", "webhook", {"url": httpserver.url_for("/hook")})
    return httpserver


@pytest.fixture
def incident(store, workspace):
    return inc.open_incident(store, workspace["id"], "Panne d'eau potable", by="Marie", now=T0)


def _at(minutes):
    return T0 + timedelta(minutes=minutes)


def _bodies(httpserver):
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


def test_a_missed_deadline_sends_one_reminder_and_the_next_tick_sends_none(store, workspace, settings, hook, incident):
    hook.expect_request("/hook", method="POST").respond_with_data("ok")
    assert send_due_reminders(store, workspace["id"], settings, now=_at(29)) == 0
    assert send_due_reminders(store, workspace["id"], settings, now=_at(45)) == 1
    assert send_due_reminders(store, workspace["id"], settings, now=_at(46)) == 0
    [body] = _bodies(hook)
    assert body["kind"] == "incident_reminder" and body["severity"] == "critical"
    assert body["title"] == f"Rappel — incident n° {incident['id']} (Panne d'eau potable) : première évaluation en retard de 15 min"
    assert body["explanation"]["incident_id"] == incident["id"] and body["explanation"]["deadline"] == "first_assessment"
    deadlines = {d["kind"]: d["reminded_at"] for d in inc.details(store, incident["id"], now=_at(46))["deadlines"]}
    assert deadlines["first_assessment"] is not None and deadlines["first_statement"] is None
    events = [e for e in inc.timeline(store, incident["id"]) if e["kind"] == "reminder"]
    assert [e["text"] for e in events] == ["Rappel envoyé : première évaluation en retard (canaux d'alerte : 1)"]
    assert send_due_reminders(store, workspace["id"], settings, now=_at(70)) == 1  # the statement deadline, once
    assert [b["explanation"]["deadline"] for b in _bodies(hook)] == ["first_assessment", "first_statement"]
    with store.engine.connect() as conn:
        assert conn.execute(select(T.alert_sends.c.status)).scalars().all() == ["delivered", "delivered"]


def test_an_incident_acknowledged_and_assessed_in_time_gets_no_assessment_reminder(store, workspace, settings, hook,
                                                                                  incident):
    hook.expect_request("/hook", method="POST").respond_with_data("ok")
    inc.acknowledge(store, incident["id"], "Marie", _at(5))
    inc.transition(store, incident["id"], "responding", "Marie", _at(20))
    assert send_due_reminders(store, workspace["id"], settings, now=_at(45)) == 0
    assert send_due_reminders(store, workspace["id"], settings, now=_at(70)) == 1
    assert [b["explanation"]["deadline"] for b in _bodies(hook)] == ["first_statement"]


def test_acknowledging_alone_does_not_meet_the_assessment_deadline(store, workspace, settings, hook, incident):
    # Acknowledged means someone has it in hand; the assessment is met only when it moves on
    # (responding, monitoring or closed), which is what `incident list` shows as missed too.
    hook.expect_request("/hook", method="POST").respond_with_data("ok")
    inc.acknowledge(store, incident["id"], "Marie", _at(5))
    assert send_due_reminders(store, workspace["id"], settings, now=_at(45)) == 1
    assert [b["explanation"]["deadline"] for b in _bodies(hook)] == ["first_assessment"]


def test_a_closed_incident_sends_no_reminder(store, workspace, settings, hook, incident):
    inc.acknowledge(store, incident["id"], "Marie", _at(5))
    inc.close_incident(store, incident["id"], REVIEW, "Marie", _at(10))
    assert send_due_reminders(store, workspace["id"], settings, now=_at(120)) == 0
    assert hook.log == []


def test_a_refused_reminder_is_retried_by_the_outbox_and_never_recorded_twice(store, workspace, settings, hook,
                                                                             incident):
    hook.expect_ordered_request("/hook").respond_with_data("busy", status=503)
    hook.expect_ordered_request("/hook").respond_with_data("ok", status=200)
    assert send_due_reminders(store, workspace["id"], settings, now=_at(45)) == 1
    retry_at = datetime.now(UTC) + timedelta(hours=1)  # past the backoff
    dispatcher = Dispatcher(store, settings, background=False)
    assert dispatcher.run_due(retry_at) == 1
    dispatcher.close(0)
    assert send_due_reminders(store, workspace["id"], settings, now=_at(50)) == 0
    assert [response.status_code for _, response in hook.log] == [503, 200]
    keys = {request.headers["Idempotency-Key"] for request, _ in hook.log}
    assert len(keys) == 1


def test_the_scheduler_tick_sends_due_reminders(store, workspace, settings, hook, incident, monkeypatch):
    from vigie.app import Vigie
    from vigie.cli.core import _tick_alerts
    from vigie.signals import engine

    hook.expect_request("/hook", method="POST").respond_with_data("ok")
    app = Vigie(settings, store)
    try:
        _tick_alerts(app, workspace["id"])  # real time: the incident opened at T0 is long overdue
        _tick_alerts(app, workspace["id"])
    finally:
        engine.forget(store)
    assert sorted(b["explanation"]["deadline"] for b in _bodies(hook)) == ["first_assessment", "first_statement"]
