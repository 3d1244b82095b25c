"""Email channel: one plain-text message per alert over SMTP (STARTTLS or TLS, optional login).
See docs/alerts.md"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from vigie.signals.channels import ALERT_ID_HEADER, IDEMPOTENCY_HEADER, SendResult, redact
from vigie.signals.explain import render_text


class EmailChannel:
    """Config: host, port, to (address or list), from, username, password ({"$env": NAME}),
    starttls (default true when a username is set), ssl, timeout."""

    kind = "email"

    def __init__(self, config: dict[str, Any], language: str = "fr") -> None:
        self.host = str(config["host"])
        self.use_ssl = bool(config.get("ssl", False))
        self.username = config.get("username")
        self.password = config.get("password")
        self.starttls = bool(config.get("starttls", bool(self.username) and not self.use_ssl))
        self.port = int(config.get("port") or (465 if self.use_ssl else 587 if self.starttls else 25))
        to = config["to"]
        self.to = [to] if isinstance(to, str) else list(to)
        self.sender = str(config.get("from") or "vigie@localhost")
        self.timeout = float(config.get("timeout") or 20.0)
        self.language = language

    def message(self, alert: dict[str, Any]) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = f"[Vigie] [{alert['severity']}] {alert['title']}"[:250]
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.to)
        msg["Date"] = formatdate(localtime=False)
        # The alert's uid makes the Message-ID: a resent alert is the same message to mail clients.
        msg["Message-ID"] = f"<{alert['uid']}@vigie>"
        msg[IDEMPOTENCY_HEADER] = str(alert["uid"])
        msg[ALERT_ID_HEADER] = str(alert["id"])
        msg.set_content(render_text(alert, self.language))
        return msg

    def send(self, alert: dict[str, Any]) -> SendResult:
        msg = self.message(alert)
        smtp_cls = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        try:
            with smtp_cls(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(str(self.username), str(self.password or ""))
                refused = smtp.send_message(msg)
        except smtplib.SMTPResponseException as exc:
            return SendResult(False, exc.smtp_code, redact(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", self.password))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            return SendResult(False, codes[0] if codes else None, f"all recipients refused: {sorted(exc.recipients)}")
        except (smtplib.SMTPException, OSError) as exc:
            return SendResult(False, None, redact(f"{type(exc).__name__}: {exc}", self.password))
        if refused:  # accepted for some recipients: delivered, and the log says who was refused
            return SendResult(True, 250, f"refused: {sorted(refused)}")
        return SendResult(True, 250)
