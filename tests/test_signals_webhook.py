"""Webhook delivery to a real loopback server: signature, idempotency key, retries, no resend after a 2xx."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from vigie.exceptions import BadRequest
from vigie.settings import Settings
from vigie.signals import tables as T
from vigie.signals.alerts import AlertBook
from vigie.signals.channels import add_channel
from vigie.signals.channels.delivery import Dispatcher
from vigie.signals.channels.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


def _settings(home, **extra):
    return Settings(home=home, overrides={"allow_private_networks": True, "alert_backoff": 0.0, **extra})


@pytest.fixture
def dispatcher(store, _vigie_home):
    d = Dispatcher(store, _settings(_vigie_home), background=False)
    yield d
    d.close(0)


def _send_test_alert(store, workspace, channel, dispatcher):
    book = AlertBook(store, workspace)
    alert_id, jobs = book.test_alert(channel["id"], datetime.now(UTC))
    dispatcher.submit(jobs)
    return book.get(alert_id)


def _log(store):
    with store.engine.connect() as conn:
        return [(r.attempt, r.status, r.response_status) for r in
                conn.execute(select(T.alert_deliveries).order_by(T.alert_deliveries.c.id))]


def test_generic_webhook_is_signed_and_carries_the_idempotency_key(store, workspace, dispatcher, httpserver,
                                                                    monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", "s3cr3t-value")
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    channel = add_channel(store, workspace["id"], "siem", "webhook",
                          {"url": httpserver.url_for("/hook"), "secret": {"$env": "HOOK_SECRET"}})
    alert = _send_test_alert(store, workspace, channel, dispatcher)
    request = httpserver.log[0][0]
    body = request.get_data()
    assert request.headers["Idempotency-Key"] == alert["uid"]
    assert request.headers["X-Vigie-Alert-Id"] == str(alert["id"])
    assert verify("s3cr3t-value", body, request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER])
    assert not verify("wrong", body, request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER])
    assert json.loads(body)["title"] == alert["title"]


def test_failed_delivery_is_retried_until_the_receiver_answers_2xx(store, workspace, dispatcher, httpserver):
    httpserver.expect_ordered_request("/hook").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok", status=202)
    channel = add_channel(store, workspace["id"], "hook", "webhook", {"url": httpserver.url_for("/hook")})
    _send_test_alert(store, workspace, channel, dispatcher)
    assert dispatcher.run_due() == 1 and dispatcher.run_due() == 1 and dispatcher.run_due() == 0
    assert _log(store) == [(1, "error", 500), (2, "error", 503), (3, "ok", 202)]
    keys = {r.headers["Idempotency-Key"] for r, _ in httpserver.log}
    assert len(keys) == 1  # every retry carries the same key


def test_backoff_doubles_between_attempts(store, workspace, httpserver, _vigie_home):
    httpserver.expect_request("/hook").respond_with_data("down", status=500)
    dispatcher = Dispatcher(store, _settings(_vigie_home, alert_backoff=30.0), background=False)
    channel = add_channel(store, workspace["id"], "hook", "webhook", {"url": httpserver.url_for("/hook")})
    _send_test_alert(store, workspace, channel, dispatcher)
    waits = []
    for _ in range(2):
        with store.engine.connect() as conn:
            due = conn.execute(select(T.alert_sends.c.next_attempt_at)).scalar()
        due = due if due.tzinfo else due.replace(tzinfo=UTC)
        waits.append(round((due - datetime.now(UTC)).total_seconds() / 10) * 10)
        assert dispatcher.run_due() == 0  # not yet
        dispatcher.run_due(due + timedelta(seconds=1))
    assert waits == [30, 60]


def test_delivery_gives_up_after_the_retry_limit(store, workspace, httpserver, _vigie_home):
    httpserver.expect_request("/hook").respond_with_data("no", status=500)
    dispatcher = Dispatcher(store, _settings(_vigie_home, alert_retries=2), background=False)
    channel = add_channel(store, workspace["id"], "hook", "webhook", {"url": httpserver.url_for("/hook")})
    _send_test_alert(store, workspace, channel, dispatcher)
    while dispatcher.run_due():
        pass
    assert len(httpserver.log) == 3
    with store.engine.connect() as conn:
        assert conn.execute(select(T.alert_sends.c.status)).scalar() == "failed"


def test_a_delivered_alert_is_never_sent_again_after_a_restart(store, workspace, dispatcher, httpserver, _vigie_home):
    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = add_channel(store, workspace["id"], "hook", "webhook", {"url": httpserver.url_for("/hook")})
    delivered = _send_test_alert(store, workspace, channel, dispatcher)
    # A second alert whose process died mid-send: claimed long ago, no answer recorded.
    orphan_id, _ = AlertBook(store, workspace).test_alert(channel["id"], datetime.now(UTC))
    with store.engine.begin() as conn:
        conn.execute(update(T.alert_sends).where(T.alert_sends.c.alert_id == orphan_id).values(
            claimed_at=datetime.now(UTC) - timedelta(hours=1)))
    restarted = Dispatcher(store, _settings(_vigie_home), background=False)  # new objects, same store
    assert restarted.run_due() == 1 and restarted.run_due() == 0
    keys = [r.headers["Idempotency-Key"] for r, _ in httpserver.log]
    assert keys.count(delivered["uid"]) == 1
    assert keys.count(AlertBook(store, workspace).get(orphan_id)["uid"]) == 1
    restarted.close(0)


@pytest.mark.parametrize("kind", ["slack", "teams", "mattermost"])
def test_chat_formats(store, workspace, dispatcher, httpserver, kind):
    httpserver.expect_request(f"/{kind}").respond_with_data("ok")
    channel = add_channel(store, workspace["id"], kind, kind, {"url": httpserver.url_for(f"/{kind}")})
    alert = _send_test_alert(store, workspace, channel, dispatcher)
    request = httpserver.log[0][0]
    body = request.get_json()
    assert request.headers["Idempotency-Key"] == alert["uid"]
    if kind == "slack":
        assert body["text"].endswith(alert["title"]) and body["blocks"][0]["type"] == "header"
    elif kind == "teams":
        card = body["attachments"][0]
        assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert card["content"]["body"][0]["text"] == alert["title"]
    else:
        assert body["text"].startswith(f"#### {alert['title']}") and body["username"] == "Vigie"


def test_secrets_never_reach_the_logs_or_the_delivery_log(store, workspace, dispatcher, monkeypatch, caplog):
    token = "T0123/B0456/abcdefSECRETtoken"
    monkeypatch.setenv("SLACK_HOOK", f"http://127.0.0.1:9/services/{token}")
    monkeypatch.setenv("HOOK_SECRET", "hmac-SECRET-value")
    channel = add_channel(store, workspace["id"], "slack", "webhook",
                          {"url": {"$env": "SLACK_HOOK"}, "secret": {"$env": "HOOK_SECRET"}})
    with caplog.at_level(logging.DEBUG):
        _send_test_alert(store, workspace, channel, dispatcher)
    with store.engine.connect() as conn:
        errors = " ".join(r.error or "" for r in conn.execute(select(T.alert_deliveries)))
        stored = json.dumps(conn.execute(select(T.alert_channels.c.config)).scalar())
    assert errors  # the attempt failed (nothing listens on port 9) and says why
    for secret in (token, "hmac-SECRET-value"):
        assert secret not in caplog.text and secret not in errors and secret not in stored
    with pytest.raises(BadRequest):
        add_channel(store, workspace["id"], "bad", "webhook", {"url": "https://x.example", "secret": "in-clear"})


def test_loopback_receivers_are_refused_unless_private_networks_are_allowed(store, workspace, httpserver, _vigie_home):
    httpserver.expect_request("/hook").respond_with_data("ok")
    guarded = Dispatcher(store, _settings(_vigie_home, allow_private_networks=False), background=False)
    channel = add_channel(store, workspace["id"], "hook", "webhook", {"url": httpserver.url_for("/hook")})
    _send_test_alert(store, workspace, channel, guarded)
    assert not httpserver.log and _log(store)[0][1] == "error"
    guarded.close(0)
