"""Accounts, passwords, sessions and login throttling of the verification station (NĐ 13/2023).

Passwords are stored as argon2id hashes (``argon2-cffi``, its RFC 9106 low-memory profile) and
re-hashed when the parameters change. A session is a random token in an ``HttpOnly`` cookie; the
database keeps only its SHA-256, with the session's CSRF token. Sessions end on logout, after
``idle`` seconds without a request, or ``lifetime`` seconds after login. Failed logins are counted
per account and per client address; past ``max_failures`` in ``window`` seconds further attempts
are refused until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, insert, select, update

from archive.model import iso_vn
from sohoa.clock import now_vn
from review.store import Store, leases, login_failures, sessions, users
from sohoa.errors import ExitCode, SohoaError

ROLES = ("clerk", "lead", "admin")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 10
ADDRESS_FACTOR = 5
"""An address may fail this many times more than an account: clerks of one office share an address."""
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")


class AccountError(SohoaError):
    """An account command or a login cannot be carried out."""

    exit_code = ExitCode.CONFIG
    reason = "account_error"
    message_vi = "Không thực hiện được thao tác với tài khoản."


@dataclass(frozen=True)
class User:
    """A signed-in person."""

    name: str
    role: str

    @property
    def can_lead(self) -> bool:
        """Leads and admins see progress per run and per clerk."""
        return self.role in ("lead", "admin")


@dataclass(frozen=True)
class Session:
    """An open session: its user and CSRF token."""

    user: User
    csrf: str
    token_hash: str


def add_user(store: Store, name: str, role: str, password: str) -> None:
    """Create an account, or reset the password and role of an existing one (and enable it).

    Raises:
        AccountError: An invalid name, role or password.
    """
    if not NAME_RE.fullmatch(name):
        raise AccountError("an account name is 1-64 lower-case letters, digits, '.', '_' or '-'",
                           message_vi="Tên tài khoản gồm 1-64 chữ thường không dấu, chữ số, '.', '_' hoặc '-'.")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}",
                           message_vi="Vai trò phải là clerk, lead hoặc admin.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters",
                           message_vi=f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    now = iso_vn(now_vn())
    digest = _hasher.hash(password)
    with store.write() as db:
        found = db.execute(select(users.c.name).where(users.c.name == name)).first()
        if found is None:
            db.execute(insert(users).values(name=name, role=role, password_hash=digest, enabled=1,
                                            created_at=now, updated_at=now))
        else:
            db.execute(update(users).where(users.c.name == name).values(role=role, password_hash=digest,
                                                                       enabled=1, updated_at=now))
        db.execute(delete(sessions).where(sessions.c.user_name == name))


def disable_user(store: Store, name: str) -> None:
    """Turn an account off: it can no longer log in, and its sessions and leases end at once.

    Raises:
        AccountError: No such account.
    """
    with store.write() as db:
        done = db.execute(update(users).where(users.c.name == name)
                          .values(enabled=0, updated_at=iso_vn(now_vn()))).rowcount
        if not done:
            raise AccountError("no such account", message_vi="Không có tài khoản này.")
        db.execute(delete(sessions).where(sessions.c.user_name == name))
        db.execute(delete(leases).where(leases.c.holder == name))


def list_users(store: Store) -> list[dict]:
    """Every account: name, role, enabled (never the hash)."""
    with store.read() as db:
        rows = db.execute(select(users.c.name, users.c.role, users.c.enabled).order_by(users.c.name)).mappings()
        return [{"name": r["name"], "role": r["role"], "enabled": bool(r["enabled"])} for r in rows]


def enabled_user(store: Store, name: str) -> User | None:
    """The enabled account ``name`` (for a name a trusted proxy vouches for), or None."""
    with store.read() as db:
        row = db.execute(select(users.c.role).where(users.c.name == name, users.c.enabled == 1)).first()
    return User(name, row[0]) if row else None


@dataclass(frozen=True)
class Throttle:
    """Login throttling: at most ``max_failures`` failed attempts per account (and ``ADDRESS_FACTOR`` times
    as many per client address) in ``window`` seconds."""

    max_failures: int = 5
    window: float = 900.0


def check_password(store: Store, name: str, password: str, *, client: str, throttle: Throttle) -> User:
    """The user, when ``password`` is right and the account enabled.

    Raises:
        AccountError: reason ``login_throttled`` (too many failures: wait), or ``login_failed``
            (wrong name or password, or a disabled account: the three are not told apart).
    """
    keys = (f"user:{name.lower()}", f"addr:{client}")
    now = time.time()
    with store.write() as db:
        db.execute(delete(login_failures).where(login_failures.c.at < now - throttle.window))
        counts = [db.execute(select(func.count()).select_from(login_failures)
                             .where(login_failures.c.key == key)).scalar_one() for key in keys]
        if counts[0] >= throttle.max_failures or counts[1] >= throttle.max_failures * ADDRESS_FACTOR:
            minutes = max(1, round(throttle.window / 60))
            raise AccountError("too many failed logins; try again later", reason="login_throttled",
                               message_vi=f"Đăng nhập sai quá nhiều lần; hãy thử lại sau {minutes} phút.")
        row = db.execute(select(users.c.role, users.c.password_hash)
                         .where(users.c.name == name, users.c.enabled == 1)).first()
        ok, new_hash = _verify(row[1] if row and row[1] else None, password)
        if not ok:
            db.execute(insert(login_failures), [{"key": key, "at": now} for key in keys])
        elif new_hash:
            db.execute(update(users).where(users.c.name == name).values(password_hash=new_hash))
    if not ok:
        raise AccountError("wrong account name or password", reason="login_failed",
                           message_vi="Sai tên tài khoản hoặc mật khẩu.")
    return User(name, row[0])


def _verify(stored: str | None, password: str) -> tuple[bool, str | None]:
    """(password right, a new hash when the stored one uses old parameters); constant work when unknown."""
    try:
        _hasher.verify(stored or _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, _hasher.hash(password) if _hasher.check_needs_rehash(stored) else None


def open_session(store: Store, user: User) -> tuple[str, str]:
    """Start a session; returns (cookie token, CSRF token). Only the token's SHA-256 is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = time.time()
    with store.write() as db:
        db.execute(insert(sessions).values(token_hash=_digest(token), user_name=user.name, csrf=csrf,
                                           created=now, last_seen=now))
    return token, csrf


def find_session(store: Store, token: str | None, *, idle: float, lifetime: float) -> Session | None:
    """The live session of a cookie token (its last use is refreshed), or None."""
    if not token:
        return None
    digest, now = _digest(token), time.time()
    with store.read() as db:
        row = db.execute(select(sessions.c.user_name, sessions.c.csrf, sessions.c.created, sessions.c.last_seen,
                                users.c.role)
                         .join(users, users.c.name == sessions.c.user_name)
                         .where(sessions.c.token_hash == digest, users.c.enabled == 1)).first()
    if row is None:
        return None
    expired = now - row.last_seen > idle or now - row.created > lifetime
    if expired or now - row.last_seen > 30:  # a write only now and then, not on every request
        with store.write() as db:
            if expired:
                db.execute(delete(sessions).where(sessions.c.token_hash == digest))
            else:
                db.execute(update(sessions).where(sessions.c.token_hash == digest).values(last_seen=now))
    if expired:
        return None
    return Session(User(row.user_name, row.role), row.csrf, digest)


def close_session(store: Store, session: Session) -> None:
    """End a session and release the leases its user holds."""
    with store.write() as db:
        db.execute(delete(sessions).where(sessions.c.token_hash == session.token_hash))
        db.execute(delete(leases).where(leases.c.holder == session.user.name))


def csrf_ok(session: Session, sent: str | None) -> bool:
    """True when the request carried the session's CSRF token."""
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
