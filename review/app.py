"""The editors' review desk: a small server-rendered FastAPI app over the DuckDB file.

Why it looks like this:
- The app holds no SQL (all of it is in `store.review_queries`). Pages read through
  one read-only DuckDB instance shared by the app's threads (`_Desk.read`,
  store/shared_reads.py), which lets go of the file whenever a writer, here or in a
  check flow's process, waits for it; the queue's whole-database figures are cached
  (review/desk_cache.py). Writes open a short `store.db.session`, one at a time
  (`_Desk.db`). Endpoints are plain `def`, so waiting for the database happens in
  the thread pool, never on the event loop (docs/desk-under-load.md).
- Every page is rendered from one plain `data` dict, which is also the page's JSON
  twin (`?format=json` or a `.json` suffix), so scripts and tests see what editors see.
- Article and source texts are untrusted: Jinja autoescapes everything, pages carry
  a strict Content-Security-Policy (no inline script), the one POST is guarded by
  a signed CSRF token plus an Origin/Referer check, and only loopback Host names are
  served (no DNS rebinding). Errors are short pages, never tracebacks.
- Every page needs a signed-in account (`review.login`): viewers read, editors review.
  The reviewer on a review is the signed-in account, never a name typed in a form.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import duckdb
import jinja2
from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from claimdesk.errors import ClaimdeskError
from claims.rules import RULE_BY_NAME
from review import chart, compare, queue_snapshot, text
from review.auth import AuthOptions, Sessions, allows
from review.csrf import COOKIE, FIELD, Csrf, origin_problem
from review.desk_cache import DeskCache, neighbours_in
from review.login import authenticate, client_address, install_login, refusal
from review.login import wants_json as _wants_json
from review.queue_snapshot import QueueSnapshot
from review.submit import DeskChecker, install_submit
from store import review_queries as q
from store.computed import computed_for_claim
from store.db import session
from store.shared_reads import readers_for

log = logging.getLogger("claimdesk.review")

HERE = Path(__file__).resolve().parent
# Host names the desk answers to; anything else is refused (DNS rebinding). "testserver" is
# the name Starlette's TestClient sends.
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "testserver")
# The queue's article menu lists at most this many articles, the most recently added (issue #16).
MENU_ARTICLES = 200
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _plain(obj: Any) -> Any:
    """Database values as JSON-safe values, so the page and its JSON twin show the same strings."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.isoformat(sep=" ", timespec="seconds")
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _filter(params: Mapping[str, str]) -> q.QueueFilter:
    """The queue filter from query parameters; a bad value is a 400 with the reason."""
    try:
        return q.QueueFilter(
            verdict=params.get("verdict", ""),
            article=params.get("article", ""),
            source=params.get("source", ""),
            status=params.get("status", "") or "all",
            page=int(params.get("page", "") or 1),
            per_page=int(params.get("per_page", "") or 25),
        )
    except ValueError as exc:
        reason = str(exc) if "invalid literal" not in str(exc) else "page and per_page must be whole numbers"
        raise HTTPException(400, reason) from None


def _filter_params(f: q.QueueFilter, **changes: Any) -> dict[str, str]:
    """The non-default filter values, as query parameters for links that keep the editor's place."""
    values = {
        "verdict": f.verdict,
        "article": f.article,
        "source": f.source,
        "status": "" if f.status == "all" else f.status,
        "per_page": "" if f.per_page == 25 else str(f.per_page),
    }
    values.update({k: "" if v is None else str(v) for k, v in changes.items()})
    return {k: v for k, v in values.items() if v}


def _qs(params: Mapping[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


def _host_allowed(host_header: str | None, allowed: Sequence[str]) -> bool:
    if "*" in allowed:
        return True
    host = urlsplit(f"//{host_header or ''}").hostname
    return host is not None and host in allowed


def _short_time(value: Any) -> str:
    return str(value or "")[:16]


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.0f}%"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlq"] = lambda s: quote(str(s), safe="")
    env.filters["when"] = _short_time
    env.filters["pct"] = _pct
    env.filters["label"] = lambda v: (v or "pending").replace("_", " ")
    env.globals["VERDICTS"] = q.VERDICTS
    env.globals["STATUSES"] = q.STATUSES
    return env


class _Desk:
    """What every request needs: the database path, the CSRF and session signers and the templates."""

    def __init__(
        self, db_path: str, csrf: Csrf, allowed_hosts: Sequence[str], sessions: Sessions, auth: AuthOptions
    ) -> None:
        self.db_path = db_path
        self.csrf = csrf
        self.sessions = sessions
        self.auth = auth
        self.allowed_hosts = tuple(allowed_hosts)
        self.env = _environment()
        self._db_lock = threading.Lock()
        self.cache = DeskCache()

    @contextlib.contextmanager
    def db(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short write session, one at a time within this process; the cached figures are then dropped.

        `store.db.connect` re-creates changed views on open, and two threads doing that at
        once on the same file fail with a DuckDB catalog write-write conflict. The session
        closes the shared read-only instance first (store/read_gate.py).
        """
        try:
            with self._db_lock, session(self.db_path) as con:
                yield con
        finally:
            self.cache.clear()

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for a page's reads: shared read-only instance, no lock, no migration (store/shared_reads.py)."""
        with readers_for(self.db_path).read() as con:
            yield con

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A whole-database figure for the read in progress, from the cache when fresh enough (review/desk_cache.py)."""
        return self.cache.get(key, readers_for(self.db_path).generation, compute)

    def render(
        self, request: Request, template: str, data: dict[str, Any], *, status: int = 200, **extra: Any
    ) -> Response:
        """The page, or its JSON twin: both come from the same `data`."""
        data = _plain(data)
        if _wants_json(request):
            return JSONResponse(data, status_code=status)
        cookie = request.cookies.get(COOKIE) or self.csrf.new_cookie()
        html = self.env.get_template(template).render(
            data=data,
            csrf_field=FIELD,
            csrf_token=self.csrf.token(cookie),
            path=request.url.path,
            saved=request.query_params.get("saved", ""),
            user=getattr(request.state, "user", None),
            **extra,
        )
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(COOKIE) != cookie:
            response.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", path="/")
        return response

    def error(self, request: Request, status: int, title: str, reason: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": title, "reason": reason, "status": status}, status_code=status)
        html = self.env.get_template("error.html").render(status=status, title=title, reason=reason)
        return HTMLResponse(html, status_code=status)


_TITLES = {
    400: "Bad request",
    401: "Sign in",
    403: "Refused",
    404: "Not found",
    405: "Method not allowed",
    503: "Database busy",
}


def create_app(
    db_path: str,
    *,
    csrf_secret: str | None = None,
    allowed_hosts: Sequence[str] | None = None,
    session_secret: str | None = None,
    auth: AuthOptions | None = None,
    checker: DeskChecker | None = None,
) -> FastAPI:
    """The review desk over the claimdesk database at `db_path`.

    `csrf_secret` and `session_secret` sign form tokens and session cookies (random per
    app when None, so both die with the process and editors sign in again after a
    restart). `allowed_hosts` are the Host names served: loopback names by default;
    include "*" only when deliberately exposing the desk. `auth` is the config's
    session length, cookie and trusted-proxy settings. `checker` (review/submit.py) lets
    editors check articles from the desk; without it the form says how to enable it.
    """
    auth = auth or AuthOptions()
    desk = _Desk(
        db_path, Csrf(csrf_secret), allowed_hosts or LOOPBACK_HOSTS, Sessions(session_secret, auth.session_hours), auth
    )
    app = FastAPI(title="claimdesk review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = desk
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_guards(app, desk)
    install_login(app, desk)
    _install_pages(app, desk)
    _install_review(app, desk)
    install_submit(app, desk, checker)
    return app


def _install_guards(app: FastAPI, desk: _Desk) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Any]) -> Response:
        if not _host_allowed(request.headers.get("host"), desk.allowed_hosts):
            return desk.error(request, 400, "Unknown host", "This desk only answers on its own address.")
        try:
            request.state.user = await run_in_threadpool(authenticate, desk, request)
        except ClaimdeskError as exc:
            log.warning("database unavailable: %s", exc)
            return desk.error(request, 503, "Database busy", "The database could not be opened. Try again shortly.")
        response = refusal(desk, request, request.state.user)
        if response is None:
            response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        title = _TITLES.get(exc.status_code, "Error")
        reason = exc.detail if isinstance(exc.detail, str) and exc.detail else title
        if exc.status_code == 404 and reason == "Not Found":
            reason = "There is no page at this address."
        return desk.error(request, exc.status_code, title, reason)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        return desk.error(request, 400, "Bad request", "the request's parameters could not be read")

    @app.exception_handler(q.NotFound)
    async def not_found(request: Request, exc: q.NotFound) -> Response:
        return desk.error(request, 404, "Not found", str(exc))

    @app.exception_handler(ClaimdeskError)
    async def db_unavailable(request: Request, exc: ClaimdeskError) -> Response:
        log.warning("database unavailable: %s", exc)
        return desk.error(
            request,
            503,
            "Database busy",
            "The database could not be opened (a check run may be writing). Try again shortly.",
        )

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("review desk error on %s", request.url.path)
        return HTMLResponse(
            "<!doctype html><title>Error</title><h1>Something went wrong</h1>"
            "<p>The error was logged. Go back and try again.</p>",
            status_code=500,
        )


def _install_pages(app: FastAPI, desk: _Desk) -> None:
    @app.get("/", response_class=HTMLResponse)
    @app.get("/queue", response_class=HTMLResponse)
    @app.get("/queue.json", response_class=HTMLResponse)
    def queue_page(request: Request) -> Response:
        f = _filter(request.query_params)
        with desk.read() as con:
            data = _queue(desk, con, f)
            data["chart"] = desk.cached("chart", lambda: q.verdicts_per_article(con))
            data["options"] = desk.cached(
                ("options", f.article), lambda: q.filter_options(con, max_articles=MENU_ARTICLES, keep=f.article)
            )
        data["filters"] = {"verdict": f.verdict, "article": f.article, "source": f.source, "status": f.status}
        return desk.render(
            request,
            "queue.html",
            data,
            svg=chart.bars(data["chart"]),
            qs=lambda **changes: _qs(_filter_params(f, **changes)),
            keep=_qs(_filter_params(f)),
        )

    @app.get("/claims/{claim_id}.json")
    def claim_json(request: Request, claim_id: str) -> Response:
        return _claim_page(request, desk, claim_id)

    @app.get("/claims/{claim_id}", response_class=HTMLResponse)
    def claim_page(request: Request, claim_id: str) -> Response:
        return _claim_page(request, desk, claim_id)

    @app.get("/articles/{article_id}.json")
    def article_json(request: Request, article_id: str) -> Response:
        return _article_page(request, desk, article_id)

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> Response:
        return _article_page(request, desk, article_id)


def _deciding_rule(claim: Mapping[str, Any]) -> dict[str, Any] | None:
    """The rule that decided the machine verdict, as the claim page shows it (claims/rules.py).

    Read with .get: databases from before `verdicts.rule` existed, and rows judged before
    it, have no rule. A name this judge no longer has is still shown, without a summary.
    """
    name = claim.get("rule")
    if not name:
        return None
    rule = RULE_BY_NAME.get(name)
    return {"name": name, "verdict": rule.verdict if rule else None, "summary": rule.summary if rule else None}


def _claim_page(request: Request, desk: _Desk, claim_id: str) -> Response:
    f = _filter(request.query_params)
    with desk.read() as con:
        detail = q.claim_detail(con, claim_id)
        nav = _neighbours(desk, con, f, claim_id)
        computed = computed_for_claim(con, claim_id)  # issue #15: the arithmetic behind the verdict
    claim = detail["claim"]
    evidence = detail["evidence"]
    judged = next((e for e in evidence if e["used_for_verdict"]), None)
    against = judged or (evidence[0] if evidence else None)
    latest = detail["history"][0] if detail["history"] else None
    rows = compare.compare(
        claim,
        against,
        latest["agree"] if judged and latest else None,
        latest["disagree"] if judged and latest else None,
    )
    data = {
        "claim": claim,
        "paragraph": text.paragraph_around(detail["article_text"], claim),
        "evidence": [{**e, "quantity": compare.quantity(e)} for e in evidence],
        "comparison": {
            "statement_id": against["statement_id"] if against else None,
            "source_title": against["source_title"] if against else None,
            "judged": judged is not None,
            "rows": rows,
        },
        "rule": _deciding_rule(claim),
        "computed": computed,
        "series": detail.get("series", []),  # baseline/change <-> main figure (issue #15)
        "history": detail["history"],
        "reviews": detail["reviews"],
        "disagreement": claim["disagreement"],
        "nav": nav,
    }
    keep = _filter_params(f)
    return desk.render(
        request,
        "claim.html",
        data,
        keep=_qs(keep),
        queue_state=urlencode(keep),
        can_review=allows(request.state.user["role"], "editor"),
    )


def _queue_order(desk: _Desk, con: duckdb.DuckDBPyConnection, f: q.QueueFilter) -> tuple[list[str], dict[str, int]]:
    """The filtered queue's claim ids in order and their positions, cached (the page is not part of the key)."""
    order_filter = q.QueueFilter(f.verdict, f.article, f.source, f.status)

    def order() -> tuple[list[str], dict[str, int]]:
        snap = _snapshot(desk, con)
        ids = snap.ids(order_filter) if snap.covers(order_filter) else q.queue_ids(con, order_filter)
        return ids, {c: i for i, c in enumerate(ids)}

    return desk.cached(("order", order_filter), order)  # type: ignore[no-any-return]


def _queue(desk: _Desk, con: duckdb.DuckDBPyConnection, f: q.QueueFilter) -> dict[str, Any]:
    """`review_queries.queue`, from the cached order and counts: one page's rows is all that is read."""
    ids, _ = _queue_order(desk, con, f)
    page_ids = ids[(f.page - 1) * f.per_page : f.page * f.per_page]
    order_filter = q.QueueFilter(f.verdict, f.article, f.source, f.status)
    return {
        "total": len(ids),
        "page": f.page,
        "per_page": f.per_page,
        "pages": max(1, -(-len(ids) // f.per_page)),
        "items": desk.cached(("rows", tuple(page_ids)), lambda: q.queue_rows(con, page_ids)),
        "counts": desk.cached(("counts", order_filter), lambda: _counts(desk, con, order_filter)),
    }


def _snapshot(desk: _Desk, con: duckdb.DuckDBPyConnection) -> QueueSnapshot:
    """Every claim in queue order with its tab flags: one scan for all tabs' orders and counts."""
    return desk.cached("snapshot", lambda: queue_snapshot.snapshot(con))  # type: ignore[no-any-return]


def _counts(desk: _Desk, con: duckdb.DuckDBPyConnection, f: q.QueueFilter) -> dict[str, Any]:
    snap = _snapshot(desk, con)
    return snap.counts(f) if snap.covers(f) else q.counts(con, f)


def _neighbours(desk: _Desk, con: duckdb.DuckDBPyConnection, f: q.QueueFilter, claim_id: str) -> dict[str, Any]:
    """Previous/next in the editor's queue, from the cached queue order."""
    ids, index = _queue_order(desk, con, f)
    return neighbours_in(ids, index, claim_id)


def _article_page(request: Request, desk: _Desk, article_id: str) -> Response:
    with desk.read() as con:
        detail = q.article_detail(con, article_id)
    data = {
        **detail,
        "segments": text.segments(detail["article"]["text"], detail["claims"]),
    }
    return desk.render(request, "article.html", data)


def _install_review(app: FastAPI, desk: _Desk) -> None:
    @app.post("/claims/{claim_id}/review")
    def post_review(
        request: Request,
        claim_id: str,
        verdict: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
        csrf_token: Annotated[str, Form()] = "",
        then: Annotated[str, Form()] = "stay",
        queue: Annotated[str, Form()] = "",
    ) -> Response:
        """Append a decision, by the signed-in editor, then go back to the claim or on to the next one."""
        problem = origin_problem(
            request.headers.get("origin"),
            request.headers.get("referer"),
            request.headers.get("host"),
            request.url.scheme,
        )
        problem = problem or desk.csrf.problem(request.cookies.get(COOKIE), csrf_token)
        if problem:
            raise HTTPException(403, problem)
        user = request.state.user
        problem = q.check_review(verdict, note, user["name"])
        if problem:
            raise HTTPException(400, problem)
        f = _filter(dict(parse_qsl(queue)))
        with desk.db() as con:
            nav = q.neighbours(con, f, claim_id)
            q.add_review(
                con, claim_id, verdict, note, user["name"],
                user_id=int(user["user_id"]), address=client_address(request, desk.auth),
            )
        keep = _filter_params(f)
        if then == "next":
            target = f"/claims/{quote(nav['next'], safe='')}" if nav["next"] else "/"
        else:
            target = f"/claims/{quote(claim_id, safe='')}"
        return RedirectResponse(target + _qs({**keep, "saved": claim_id}), status_code=303)
