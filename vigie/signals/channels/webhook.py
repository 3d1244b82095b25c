"""Webhook channels: Slack, Microsoft Teams (Workflows adaptive card), Mattermost, and a generic JSON
webhook signed with HMAC-SHA256. See docs/alerts.md"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from vigie.exceptions import VigieError
from vigie.signals.channels import ALERT_ID_HEADER, IDEMPOTENCY_HEADER, SendResult, redact
from vigie.signals.explain import render_lines, tr

SIGNATURE_HEADER = "X-Vigie-Signature"
TIMESTAMP_HEADER = "X-Vigie-Timestamp"
MAX_RESPONSE = 4096  # bytes of a receiver's answer kept for the delivery log
COLORS = {"info": "#2f6fdd", "warning": "#e8a100", "critical": "#d0312d"}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>": the timestamp is signed so a captured request
    cannot be replayed later with a fresh one."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, body: bytes, timestamp: str, signature: str, tolerance_s: float = 300.0,
           now: float | None = None) -> bool:
    """What a receiver runs: a constant-time comparison, and a timestamp no older than the tolerance."""
    try:
        age = abs((now if now is not None else time.time()) - float(timestamp))
    except ValueError:
        return False
    return age <= tolerance_s and hmac.compare_digest(sign(secret, timestamp, body), signature)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(alert: dict[str, Any], language: str) -> dict[str, Any]:
    lines = [_slack_escape(x) for x in render_lines(alert, language)]
    footer = tr("alert.footer", language, severity=alert["severity"], id=alert["id"], kind=alert["kind"])
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": alert["title"][:150]}}]
    if lines:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_escape(footer)}]})
    return {"text": f"[{alert['severity']}] {alert['title']}", "blocks": blocks}


def teams_body(alert: dict[str, Any], language: str) -> dict[str, Any]:
    """An adaptive card in the message envelope that Teams Workflows webhooks accept."""
    body: list[dict[str, Any]] = [{"type": "TextBlock", "size": "Medium", "weight": "Bolder", "wrap": True,
                                   "text": alert["title"],
                                   "color": "Attention" if alert["severity"] == "critical" else "Default"}]
    body += [{"type": "TextBlock", "wrap": True, "spacing": "Small", "text": line}
             for line in render_lines(alert, language)]
    body.append({"type": "TextBlock", "isSubtle": True, "size": "Small", "wrap": True,
                 "text": tr("alert.footer", language, severity=alert["severity"], id=alert["id"], kind=alert["kind"])})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def mattermost_body(alert: dict[str, Any], language: str) -> dict[str, Any]:
    text = "\n".join([f"#### {alert['title']}", *render_lines(alert, language)])
    return {"username": "Vigie", "text": text[:16000],
            "props": {"card": tr("alert.footer", language, severity=alert["severity"], id=alert["id"], kind=alert["kind"])},
            "attachments": [{"color": COLORS.get(alert["severity"], "#888888"), "fallback": alert["title"]}]}


FORMATS = {"slack": slack_body, "teams": teams_body, "mattermost": mattermost_body}


class WebhookChannel:
    """POSTs one alert; the dispatcher owns retries, so this makes exactly one attempt."""

    def __init__(self, kind: str, config: dict[str, Any], http: Any, language: str = "fr") -> None:
        self.kind = kind
        self.url = str(config["url"])
        self.secret = config.get("secret")
        self.extra_headers = {str(k): str(v) for k, v in (config.get("headers") or {}).items()}
        self.http = http  # vigie.net.HttpClient: its private-network guard checks every hop
        self.language = language

    def body(self, alert: dict[str, Any]) -> dict[str, Any]:
        if self.kind in FORMATS:
            return FORMATS[self.kind](alert, self.language)
        return alert  # the generic webhook carries the whole alert, explanation included

    def request(self, alert: dict[str, Any], now: float | None = None) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(self.body(alert), ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
        headers = {**self.extra_headers, "Content-Type": "application/json; charset=utf-8",
                   IDEMPOTENCY_HEADER: str(alert["uid"]), ALERT_ID_HEADER: str(alert["id"])}
        if self.secret:
            stamp = str(int(now if now is not None else time.time()))
            headers[TIMESTAMP_HEADER] = stamp
            headers[SIGNATURE_HEADER] = sign(str(self.secret), stamp, body)
        return body, headers

    def send(self, alert: dict[str, Any]) -> SendResult:
        body, headers = self.request(alert)
        try:
            # The raw httpx client (still behind the guard hook) sends the exact signed bytes.
            with self.http.client.stream("POST", self.url, content=body, headers=headers) as response:
                status = response.status_code
                answer = b""
                for chunk in response.iter_bytes():
                    answer += chunk
                    if len(answer) >= MAX_RESPONSE:
                        break
        except (httpx.HTTPError, VigieError, OSError) as exc:
            return SendResult(False, None, redact(f"{type(exc).__name__}: {exc}", self.url, self.secret))
        if 200 <= status < 300:
            return SendResult(True, status)
        snippet = answer[:200].decode("utf-8", "replace")
        return SendResult(False, status, redact(f"HTTP {status}: {snippet}", self.url, self.secret))
