"""`claimdesk review`: serve the editors' review desk with uvicorn.

Wiring only; the app lives in `review.app`. The desk binds to loopback by default
(config `review.host`). It answers only to loopback Host names plus the configured
host, so a page on another site cannot reach it through DNS rebinding. It refuses to
bind anywhere else while nobody could sign in (no account, no trusted proxy), since
that would expose a desk nobody can use to anyone who can reach the port.
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI

from claimdesk.errors import ClaimdeskError, ConfigError
from claimdesk.settings import Settings
from review.app import LOOPBACK_HOSTS, create_app
from review.auth import FIRST_ADMIN, AuthOptions, is_loopback, parse_proxies
from review.submit import DeskChecker
from store.accounts import active_accounts
from store.db import session

_WILDCARDS = {"0.0.0.0", "::", ""}


def auth_options(settings: Settings) -> AuthOptions:
    r = settings.review
    try:
        proxies = parse_proxies(r.trusted_proxies)
    except ValueError as exc:
        raise ConfigError(f"key 'review.trusted_proxies': {exc}") from None
    return AuthOptions(r.session_hours, r.secure_cookies, r.proxy_user_header.strip(), proxies)


def bind_problem(host: str, accounts: int, options: AuthOptions) -> str | None:
    """Why the desk must not listen on `host`, or None. Pure, so the rule is tested directly."""
    if accounts or options.proxy_enabled or is_loopback(host):
        return None
    return (f"refusing to serve the review desk on {host or '*'} with no accounts; create one with "
            f"`{FIRST_ADMIN}` (or bind to 127.0.0.1)")


def desk_app(settings: Settings, host: str, *, checker: DeskChecker | None = None) -> FastAPI:
    """The desk app for `host`, after the bind rule; `checker` lets editors check articles from it."""
    db_path = str(settings.resolve(settings.database))
    options = auth_options(settings)
    with session(db_path) as con:
        accounts = active_accounts(con)
    problem = bind_problem(host, accounts, options)
    if problem:
        raise ClaimdeskError(problem)
    if not accounts and not options.proxy_enabled:
        print(f"no accounts yet: create the first admin with `{FIRST_ADMIN}`, then sign in", file=sys.stderr)
    if host in _WILDCARDS:
        print(f"note: the review desk is listening on all interfaces ({host or '*'}); only signed-in "
              "accounts can use it", file=sys.stderr)
        allowed: tuple[str, ...] = ("*",)
    else:
        allowed = (*LOOPBACK_HOSTS, host.strip("[]"))
    return create_app(db_path, allowed_hosts=allowed, auth=options, checker=checker)


def desk_server(settings: Settings, host: str, port: int, *, checker: DeskChecker | None = None) -> uvicorn.Server:
    """The desk as a uvicorn server, not yet running (`claimdesk serve` runs it in a thread)."""
    app = desk_app(settings, host, checker=checker)
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", server_header=False,
                                         proxy_headers=False))


def run_review(settings: Settings, host: str, port: int, *, checks: bool = False) -> int:
    """Serve the review desk over the configured database until interrupted.

    With `checks` editors may also check articles from the desk; the models load in this
    process on the first submission (`claimdesk serve` loads them at start).
    """
    checker = None
    if checks:
        from flows.prefect_env import configure

        configure()  # before the worker first imports Prefect
        checker = DeskChecker(settings).start()
    server = desk_server(settings, host, port, checker=checker)
    shown = f"[{host}]" if ":" in host else host
    print(f"claimdesk review desk on http://{shown}:{port}/  (Ctrl-C to stop)", file=sys.stderr)
    server.run()
    return 0
