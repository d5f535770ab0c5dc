"""`claimdesk check`'s start-up (flows/quick_start.py): which Prefect server a flow uses."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from flows import quick_start


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()


def test_a_running_serve_is_found_through_its_url_file(tmp_path, monkeypatch, api):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert quick_start.running_server() is None  # no file: no server
    quick_start.server_file().write_text(api + "\n", encoding="utf-8")
    assert quick_start.running_server() == api


def test_a_stale_url_file_is_ignored_and_prefect_api_url_wins(tmp_path, monkeypatch, api):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    quick_start.server_file().write_text(f"http://127.0.0.1:{closed}/api\n", encoding="utf-8")
    assert quick_start.running_server() is None  # serve was killed and left its file behind
    monkeypatch.setenv("PREFECT_API_URL", api)
    assert quick_start.running_server() == api
