"""Who is asking: password hashes, signed session cookies, roles and the trusted-proxy rule.

Pure functions and small classes, no database and no web framework, so each rule can be
tested on its own; `review.login` wires them into the app.

- Passwords are argon2id hashes (argon2-cffi's defaults, a memory-hard scheme); an
  unknown name is verified against a dummy hash so it takes as long as a wrong password.
- A session cookie is `<user_id>.<epoch>.<expires>.<HMAC>`: it cannot be forged without the
  desk's secret, it expires on its own, and bumping the account's `session_epoch`
  (`users passwd`, `users disable`) ends it at once because the desk compares the epoch
  with the database on every request.
- A reverse proxy's user header is believed only from the configured proxy addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SESSION_COOKIE = "claimdesk_session"
ROLE_RANK = {"viewer": 1, "editor": 2, "admin": 3}
MIN_PASSWORD = 10
# Failed sign-ins allowed per attempted account name and per client address in the window,
# counted from the audit log; beyond that every attempt is refused until the window passes.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW_SECONDS = 15 * 60
# One message for every failed sign-in, so the page never says whether an account exists.
LOGIN_FAILED = "Wrong name or password."
TOO_MANY = "Too many failed sign-ins. Wait a few minutes and try again."
FIRST_ADMIN = "claimdesk users add NAME --role admin"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    return None


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash (no account, proxy-only account) costs the same time."""
    try:
        ok = _hasher.verify(stored_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(ok) and stored_hash is not None


def allows(role: str | None, needed: str) -> bool:
    return ROLE_RANK.get(role or "", 0) >= ROLE_RANK[needed]


@dataclass(frozen=True)
class AuthOptions:
    """The config's `review` section, as far as signing in goes."""

    session_hours: float = 12.0
    secure_cookies: bool = False
    proxy_user_header: str = ""
    trusted_proxies: tuple[str, ...] = ()

    @property
    def proxy_enabled(self) -> bool:
        return bool(self.proxy_user_header and self.trusted_proxies)


class Sessions:
    """Signs and reads session cookies; `now` is injectable so expiry is testable without waiting."""

    def __init__(self, secret: str | bytes | None = None, hours: float = 12.0) -> None:
        secret = secrets.token_bytes(32) if secret is None else secret
        self._key = secret.encode() if isinstance(secret, str) else secret
        self.max_age = int(hours * 3600)

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, user_id: int, epoch: int, now: float | None = None) -> str:
        expires = int(time.time() if now is None else now) + self.max_age
        payload = f"{user_id}.{epoch}.{expires}"
        return f"{payload}.{self._sign(payload)}"

    def read(self, cookie: str | None, now: float | None = None) -> tuple[int, int] | None:
        """(user_id, epoch) from a valid, unexpired cookie; None for anything else."""
        parts = (cookie or "").split(".")
        if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
            return None
        payload = ".".join(parts[:3])
        if not hmac.compare_digest(parts[3], self._sign(payload)):
            return None
        if int(parts[2]) <= (time.time() if now is None else now):
            return None
        return int(parts[0]), int(parts[1])


def from_trusted_proxy(client: str | None, proxies: Sequence[str]) -> bool:
    """True when the direct peer is one of the configured proxy addresses or networks."""
    if not client:
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    for entry in proxies:
        try:
            if address in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def parse_proxies(text: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks from the config; a bad entry is a ValueError naming it."""
    entries = tuple(e.strip() for e in text.split(",") if e.strip())
    for e in entries:
        try:
            ipaddress.ip_network(e, strict=False)
        except ValueError:
            raise ValueError(f"{e!r} is not an IP address or network") from None
    return entries


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
