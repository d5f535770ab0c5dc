"""CSRF protection for the review desk's one state-changing request.

Signed double-submit: the browser holds a random cookie, and each form carries a
token `<issued>.<HMAC(secret, cookie|issued)>`. A page on another site can neither
read the cookie nor compute the HMAC without the app's secret. On top, a POST whose
Origin (or, without it, Referer) names another host is refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

COOKIE = "claimdesk_csrf"
FIELD = "csrf_token"
MAX_AGE = 24 * 3600


class Csrf:
    def __init__(self, secret: str | bytes | None = None, max_age: int = MAX_AGE) -> None:
        if secret is None:
            secret = secrets.token_bytes(32)
        self._key = secret.encode() if isinstance(secret, str) else secret
        self.max_age = max_age

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def _sign(self, cookie: str, issued: int) -> str:
        return hmac.new(self._key, f"{cookie}|{issued}".encode(), hashlib.sha256).hexdigest()

    def token(self, cookie: str, now: float | None = None) -> str:
        issued = int(time.time() if now is None else now)
        return f"{issued}.{self._sign(cookie, issued)}"

    def problem(self, cookie: str | None, token: str | None, now: float | None = None) -> str | None:
        """Why the token is not acceptable for this cookie, or None when it is."""
        if not cookie:
            return "missing CSRF cookie; reload the page and submit again"
        if not token:
            return "missing CSRF token; reload the page and submit again"
        issued_text, _, sig = token.partition(".")
        if not issued_text.isdigit() or not hmac.compare_digest(sig, self._sign(cookie, int(issued_text))):
            return "invalid CSRF token; reload the page and submit again"
        if (time.time() if now is None else now) - int(issued_text) > self.max_age:
            return "the form has expired; reload the page and submit again"
        return None


def origin_problem(
    origin: str | None, referer: str | None, host: str | None, scheme: str = "http"
) -> str | None:
    """Refuse a request that says it comes from another site than the one it is sent to.

    Browsers send Origin on every cross-site POST; when neither header is present
    (scripts, old clients) the signed token alone decides.
    """
    claimed = origin if origin is not None else referer
    if claimed is None:
        return None
    parts = urlsplit(claimed)
    if claimed == "null" or not parts.netloc:
        return "request from an unknown origin"
    default = {"http": 80, "https": 443}
    mine = urlsplit(f"{scheme}://{host or ''}")
    theirs_port = parts.port or default.get(parts.scheme)
    mine_port = mine.port or default.get(scheme)
    if (parts.hostname, theirs_port) != (mine.hostname, mine_port):
        return f"request from another site ({parts.hostname}) refused"
    return None
