"""Accounts and sessions: argon2 password hashes, random session tokens stored hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict, deque
from typing import ClassVar

import msgspec
import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.actor import Actor
from core.roles import Role
from server.notice import Refused

#: Which account is signed in on this browser (not secret; the tablet keeps each account's data apart).
SIGNED_IN_COOKIE = "nithet_user"
_hasher = PasswordHasher()
#: A hash to verify against when the user does not exist, so timing does not tell who exists.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_credentials(db: sqlite_utils.Database, username: str, password: str) -> int | None:
    """The user's id when the password is right; refused `password_expired` for a one-time password past
    its 48 hours (said only to whoever knows it)."""
    row = db.execute(
        "SELECT id, password_hash, password_expires_at FROM users WHERE username = ? AND active = 1",
        [username.strip().lower()],
    ).fetchone()
    if row is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(row[1], password):
        return None
    if row[2] and row[2] < utcnow().isoformat():
        raise Refused("password_expired")
    return int(row[0])


def create_session(db: sqlite_utils.Database, user_id: int, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.table("sessions").insert(
        {
            "token_hash": _token_hash(token),
            "user_id": user_id,
            "created_at": now.isoformat(),
            "expires_at": (now + dt.timedelta(hours=hours)).isoformat(),
        }
    )
    return token


def session_csrf_token(session_token: str, secret: str) -> str:
    """The CSRF token of a session, in Litestar's format (64 hex characters, then their HMAC): the login
    sets it as the CSRF cookie, and the session middleware refuses a state-changing request whose CSRF
    cookie is not this one, so a token obtained in another session (or before logging in) is worthless."""
    from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash

    bound = hmac.new(secret.encode(), f"csrf|{session_token}".encode(), hashlib.sha256).hexdigest()
    bound = bound[:CSRF_SECRET_LENGTH]
    return bound + generate_csrf_hash(bound, secret)


def end_session(db: sqlite_utils.Database, token: str) -> None:
    db.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])


def actor_for_token(db: sqlite_utils.Database, token: str) -> Actor | None:
    row = db.execute(
        "SELECT u.id, u.username, u.display_name, u.role, u.must_change FROM sessions s "
        "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1",
        [_token_hash(token), utcnow().isoformat()],
    ).fetchone()
    if row is None:
        return None
    actor = actor_for_user(db, row[:4])
    return msgspec.structs.replace(actor, must_change=True) if row[4] else actor


def actor_for_user(db: sqlite_utils.Database, row: tuple[int, str, str, Role]) -> Actor:
    user_id, username, display_name, role = row
    networks = frozenset(
        r[0] for r in db.execute("SELECT network_id FROM user_networks WHERE user_id = ?", [user_id])
    )
    return Actor(id=user_id, username=username, display_name=display_name, role=role, network_ids=networks)


class LoginLimiter:
    """Failed logins in a sliding `window` of seconds, counted per key with a limit per kind of key: one
    account from one address, one account from anywhere (slows guessing from many addresses), one address
    over any accounts (slows spraying one guess over many usernames). Memory is bounded: at most `max_keys`
    keys, the least recently failed forgotten first."""

    LIMITS: ClassVar[dict[str, int]] = {"pair": 8, "account": 20, "address": 40}

    def __init__(self, attempts: int = 8, window: float = 60.0, max_keys: int = 10_000):
        self.attempts, self.window, self.max_keys = attempts, window, max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _limit(self, key: str) -> int:
        return self.LIMITS.get(key.split("|", 1)[0], self.attempts)

    def blocked(self, key: str) -> bool:
        q = self._failures.get(key)
        if q is None:
            return False
        while q and q[0] < time.monotonic() - self.window:
            q.popleft()
        if not q:
            del self._failures[key]
            return False
        return len(q) >= self._limit(key)

    def failed(self, key: str) -> None:
        q = self._failures.setdefault(key, deque(maxlen=self._limit(key)))
        q.append(time.monotonic())
        self._failures.move_to_end(key)
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)


def login_keys(username: str, address: str) -> list[str]:
    """The keys a login attempt counts against (LoginLimiter.LIMITS)."""
    name = username.strip().lower()
    return [f"pair|{name}|{address}", f"account|{name}", f"address|{address}"]


def change_password(db: sqlite_utils.Database, user_id: int, new_password: str, keep_token: str) -> int:
    """Store the new hash and end every other session of the user; returns how many sessions ended."""
    db.execute(
        "UPDATE users SET password_hash = ?, must_change = 0, password_expires_at = NULL WHERE id = ?",
        [hash_password(new_password), user_id],
    )
    cursor = db.execute(
        "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?", [user_id, _token_hash(keep_token)]
    )
    return int(cursor.rowcount)


def password_ok(db: sqlite_utils.Database, user_id: int, password: str) -> bool:
    row = db.execute("SELECT password_hash FROM users WHERE id = ? AND active = 1", [user_id]).fetchone()
    return row is not None and verify_password(row[0], password)
