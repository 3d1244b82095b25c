"""Local accounts: argon2 password hashes, server-side sessions, login throttling, API tokens.
See docs/access.md"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from vigie.store.mentions import as_utc
from vigie.web import tables as T
from vigie.web.errors import Problem, Throttled

ROLES: tuple[str, ...] = ("viewer", "editor", "admin", "owner")  # weakest first
TEAM_KINDS: tuple[str, ...] = ("department", "agency")
TOKEN_SCOPES: tuple[str, ...] = ("read", "write", "admin")
THROTTLE_WINDOW = timedelta(minutes=15)
IP_ATTEMPTS = 30  # per address and window, whatever the account: slows password spraying
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults
# Verifying against this when the account does not exist keeps the response time the same, so
# timing does not tell which e-mail addresses have an account.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (the test suite uses cheap ones to stay fast)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not a real password, only for timing")


class InvalidLogin(Problem):
    """Wrong e-mail or password (deliberately not saying which)."""


def _now() -> datetime:
    return datetime.now(UTC)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Problem("error.password_short", n=MIN_PASSWORD)
    return _hasher.hash(password)


def generate_password() -> str:
    """A password to print once: 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


@dataclass
class Session:
    token_hash: str
    user: dict[str, Any]
    workspace_id: int
    csrf_token: str
    expires_at: datetime


class Accounts:
    """Users, memberships, sessions and tokens, on the store's engine."""

    def __init__(self, store: Any, session_hours: float = 12.0, max_attempts: int = 5) -> None:
        self.store = store
        self.engine = store.engine
        self.session_hours = session_hours
        self.max_attempts = max_attempts

    # -- users -------------------------------------------------------------------------------
    def create_user(self, email: str, name: str, password: str, *, language: str | None = None,
                    timezone: str | None = None) -> dict[str, Any]:
        email = normalise_email(email)
        with self.engine.begin() as conn:
            if conn.execute(select(T.users.c.id).where(T.users.c.email == email)).first():
                raise Problem("error.email_taken", email=email)
            user_id = conn.execute(insert(T.users).values(
                email=email, name=name.strip() or email, password_hash=hash_password(password),
                language=language, timezone=timezone, created_at=_now(),
            ).returning(T.users.c.id)).scalar_one()
        return self.get_user(int(user_id))

    def get_user(self, user_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(T.users).where(T.users.c.id == user_id)).mappings().first()
        if row is None:
            raise Problem("error.no_user")
        return dict(row)

    def find_user(self, email: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(T.users).where(T.users.c.email == normalise_email(email))).mappings().first()
        return dict(row) if row else None

    def update_user(self, user_id: int, **values: Any) -> dict[str, Any]:
        allowed = {"name", "language", "timezone", "active"}
        if set(values) - allowed:
            raise ValueError(f"cannot change {', '.join(sorted(set(values) - allowed))}")
        with self.engine.begin() as conn:
            conn.execute(update(T.users).where(T.users.c.id == user_id).values(**values))
            if values.get("active") is False:
                conn.execute(delete(T.sessions).where(T.sessions.c.user_id == user_id))
        return self.get_user(user_id)

    def set_password(self, user_id: int, password: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(T.users).where(T.users.c.id == user_id).values(
                password_hash=hash_password(password)))
            # A new password ends every other session: the usual reason to change it is a leak.
            conn.execute(delete(T.sessions).where(T.sessions.c.user_id == user_id))

    def count_users(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(T.users)).scalar_one())

    # -- memberships -------------------------------------------------------------------------
    def set_membership(self, user_id: int, workspace_id: int, role: str) -> None:
        if role not in ROLES:
            raise Problem("error.bad_role", role=role, known=", ".join(ROLES))
        with self.engine.begin() as conn:
            current = conn.execute(select(T.memberships.c.role).where(
                T.memberships.c.user_id == user_id, T.memberships.c.workspace_id == workspace_id)).scalar()
            if current == "owner" and role != "owner":
                self._keep_an_owner(conn, workspace_id, user_id)
            if current is None:
                conn.execute(insert(T.memberships).values(user_id=user_id, workspace_id=workspace_id,
                                                          role=role, created_at=_now()))
            else:
                conn.execute(update(T.memberships).where(
                    T.memberships.c.user_id == user_id, T.memberships.c.workspace_id == workspace_id,
                ).values(role=role))

    def remove_membership(self, user_id: int, workspace_id: int) -> None:
        with self.engine.begin() as conn:
            role = conn.execute(select(T.memberships.c.role).where(
                T.memberships.c.user_id == user_id, T.memberships.c.workspace_id == workspace_id)).scalar()
            if role == "owner":
                self._keep_an_owner(conn, workspace_id, user_id)
            conn.execute(delete(T.memberships).where(
                T.memberships.c.user_id == user_id, T.memberships.c.workspace_id == workspace_id))
            conn.execute(delete(T.team_members).where(
                T.team_members.c.user_id == user_id, T.team_members.c.workspace_id == workspace_id))
            conn.execute(delete(T.sessions).where(
                T.sessions.c.user_id == user_id, T.sessions.c.workspace_id == workspace_id))

    @staticmethod
    def _keep_an_owner(conn: Any, workspace_id: int, leaving: int) -> None:
        others = conn.execute(select(func.count()).select_from(T.memberships).where(
            T.memberships.c.workspace_id == workspace_id, T.memberships.c.role == "owner",
            T.memberships.c.user_id != leaving)).scalar_one()
        if not others:
            raise Problem("error.last_owner")

    def role(self, user_id: int, workspace_id: int) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(T.memberships.c.role).where(
                T.memberships.c.user_id == user_id, T.memberships.c.workspace_id == workspace_id)).scalar()

    def workspaces_of(self, user_id: int) -> list[dict[str, Any]]:
        from vigie.store import schema

        w, m = schema.workspaces, T.memberships
        with self.engine.connect() as conn:
            rows = conn.execute(select(w, m.c.role).join(m, m.c.workspace_id == w.c.id).where(
                m.c.user_id == user_id).order_by(w.c.id)).mappings()
            return [dict(r) for r in rows]

    # -- login and throttling ----------------------------------------------------------------
    def authenticate(self, email: str, password: str, ip: str | None) -> dict[str, Any]:
        """The active user with this e-mail and password, or InvalidLogin / Throttled."""
        email = normalise_email(email)
        keys = [f"user:{email}"] + ([f"ip:{ip}"] if ip else [])
        self._check_throttle(keys)
        user = self.find_user(email)
        try:
            _hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password)
            ok = user is not None and bool(user["active"])
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or user is None:
            self._record_failure(keys)
            raise InvalidLogin("login.invalid")
        with self.engine.begin() as conn:
            conn.execute(delete(T.login_failures).where(T.login_failures.c.key == keys[0]))
            values: dict[str, Any] = {"last_login_at": _now()}
            if _hasher.check_needs_rehash(user["password_hash"]):
                values["password_hash"] = _hasher.hash(password)
            conn.execute(update(T.users).where(T.users.c.id == user["id"]).values(**values))
        return user

    def _check_throttle(self, keys: list[str]) -> None:
        since = _now() - THROTTLE_WINDOW
        f = T.login_failures
        with self.engine.connect() as conn:
            for key in keys:
                limit = IP_ATTEMPTS if key.startswith("ip:") else self.max_attempts
                rows = conn.execute(select(func.count(), func.min(f.c.created_at)).where(
                    f.c.key == key, f.c.created_at >= since)).one()
                if rows[0] >= limit:
                    oldest = as_utc(rows[1]) or _now()
                    retry = int((oldest + THROTTLE_WINDOW - _now()).total_seconds()) + 1
                    raise Throttled("login.throttled", max(retry, 1))

    def _record_failure(self, keys: list[str]) -> None:
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(insert(T.login_failures), [{"key": k, "created_at": now} for k in keys])
            conn.execute(delete(T.login_failures).where(T.login_failures.c.created_at < now - THROTTLE_WINDOW))

    # -- sessions ----------------------------------------------------------------------------
    def create_session(self, user_id: int, workspace_id: int, ip: str | None = None,
                       user_agent: str | None = None) -> tuple[str, Session]:
        """A new session; returns the cookie token (shown once) and the session."""
        token = secrets.token_urlsafe(32)
        now = _now()
        row = {"id": sha256(token), "user_id": user_id, "workspace_id": workspace_id,
               "csrf_token": secrets.token_urlsafe(32), "created_at": now, "last_seen_at": now,
               "expires_at": now + timedelta(hours=self.session_hours), "ip": ip,
               "user_agent": (user_agent or "")[:300]}
        with self.engine.begin() as conn:
            conn.execute(delete(T.sessions).where(T.sessions.c.expires_at < now))
            conn.execute(insert(T.sessions).values(**row))
        session = self.load_session(token)
        assert session is not None
        return token, session

    def load_session(self, token: str | None) -> Session | None:
        if not token:
            return None
        s, u = T.sessions, T.users
        with self.engine.connect() as conn:
            row = conn.execute(select(s, u.c.email, u.c.name, u.c.language, u.c.timezone, u.c.active)
                               .join(u, u.c.id == s.c.user_id).where(s.c.id == sha256(token))).mappings().first()
        if row is None or not row["active"] or as_utc(row["expires_at"]) <= _now():  # type: ignore[operator]
            return None
        # Sliding expiry, written at most every five minutes so reading pages rarely writes.
        if _now() - as_utc(row["last_seen_at"]) > timedelta(minutes=5):  # type: ignore[operator]
            with self.engine.begin() as conn:
                conn.execute(update(s).where(s.c.id == row["id"]).values(
                    last_seen_at=_now(), expires_at=_now() + timedelta(hours=self.session_hours)))
        user = {"id": row["user_id"], "email": row["email"], "name": row["name"],
                "language": row["language"], "timezone": row["timezone"]}
        return Session(row["id"], user, int(row["workspace_id"]), row["csrf_token"], as_utc(row["expires_at"]))  # type: ignore[arg-type]

    def switch_workspace(self, token_hash: str, workspace_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(T.sessions).where(T.sessions.c.id == token_hash).values(workspace_id=workspace_id))

    def end_session(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(T.sessions).where(T.sessions.c.id == token_hash))

    # -- API tokens --------------------------------------------------------------------------
    def create_token(self, workspace_id: int, user_id: int, name: str, scopes: list[str],
                     expires_days: int | None = None) -> tuple[str, dict[str, Any]]:
        """A new API token; the raw value is returned once and only its hash is stored."""
        unknown = set(scopes) - set(TOKEN_SCOPES)
        if unknown or not scopes:
            raise Problem("error.token_scopes", known=", ".join(TOKEN_SCOPES))
        raw = "vigie_" + secrets.token_urlsafe(32)
        now = _now()
        with self.engine.begin() as conn:
            token_id = conn.execute(insert(T.api_tokens).values(
                workspace_id=workspace_id, user_id=user_id, name=name.strip() or "token",
                token_hash=sha256(raw), prefix=raw[:12], scopes=sorted(set(scopes)), created_at=now,
                expires_at=now + timedelta(days=expires_days) if expires_days else None,
            ).returning(T.api_tokens.c.id)).scalar_one()
            row = conn.execute(select(T.api_tokens).where(T.api_tokens.c.id == token_id)).mappings().one()
        return raw, dict(row)

    def load_token(self, raw: str) -> dict[str, Any] | None:
        """The live token row with its user, or None (unknown, revoked, expired, user disabled)."""
        t, u = T.api_tokens, T.users
        with self.engine.connect() as conn:
            row = conn.execute(select(t, u.c.email, u.c.name, u.c.language, u.c.timezone, u.c.active)
                               .join(u, u.c.id == t.c.user_id).where(t.c.token_hash == sha256(raw))).mappings().first()
        if row is None or row["revoked_at"] is not None or not row["active"]:
            return None
        if row["expires_at"] is not None and as_utc(row["expires_at"]) <= _now():  # type: ignore[operator]
            return None
        last = as_utc(row["last_used_at"])
        if last is None or _now() - last > timedelta(minutes=5):
            with self.engine.begin() as conn:
                conn.execute(update(t).where(t.c.id == row["id"]).values(last_used_at=_now()))
        return dict(row)

    def list_tokens(self, workspace_id: int, user_id: int | None = None) -> list[dict[str, Any]]:
        t = T.api_tokens
        query = select(t.c.id, t.c.user_id, t.c.name, t.c.prefix, t.c.scopes, t.c.created_at, t.c.last_used_at,
                       t.c.expires_at, t.c.revoked_at).where(t.c.workspace_id == workspace_id)
        if user_id is not None:
            query = query.where(t.c.user_id == user_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query.order_by(t.c.id)).mappings()]

    def revoke_token(self, token_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(T.api_tokens).where(T.api_tokens.c.id == token_id).values(revoked_at=_now()))


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise Problem("error.email")
    return email
