"""Signing in to the review desk: the per-request check, the login page and logout.

Every request except the login page and static files needs a signed-in account: an
anonymous page request is sent to /login, an anonymous JSON request is a 401. Reading
needs `viewer`; anything that changes state (every non-GET request) needs `editor`.
That rule is by method, so a route added later is covered without remembering to be.
Failed sign-ins are counted from the audit log per attempted name and per address.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from review import auth
from review.csrf import COOKIE, Csrf, origin_problem
from store import accounts

PUBLIC_PATHS = frozenset({"/login", "/logout"})
READ_METHODS = frozenset({"GET", "HEAD"})


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or request.query_params.get("format") == "json"


def needed_role(method: str, path: str) -> str | None:
    """The least role a request needs; None for the pages anyone may open."""
    if path in PUBLIC_PATHS or path.startswith("/static/"):
        return None
    return "viewer" if method in READ_METHODS else "editor"


def client_address(request: Request, options: auth.AuthOptions) -> str:
    """Where the request comes from, for the audit log and the per-address limit.

    Behind a trusted proxy that is the first X-Forwarded-For entry; from anyone else the
    header is ignored, since a client could write anything there.
    """
    peer = request.client.host if request.client else ""
    if options.proxy_enabled and auth.from_trusted_proxy(peer, options.trusted_proxies):
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
        return forwarded or peer
    return peer


def authenticate(desk: Any, request: Request) -> dict[str, Any] | None:
    """The signed-in, enabled account for this request, or None. Runs in the thread pool."""
    options: auth.AuthOptions = desk.auth
    peer = request.client.host if request.client else ""
    proxied = options.proxy_enabled and auth.from_trusted_proxy(peer, options.trusted_proxies)
    proxy_name = request.headers.get(options.proxy_user_header, "").strip() if proxied else ""
    session = desk.sessions.read(request.cookies.get(auth.SESSION_COOKIE))
    if not proxy_name and session is None:
        return None
    with desk.read() as con:
        if proxy_name:
            user = accounts.user_by_name(con, proxy_name)
        else:
            assert session is not None
            user = accounts.user_by_id(con, session[0])
            if user is not None and user["session_epoch"] != session[1]:
                return None
    if user is None or user["disabled"]:
        return None
    return user


def refusal(desk: Any, request: Request, user: dict[str, Any] | None) -> Response | None:
    """The response for a request this user may not make, or None when they may."""
    role = needed_role(request.method, request.url.path)
    if role is None or (user is not None and auth.allows(user["role"], role)):
        return None
    if user is None:
        if wants_json(request) or request.method not in READ_METHODS:
            return desk.error(request, 401, "Sign in", "Sign in first.")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
    return desk.error(request, 403, "Refused", f"A {user['role']} account cannot do this; it needs {role}.")


def safe_next(target: str) -> str:
    """Only a path on this desk: never another site (`//host`, `\\\\host`, `https://…`)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _check_form(request: Request, csrf: Csrf, token: str) -> None:
    problem = origin_problem(
        request.headers.get("origin"), request.headers.get("referer"), request.headers.get("host"), request.url.scheme
    )
    problem = problem or csrf.problem(request.cookies.get(COOKIE), token)
    if problem:
        raise HTTPException(403, problem)


def install_login(app: FastAPI, desk: Any) -> None:
    def login_form(request: Request, next_: str, error: str = "", status: int = 200) -> Response:
        with desk.read() as con:
            empty = accounts.active_accounts(con) == 0 and not desk.auth.proxy_enabled
        data = {"next": safe_next(next_), "error": error, "no_accounts": empty, "first_admin": auth.FIRST_ADMIN}
        return desk.render(request, "login.html", data, status=status)

    @app.get("/login")
    def login_page(request: Request) -> Response:
        next_ = safe_next(request.query_params.get("next", "/"))
        if getattr(request.state, "user", None) is not None:
            return RedirectResponse(next_, status_code=303)
        return login_form(request, next_)

    @app.post("/login")
    def login(
        request: Request,
        name: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf_token: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        """Check the password; every failure (unknown name, wrong password, disabled, too many) is audited."""
        _check_form(request, desk.csrf, csrf_token)
        address = client_address(request, desk.auth)
        attempted = name.strip()[: accounts.MAX_NAME]
        with desk.db() as con:
            limited = (
                accounts.failed_logins(con, name=attempted, within_seconds=auth.FAILURE_WINDOW_SECONDS)
                >= auth.MAX_FAILURES_PER_ACCOUNT
                or accounts.failed_logins(con, address=address, within_seconds=auth.FAILURE_WINDOW_SECONDS)
                >= auth.MAX_FAILURES_PER_ADDRESS
            )
            user = None if limited else accounts.user_by_name(con, attempted)
        usable = user is not None and not user["disabled"]
        # Verified even when the account is unknown or disabled, so the time taken says nothing.
        ok = auth.verify_password(user["password_hash"] if usable and user else None, password) and not limited
        with desk.db() as con:
            if ok and user is not None:
                accounts.audit(con, "login", actor=user["name"], subject=user["name"], address=address)
            else:
                accounts.audit(con, "login_failed", actor=None, subject=attempted, address=address,
                               detail="rate limited" if limited else None)
        if not ok or user is None:
            return login_form(request, next, auth.TOO_MANY if limited else auth.LOGIN_FAILED,
                              429 if limited else 401)
        response = RedirectResponse(safe_next(next), status_code=303)
        secure = desk.auth.secure_cookies or request.url.scheme == "https"
        response.set_cookie(
            auth.SESSION_COOKIE,
            desk.sessions.issue(int(user["user_id"]), int(user["session_epoch"])),
            max_age=desk.sessions.max_age,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )
        # A fresh CSRF cookie for the signed-in session, so a token seen before sign-in is worthless.
        response.set_cookie(COOKIE, Csrf.new_cookie(), httponly=True, samesite="lax", secure=secure, path="/")
        return response

    @app.post("/logout")
    def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
        _check_form(request, desk.csrf, csrf_token)
        user = getattr(request.state, "user", None)
        if user is not None:
            with desk.db() as con:
                accounts.audit(con, "logout", actor=user["name"], subject=user["name"],
                               address=client_address(request, desk.auth))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return response
