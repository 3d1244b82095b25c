"""Email alerts through a real SMTP server (aiosmtpd) on loopback."""

import socket
from datetime import UTC, datetime
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from vigie.settings import Settings
from vigie.signals import tables as T
from vigie.signals.alerts import AlertBook
from vigie.signals.channels import add_channel
from vigie.signals.channels.delivery import Dispatcher


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"vigie" and auth_data.password == b"mot-de-passe"
        return AuthResult(success=ok, handled=False)  # handled=False: the server sends the 535 itself

    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), authenticator=check,
                            auth_require_tls=False)
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def dispatcher(store, _vigie_home):
    d = Dispatcher(store, Settings(home=_vigie_home, overrides={"alert_backoff": 0.0}), background=False)
    yield d
    d.close(0)


def _send(store, workspace, channel, dispatcher):
    book = AlertBook(store, workspace)
    alert_id, jobs = book.test_alert(channel["id"], datetime.now(UTC))
    dispatcher.submit(jobs)
    return book.get(alert_id)


def _statuses(store):
    with store.engine.connect() as conn:
        return [(r.status, r.response_status) for r in conn.execute(select(T.alert_deliveries))]


def test_email_alert_reaches_a_real_smtp_server(store, workspace, dispatcher, smtp):
    inbox, port = smtp
    channel = add_channel(store, workspace["id"], "équipe", "email", {
        "host": "127.0.0.1", "port": port, "to": ["comms@ville.example", "garde@ville.example"],
        "from": "vigie@ville.example"})
    alert = _send(store, workspace, channel, dispatcher)
    [(recipients, message)] = inbox.messages
    assert recipients == ["comms@ville.example", "garde@ville.example"]
    assert message["Subject"] == f"[Vigie] [info] {alert['title']}"
    assert message["Idempotency-Key"] == alert["uid"] and message["Message-ID"] == f"<{alert['uid']}@vigie>"
    assert alert["title"] in message.get_payload(decode=True).decode("utf-8")
    assert _statuses(store) == [("ok", 250)]


def test_smtp_login_uses_the_password_from_the_environment(store, workspace, dispatcher, smtp, monkeypatch):
    inbox, port = smtp
    channel = add_channel(store, workspace["id"], "auth", "email", {
        "host": "127.0.0.1", "port": port, "to": "comms@ville.example", "username": "vigie", "starttls": False,
        "password": {"$env": "SMTP_PASSWORD"}})
    monkeypatch.setenv("SMTP_PASSWORD", "mauvais")
    _send(store, workspace, channel, dispatcher)
    assert _statuses(store) == [("error", 535)] and not inbox.messages  # refused, retry scheduled
    monkeypatch.setenv("SMTP_PASSWORD", "mot-de-passe")  # fixed: the retry reads the new value
    assert dispatcher.run_due() == 1
    assert _statuses(store)[-1] == ("ok", 250) and len(inbox.messages) == 1


def test_unreachable_smtp_server_is_logged_and_retried(store, workspace, dispatcher):
    channel = add_channel(store, workspace["id"], "down", "email", {
        "host": "127.0.0.1", "port": _free_port(), "to": "comms@ville.example", "timeout": 2})
    _send(store, workspace, channel, dispatcher)
    with store.engine.connect() as conn:
        send = conn.execute(select(T.alert_sends)).one()
        error = conn.execute(select(T.alert_deliveries.c.error)).scalar()
    assert send.status == "pending" and "ConnectionRefused" in error
