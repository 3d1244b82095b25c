"""Every setting Vigie reads, with its default and help; loaded from vigie.yaml and VIGIE_* variables. See docs/settings.md"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "", "SQLAlchemy URL of the store; empty means SQLite in $VIGIE_HOME/vigie.db"),
    Setting("language", "fr", "Language of messages and of new workspaces (fr or en)"),
    Setting("timezone", "America/Toronto", "Time zone of new workspaces"),
    Setting("allow_private_networks", False, "Let user-supplied URLs reach loopback, private and link-local addresses"),
    Setting("http_timeout", 20.0, "Seconds before a network request gives up"),
    Setting("http_retries", 3, "Retries for a failed request (time-outs, 429 and 5xx), with exponential backoff"),
    Setting("http_backoff", 1.0, "First backoff delay in seconds; doubles each retry"),
    Setting("politeness_delay", 1.0, "Minimum seconds between two requests to the same host"),
    Setting("max_response_bytes", 20_000_000, "Size cap for one HTTP response or imported file item"),
    Setting("user_agent", "Vigie/0.1 (+https://github.com/vigie-project/vigie)", "User-Agent sent by connectors"),
    Setting("fetch_interval", 900, "Default seconds between two fetches of a source by the scheduler"),
    Setting("full_text", False, "Fetch the linked article's full text for feed entries (honours robots.txt)"),
    Setting("near_duplicate_threshold", 0.6, "Estimated Jaccard similarity above which two mentions join one story"),
    Setting("near_duplicate_days", 3, "Only mentions published within this many days are compared for near-duplicates"),
    Setting("ingest_batch_size", 20000, "Most mentions written per transaction during ingest"),
    Setting("ingest_batch_seconds", 0.25, "A batch waiting this long for a slow source is written without waiting to be full (keeps alerts fast)"),
    Setting("pipeline", ["language", "sentiment", "glossary", "entities", "keyphrases", "topics", "reach"], "Analyzers to run on each new mention, in order (exact and near-duplicate grouping always run)"),
    Setting("topic_threshold", 0.225, "Cosine similarity from which a mention joins an event topic instead of starting one"),
    Setting("topic_window_hours", 72, "A mention only joins a topic seen within this many hours of it (publication or collection time)"),
    Setting("reach_engagement_multiple", 30, "People reached per interaction when reach is estimated from engagement (no followers or audience known)"),
    Setting("entities_spacy_models", {"fr": "fr_core_news_sm"}, "spaCy model per language for named entities (used when installed: pip install 'vigie[ner]'); other languages use the rules; {} turns it off"),
    Setting("entities_spacy_scope", "stories", "Which mentions the spaCy model reads: stories (those joining a story of near-duplicates; the rules read all) or all (every mention, at ingest; slower)"),
    Setting("entities_spacy_model", "", "Deprecated: one spaCy model for every language not in entities_spacy_models (same as its \"*\" key)"),
    Setting("crisis_assessment_minutes", 30, "Minutes after detection by which an incident's first assessment is due"),
    Setting("crisis_statement_minutes", 60, "Minutes after detection by which an incident's first statement is due"),
    Setting("crisis_lookback_hours", 6, "Hours before detection whose watch mentions an incident links when it opens"),
    Setting("crisis_required_roles", ["lead", "spokesperson", "legal", "social_media"],
            "Crisis-team roles the readiness score requires to be filled and confirmed"),
    Setting("readiness_channels", ["social", "online_press", "print_press", "broadcast", "forum", "search_result"],
            "Channel kinds the readiness score expects to be monitored"),
    Setting("readiness_source_max_age_hours", 24, "A source is healthy if its last successful fetch is this recent"),
    Setting("readiness_contact_max_age_days", 90, "Crisis-team roles must have been confirmed within this many days"),
    Setting("readiness_drill_max_age_days", 180, "A drill older than this counts half in the readiness score"),
    Setting("signal_grace", 1200, "Seconds a closed 5-minute bucket still accepts late mentions before its detector learns it"),
    Setting("signal_outage", 3600, "Seconds without any ingest after which the empty buckets count as missing, not zero"),
    Setting("signal_history_days", 28, "Days of history a detector learns from when its series starts or is rebuilt"),
    Setting("alert_retries", 8, "Retries of an alert delivery that did not get a 2xx (or SMTP 2xx) answer"),
    Setting("alert_backoff", 5.0, "First delay in seconds before retrying an alert delivery; doubles each retry"),
    Setting("alert_digest_time", "08:00", "Local time (workspace time zone) of the daily alert digest; empty: none"),
    Setting("sentiment_backend", "builtin", "Sentiment model: builtin (shipped, numpy) or transformers (the [transformers] extra)"),
    Setting("sentiment_model", "", "For the transformers backend: a Hugging Face model id already in the local cache, or a folder"),
    Setting("web_session_hours", 12.0, "Hours a web session lasts without activity before signing in again"),
    Setting("web_login_attempts", 5, "Failed logins per account within 15 minutes before logins are refused for a while"),
    Setting("web_secure_cookies", False, "Mark web cookies Secure: set it when Vigie is served over HTTPS (a reverse proxy)"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def vigie_home() -> Path:
    """$VIGIE_HOME when set, else ./vigie-data: where the store, config and caches live."""
    return Path(os.environ.get("VIGIE_HOME") or "vigie-data").resolve()


def _coerce(setting: Setting, value: Any) -> Any:
    if not isinstance(value, str) or isinstance(setting.default, str):
        return value
    if isinstance(setting.default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on", "oui"}
    if isinstance(setting.default, int):
        return int(value)
    if isinstance(setting.default, float):
        return float(value)
    if isinstance(setting.default, list):
        return json.loads(value) if value.startswith("[") else [v.strip() for v in value.split(",") if v.strip()]
    return value


class Settings:
    """Resolved settings: defaults < vigie.yaml < VIGIE_* environment < explicit overrides."""

    def __init__(self, home: Path | None = None, overrides: dict[str, Any] | None = None) -> None:
        self.home = home or vigie_home()
        values = {s.name: s.default for s in SETTINGS}
        config = self.home / "vigie.yaml"
        if config.exists():
            loaded = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
            for key, value in loaded.items():
                if key not in _BY_NAME:
                    raise ValueError(f"{config}: unknown setting {key!r}")
                values[key] = _coerce(_BY_NAME[key], resolve_env_secrets(value))
        for setting in SETTINGS:
            env = os.environ.get("VIGIE_" + setting.name.upper())
            if env is not None:
                values[setting.name] = _coerce(setting, env)
        for key, value in (overrides or {}).items():
            if key not in _BY_NAME:
                raise ValueError(f"unknown setting {key!r}")
            values[key] = value
        self._values = values

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name, default)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @property
    def database_url(self) -> str:
        url = self._values["database_url"]
        return url or f"sqlite:///{self.home / 'vigie.db'}"


def resolve_env_secrets(value: Any) -> Any:
    """Replace {"$env": "NAME"} by the variable's value, so secrets stay out of files and the store."""
    if isinstance(value, dict):
        if set(value) == {"$env"}:
            return os.environ.get(value["$env"])
        return {k: resolve_env_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_env_secrets(v) for v in value]
    return value
