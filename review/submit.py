"""Check an article from the review desk: the form, the job queue and the warm worker.

Why it looks like this:
- A check needs spaCy and the embedder (seconds to load) and writes to DuckDB, so it
  never runs in a request. `DeskChecker` owns one worker thread and a queue: the
  models are loaded once in that thread (at start with `warm=True`, as `claimdesk
  serve` does, else on the first submission) and stay loaded for the life of the
  process; one check runs at a time, like the schedules' `limit=1`.
- Each check is a real Prefect flow run of `check_articles` (the CLI's flow), so its
  rows, its `runs` row and its place in the Prefect UI are those of any other check.
  The worker thread starts in a copy of the creating thread's context, so it talks to
  the Prefect server the creator was configured for.
- Pasted text becomes a file `desk-articles/<slug>-<hash>.txt` beside the database
  (the title as its first line, then the text), so it is read, re-checked and exported
  like any article file; a URL is checked as the URL. Either way the article id is
  the path's id (`Document.doc_id`), known before the run.
- Nothing is half-written: an article is written with its claims in one transaction
  by the flow, an input the reader refuses (unreachable, empty, binary, over
  `sources.readers`' limits) writes nothing and becomes the job's one-line message,
  and the text file of a refused or failed submission is removed again.
- Jobs live in memory: they are the progress of this process's checks, not records
  (the `runs` table is the record).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import queue
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from claimdesk.settings import Settings
from review.auth import allows
from review.csrf import COOKIE, origin_problem
from sources.readers import MAX_TEXT_BYTES, MB, Document

DESK_FOLDER = "desk-articles"
MAX_TITLE = 200
STATES = ("queued", "loading models", "checking", "done", "failed")


@dataclass
class Job:
    """One submission and how far its check has got; what the status page shows."""

    job_id: str
    source: str  # the URL, or the path of the text file
    title: str
    article_id: str
    by: str
    kind: str  # "url" or "text"
    state: str = "queued"
    message: str = ""
    claims: int = 0
    submitted: float = field(default_factory=time.time)
    finished: float | None = None
    remove_on_failure: bool = False

    def view(self, ahead: int) -> dict[str, Any]:
        """The job as the status page and its JSON twin show it."""
        end = self.finished or time.time()
        data = {k: v for k, v in asdict(self).items() if k not in {"remove_on_failure", "submitted", "finished"}}
        data.update(seconds=round(end - self.submitted, 1), ahead=ahead, finished=self.state in {"done", "failed"},
                    article_url=f"/articles/{quote(self.article_id, safe='')}" if self.state == "done" else None)
        return data


# --- input: pure rules -------------------------------------------------------------------

def submission_problem(url: str, text: str, title: str) -> str | None:
    """Why a submission cannot be checked, or None. One line, shown on the form."""
    url, text = url.strip(), text.strip()
    if url and text:
        return "give a URL or paste the text, not both"
    if not url and not text:
        return "give the article's URL or paste its text"
    if len(title) > MAX_TITLE:
        return f"the title is over {MAX_TITLE} characters"
    if url:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return "the URL must start with http:// or https://"
        return None
    if "\x00" in text:
        return "the pasted text looks binary (it contains NUL characters)"
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        return f"the pasted text is over the {MAX_TEXT_BYTES // MB} MB limit for an article"
    return None


def slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:60].strip("-") or "article"


def text_file(folder: Path, title: str, text: str) -> tuple[Path, str]:
    """Where pasted text is stored, and the file's content (title line, blank line, text).

    Named by a hash of the content, so submitting the same article twice finds it
    unchanged instead of adding a copy."""
    title = " ".join(title.split()) or text.strip().split("\n", 1)[0][:MAX_TITLE]
    body = f"{title}\n\n{text.strip()}\n"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    return folder / f"{slug(title)}-{digest}.txt", body


def article_id(source: str) -> str:
    """The id the flow will give the article at `source` (the same rule, `Document.doc_id`)."""
    return Document(path=source, title="", text="", format="", content_hash="").doc_id


# --- the worker --------------------------------------------------------------------------

class DeskChecker:
    """One worker thread that checks submitted articles with the models kept loaded."""

    def __init__(self, settings: Settings, *, warm: bool = False) -> None:
        self.settings = settings
        self.folder = Path(settings.resolve(settings.database)).parent / DESK_FOLDER
        self.warm = warm
        self.models_loaded = False
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> DeskChecker:
        if self._thread is None:
            context = contextvars.copy_context()
            self._thread = threading.Thread(target=context.run, args=(self._work,), name="desk-checker", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 60.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def submit(self, url: str, text: str, title: str, by: str) -> Job:
        """Queue a check; raises ValueError with the form's message for bad input."""
        problem = submission_problem(url, text, title)
        if problem:
            raise ValueError(problem)
        title = " ".join(title.split())
        if url.strip():
            source, kind, remove = url.strip(), "url", False
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            path, body = text_file(self.folder, title, text)
            remove = not path.exists()
            if remove:
                tmp = path.with_suffix(f".tmp-{os.getpid()}")
                tmp.write_text(body, encoding="utf-8")
                os.replace(tmp, path)
            source, kind = str(path), "text"
        job = Job(secrets.token_urlsafe(9), source, title or source, article_id(source), by, kind,
                  remove_on_failure=remove)
        with self._lock:
            self._jobs[job.job_id] = job
        self._queue.put(job)
        self.start()
        return job

    def view(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            ahead = sum(1 for j in self._jobs.values() if j.state == "queued" and j.submitted < job.submitted)
            return job.view(ahead if job.state == "queued" else 0)

    def _set(self, job: Job, **changes: Any) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(job, k, v)

    def load_models(self) -> None:
        """spaCy and the embedder, loaded once per process (both loaders are cached)."""
        from claims.extract import load_nlp
        from sources.embed import load_model

        load_nlp(self.settings.models.spacy)
        load_model(self.settings.models.embedding)
        self.models_loaded = True

    def _load_in_background(self) -> None:
        """Warm-up at a lower CPU priority (Linux: per thread), so that on a small machine a
        scheduled flow run starting beside `serve` is not slowed by it; a failure shows on
        the first job instead."""
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        with contextlib.suppress(Exception):
            self.load_models()

    def _work(self) -> None:
        if self.warm:
            loader = threading.Thread(target=self._load_in_background, name="desk-models", daemon=True)
            loader.start()
            loader.join()
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._run(job)
            except Exception as exc:  # noqa: BLE001 - one job's crash must not stop the desk's worker
                first = (str(exc).splitlines() or [type(exc).__name__])[0]
                self._fail(job, f"the check failed: {first}")

    def _run(self, job: Job) -> None:
        if not self.models_loaded:
            self._set(job, state="loading models")
            self.load_models()
        self._set(job, state="checking")
        summary = run_check_flow(job.source, self.settings)
        if job.source in summary.processed or job.source in summary.skipped:
            self._set(job, state="done", claims=summary.claims, finished=time.time(),
                      message="" if job.source in summary.processed else "this article was checked before; unchanged")
        else:
            self._fail(job, _reason(summary.errors, job) or "the article could not be checked")

    def _fail(self, job: Job, message: str) -> None:
        if job.remove_on_failure:
            with contextlib.suppress(OSError):
                Path(job.source).unlink()
        self._set(job, state="failed", message=message, finished=time.time())


def _reason(errors: list[str], job: Job) -> str:
    """The reader's one line, without the path (the page shows the URL or title already)."""
    if not errors:
        return ""
    line = errors[0]
    for prefix in (f"{job.source}: ", job.source):
        if line.startswith(prefix):
            return line[len(prefix):].strip(" :")
    return line


def run_check_flow(source: str, settings: Settings) -> Any:
    """One article through the CLI's `check_articles` flow (a Prefect flow run, recorded in `runs`).

    Without Prefect's flow-run heartbeats: the engine's heartbeat thread sleeps in steps of
    one second and every flow run waits for it to stop at its end, which added 0.4–1 s to
    a check whose own work takes about one (issue #16, measured). Heartbeats (every 180 s)
    are how Prefect notices a crashed long run; a desk check lasts seconds, and its `runs`
    row records how it ended either way.
    """
    with _without_heartbeats():
        return _desk_flow(settings)([source], settings, False, False)


# The flow with the configured task runner, per (runner, dask settings): building it
# (`Flow.with_options`) derives its parameter schema again, ~60 ms a check under load.
_flows: dict[tuple[str, object], Any] = {}
# (Prefect settings in force, the same without heartbeats): deriving them validates every
# settings source again, ~150 ms a check under load; kept for the newest settings only.
_quiet_settings: list[tuple[Any, Any]] = []
_cache_lock = threading.Lock()


def _desk_flow(settings: Settings) -> Any:
    from flows.prefect_flows import check_articles_flow, on_runner

    key = (settings.runner, settings.dask)
    with _cache_lock:
        if key not in _flows:
            _flows[key] = on_runner(check_articles_flow, settings)  # the engine runs a duplicate of its task runner
        return _flows[key]


def _without_heartbeats() -> Any:
    """A Prefect settings context as the current one, with flow-run heartbeats off."""
    import prefect.context

    ctx = prefect.context.get_settings_context()
    with _cache_lock:
        if not _quiet_settings or _quiet_settings[0][0] is not ctx.settings:
            _quiet_settings[:] = [(ctx.settings, ctx.settings.copy_with_update(
                updates={"flows.heartbeat_frequency": None}))]
        quiet = _quiet_settings[0][1]
    return prefect.context.SettingsContext(profile=ctx.profile, settings=quiet)


# --- the pages ---------------------------------------------------------------------------

def install_submit(app: FastAPI, desk: Any, checker: DeskChecker | None) -> None:
    """GET/POST /check (the form), GET /check/{job} (progress) and its JSON twin."""

    def form(request: Request, error: str = "", values: dict[str, str] | None = None, status: int = 200) -> Response:
        user = request.state.user
        data = {"enabled": checker is not None, "can_submit": allows(user["role"], "editor"), "error": error,
                "values": values or {"url": "", "title": "", "text": ""}}
        return desk.render(request, "check.html", data, status=status)

    @app.get("/check", response_class=HTMLResponse)
    def check_form(request: Request) -> Response:
        return form(request)

    @app.post("/check")
    def check_submit(
        request: Request,
        url: Annotated[str, Form()] = "",
        title: Annotated[str, Form()] = "",
        text: Annotated[str, Form()] = "",
        csrf_token: Annotated[str, Form()] = "",
    ) -> Response:
        """Queue a check by the signed-in editor (the desk's guard already refused other roles)."""
        problem = origin_problem(request.headers.get("origin"), request.headers.get("referer"),
                                 request.headers.get("host"), request.url.scheme)
        problem = problem or desk.csrf.problem(request.cookies.get(COOKIE), csrf_token)
        if problem:
            raise HTTPException(403, problem)
        if checker is None:
            raise HTTPException(503, "this desk does not check articles; start it with `claimdesk serve`")
        values = {"url": url, "title": title, "text": text}
        try:
            job = checker.submit(url, text, title, request.state.user["name"])
        except ValueError as exc:
            return form(request, str(exc), values, status=400)
        return RedirectResponse(f"/check/{job.job_id}", status_code=303)

    def job_view(job_id: str) -> dict[str, Any]:
        data = checker.view(job_id) if checker is not None else None
        if data is None:
            raise HTTPException(404, "There is no check with this id (checks are kept until the desk restarts).")
        return data

    @app.get("/check/{job_id}.json")
    def check_status_json(request: Request, job_id: str) -> Response:
        return JSONResponse(job_view(job_id))

    @app.get("/check/{job_id}", response_class=HTMLResponse)
    def check_status(request: Request, job_id: str) -> Response:
        return desk.render(request, "check_status.html", job_view(job_id))

