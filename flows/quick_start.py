"""A one-article `claimdesk check` without start-up work it does not need.

Measured (benchmarks/cold_start.py): a one-article check cost about twice `claimdesk
extract` on the same file. The difference was Prefect, not the check: Prefect's
temporary server started in the foreground (a subprocess, ~7 s on a quiet machine)
before the models started loading, and at exit the command waited up to 5 s for that
server to stop. So, before a flow runs:

- a Prefect server that is already running is used: PREFECT_API_URL, else the URL a
  running `claimdesk serve` left in PREFECT_HOME (`claimdesk-serve.url`), if it answers;
- otherwise a temporary server, the one Prefect would start (the same uvicorn command
  and ephemeral flag as `prefect.server.api.server.SubprocessASGIServer`), is started
  *in the background* while this process loads spaCy and the embedder, and the flow
  is pointed at it with PREFECT_API_URL; at exit it is sent SIGTERM and left to finish
  its own shutdown, instead of being waited for;
- the models are loaded here, once (both loaders are cached), so the flow's task finds
  them loaded; with the Dask runner the workers load their own, so nothing is loaded here.

If the background server does not answer in time, PREFECT_API_URL is left unset and
Prefect starts its own temporary server as before.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from claimdesk.settings import Settings

SERVER_FILE = "claimdesk-serve.url"
START_TIMEOUT_SECONDS = 120.0


def server_file() -> Path:
    """Where a running `serve` leaves its Prefect API URL."""
    return Path(os.environ.get("PREFECT_HOME", str(Path.home() / ".claimdesk" / "prefect"))) / SERVER_FILE


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:  # noqa: S310 - our own loopback URL
            return bool(resp.status == 200)
    except OSError:
        return False


def running_server() -> str | None:
    """PREFECT_API_URL, else the API URL of a `claimdesk serve` using this PREFECT_HOME that answers."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    try:
        url = server_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return url if url and healthy(url, timeout=1.0) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_temporary_server() -> tuple[subprocess.Popen[bytes], str]:
    """Prefect's temporary API server as a child process (not waited for); its API URL."""
    port = _free_port()
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    app_dir = str(Path(spec.origin).parent.parent) if spec and spec.origin else ""
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory", "prefect.server.api.server:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
        env=env, stdin=subprocess.DEVNULL)
    atexit.register(_stop_without_waiting, proc)
    return proc, f"http://127.0.0.1:{port}/api"


def _stop_without_waiting(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM: the server shuts down on its own (its records are written by then: the
    flow's client has flushed before this runs) while the command returns."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            proc.send_signal(signal.SIGTERM)


def wait_until_up(proc: subprocess.Popen[bytes], api_url: str, timeout: float = START_TIMEOUT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if healthy(api_url, timeout=1.0):
            return True
        time.sleep(0.1)
    return False


def load_models(settings: Settings) -> None:
    from claims.extract import load_nlp
    from sources.embed import load_model

    load_nlp(settings.models.spacy)
    load_model(settings.models.embedding)


def prepare(settings: Settings) -> str:
    """Get a Prefect server and the models ready for a flow run, overlapping the two;
    returns which server the flow will use (for the benchmarks and `--verbose` lines)."""
    if "prefect" in sys.modules:  # too late to point Prefect anywhere: it read its settings already
        if settings.runner != "dask":
            load_models(settings)
        return "as configured when Prefect was imported"
    url = running_server()
    if url:
        os.environ["PREFECT_API_URL"] = url
        if settings.runner != "dask":
            load_models(settings)
        return f"running server {url}"
    if os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "").lower() in {"0", "false"}:
        return "none (PREFECT_SERVER_EPHEMERAL_ENABLED is off)"
    proc, url = start_temporary_server()
    if settings.runner != "dask":
        load_models(settings)
    if wait_until_up(proc, url):
        os.environ["PREFECT_API_URL"] = url
        return f"temporary server {url}, started in the background"
    _stop_without_waiting(proc)
    return "Prefect's own temporary server (the background one did not start)"
