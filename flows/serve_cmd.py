"""`claimdesk serve` (the schedules in config.yaml, run by Prefect) and `claimdesk recheck`.

`serve` turns each schedule into a Prefect deployment of a flow with a cron schedule in
the configured time zone and serves them from this process: Prefect's scheduler creates
the runs and this process executes them, one at a time (one DuckDB writer). With
PREFECT_API_URL set the deployments and runs live on that server (and its UI); without
it `serve` starts a local Prefect server for as long as it runs, because Prefect's
temporary per-process server runs no scheduler.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimdesk.errors import ClaimdeskError, ConfigError
from claimdesk.processes import stop_process
from claimdesk.settings import Settings
from flows.feeds import feed_urls
from flows.quick_start import server_file as _server_file
from flows.service import inbox_folders


@dataclass(frozen=True)
class Scheduled:
    """One configured schedule: the deployment name, its cron, and what it runs."""

    name: str
    cron: str
    key: str  # the config key, for errors
    flow: str
    runs: str


def schedules(settings: Settings) -> list[Scheduled]:
    s = settings.schedules
    inbox = ", ".join(inbox_folders(settings))
    return [
        Scheduled("check_inbox", s.check_inbox.cron, "schedules.check_inbox.cron", "check_inbox",
                  f"check new or changed articles in {inbox}"),
        Scheduled("recheck", s.recheck.cron, "schedules.recheck.cron", "recheck_claims",
                  "re-judge claims judged before a source was added or revised"),
        Scheduled("check_feeds", s.check_feeds.cron, "schedules.check_feeds.cron", "check_feeds",
                  _feeds_runs(settings)),
    ]


def _feeds_runs(settings: Settings) -> str:
    n = len(feed_urls(settings))
    if not n:
        return "not scheduled: no feeds in schedules.check_feeds.feeds"
    return f"check new, changed and failed items of {n} RSS/Atom feed{'s' if n > 1 else ''}"


def next_run(cron: str, timezone: str, key: str, after: dt.datetime | None = None) -> dt.datetime:
    """The next time Prefect's scheduler will run this cron, computed by Prefect's own schedule
    code (its vendored croniter, with its daylight-saving rules)."""
    from prefect.server.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        schedule = CronSchedule(cron=cron, timezone=timezone)
    except ValidationError:
        raise ConfigError(f"key '{key}': {cron!r} is not a valid cron string") from None
    dates = asyncio.run(schedule.get_dates(n=1, start=after or dt.datetime.now(dt.UTC)))
    return dates[0]  # a datetime in the schedule's time zone


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()}"


def print_plan(settings: Settings) -> None:
    tz = settings.schedules.timezone
    rows = [(s.name, s.cron, tz, _when(next_run(s.cron, tz, s.key)), f"flow {s.flow}: {s.runs}") for s in schedules(settings)]
    head = ("schedule", "cron", "time zone", "next run", "runs")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
    from flows.runners import describe

    print(f"\ndatabase: {settings.resolve(settings.database)}   runner: {describe(settings)}")
    for folder in inbox_folders(settings):
        if not Path(folder).is_dir():
            print(f"note: inbox folder {folder} does not exist yet; check_inbox reports it until it does")


def run_serve(settings: Settings, *, dry_run: bool = False, desk: bool = True) -> int:
    if dry_run:
        print_plan(settings)
        return 0
    # Progress lines are INFO: keep them (with the flow runs, in the Prefect UI) unless the
    # user chose a level. Set before Prefect is imported, so it configures its logging with it.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    ui = os.environ.get("PREFECT_UI_ENABLED", "true")
    from flows.prefect_env import configure

    configure()
    with contextlib.ExitStack() as stack:
        if not os.environ.get("PREFECT_API_URL"):
            # Prefect's temporary per-process server has no scheduler service, so a served
            # schedule would never fire: start a real local server for as long as we serve.
            url = stack.enter_context(local_prefect_server(settings.schedules.server_port, ui=ui))
            os.environ["PREFECT_API_URL"] = url
            print(f"Prefect server: {url.removesuffix('/api')}  (log: {_server_log()})", flush=True)
        print_plan(settings)
        _write_server_file(os.environ["PREFECT_API_URL"])
        stack.callback(_server_file().unlink, missing_ok=True)
        if desk:
            stack.enter_context(desk_with_checks(settings))
        _serve(settings)
    return 0


@contextlib.contextmanager
def desk_with_checks(settings: Settings) -> Iterator[None]:
    """The review desk in a thread of this process, with a checker whose models load once
    and stay loaded, so an editor's check from the desk pays no start-up (review/submit.py).

    Everything happens in that thread (imports, the account look-up, the model loading),
    so the schedules are served at once; a desk that cannot start (port taken, no account
    on a public address) is reported and the schedules are served anyway."""
    import threading

    running: dict[str, object] = {}
    stopping = threading.Event()

    def start() -> None:
        from flows.review_cmd import desk_server
        from review.submit import DeskChecker

        host, port = settings.review.host, settings.review.port
        if not _port_free(host, port):
            print(f"note: review desk not started: {host}:{port} is in use (`claimdesk review` running?)", flush=True)
            return
        checker = DeskChecker(settings, warm=True)  # its worker loads the models first
        try:
            server = desk_server(settings, host, port, checker=checker)
        except ClaimdeskError as exc:
            print(f"note: review desk not started: {exc}", flush=True)
            return
        if stopping.is_set():
            return
        running.update(server=server, checker=checker.start())
        shown = f"[{host}]" if ":" in host else host
        print(f"review desk: http://{shown}:{port}/  (editors can check articles from it)", flush=True)
        server.run()

    thread = threading.Thread(target=start, name="review-desk", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        if "server" in running:
            running["server"].should_exit = True  # type: ignore[attr-defined]
            thread.join(timeout=10)
            running["checker"].stop(timeout=5)  # type: ignore[attr-defined]


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _write_server_file(url: str) -> None:
    """Leave the API URL where a `claimdesk check` in another terminal finds it
    (`flows.quick_start.running_server`), so it uses this server instead of starting one."""
    _server_file().write_text(url + "\n", encoding="utf-8")


def _serve(settings: Settings) -> None:
    from prefect import serve

    # limit=1: one flow run at a time, so scheduled runs never compete for the DuckDB file.
    serve(*deployments(settings), limit=1)


def deployments(settings: Settings) -> list[Any]:
    """The Prefect deployments `serve` runs: one per schedule (check_feeds only with feeds configured)."""
    from prefect.schedules import Cron

    from flows.prefect_flows import check_feeds_flow, check_inbox_flow, recheck_claims_flow

    tz = settings.schedules.timezone
    by_name = {s.name: s for s in schedules(settings)}
    out = [
        check_inbox_flow.to_deployment(
            name="check_inbox", schedules=[Cron(by_name["check_inbox"].cron, timezone=tz)],
            parameters={"settings": settings}, description=by_name["check_inbox"].runs, tags=["claimdesk"]),
        recheck_claims_flow.to_deployment(
            name="recheck", schedules=[Cron(by_name["recheck"].cron, timezone=tz)],
            parameters={"settings": settings, "all_claims": False, "progress": False},
            description=by_name["recheck"].runs, tags=["claimdesk"]),
    ]
    if feed_urls(settings):
        out.append(check_feeds_flow.to_deployment(
            name="check_feeds", schedules=[Cron(by_name["check_feeds"].cron, timezone=tz)],
            parameters={"settings": settings}, description=by_name["check_feeds"].runs, tags=["claimdesk"]))
    return out


def _server_log() -> Path:
    return Path(os.environ["PREFECT_HOME"]) / "claimdesk-serve-server.log"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the server child gets SIGTERM when `serve` dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@contextlib.contextmanager
def local_prefect_server(port: int, *, ui: str = "true", wait: float = 120.0) -> Iterator[str]:
    """`prefect server start` on 127.0.0.1 (SQLite in PREFECT_HOME), stopped on exit; yields its API URL."""
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}/api"
    log = _server_log().open("ab")
    env = {**os.environ, "PREFECT_UI_ENABLED": ui}
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    proc = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env,
                            # Own session: Ctrl-C reaches `serve`, which pauses its schedules on the
                            # server before stopping it.
                            start_new_session=True, preexec_fn=_die_with_parent)
    try:
        deadline = time.monotonic() + wait
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise ClaimdeskError(f"the Prefect server did not start on port {port} (see {_server_log()})")
            time.sleep(0.5)
        yield url
    finally:
        stop_process(proc)
        log.close()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def run_recheck(settings: Settings, *, all_claims: bool = False, quiet: bool = False) -> int:
    from flows.prefect_flows import recheck_claims_flow

    summary = recheck_claims_flow(settings, all_claims, not quiet)
    print(f"recheck: {len(summary.rejudged)} claims in {summary.articles} articles re-judged, "
          f"{summary.new_rows} new verdict rows, {len(summary.changed)} verdicts changed, "
          f"{len(summary.disagreements)} now disagree with an editor's review; {summary.seconds:.1f}s")
    for cid, old, new in summary.changed:
        mark = "  (reviewed: the editor's verdict stands)" if cid in summary.disagreements else ""
        print(f"  {cid}: {old or '-'} -> {new}{mark}")
    sys.stdout.flush()
    return 0
