"""`claimdesk review`: serve the editors' review desk with uvicorn.

Wiring only; the app lives in `review.app`. The desk binds to loopback by default
(config `review.host`). It answers only to loopback Host names plus the configured
host, so a page on another site cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import sys

import uvicorn

from review.app import LOOPBACK_HOSTS, create_app

_WILDCARDS = {"0.0.0.0", "::", ""}


def run_review(db_path: str, host: str, port: int) -> None:
    """Serve the review desk over the database at `db_path` until interrupted."""
    if host in _WILDCARDS:
        print(
            f"warning: the review desk is listening on all interfaces ({host or '*'}); anyone who can "
            "reach this machine can review claims",
            file=sys.stderr,
        )
        allowed: tuple[str, ...] = ("*",)
    else:
        allowed = (*LOOPBACK_HOSTS, host.strip("[]"))
    app = create_app(db_path, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    print(f"claimdesk review desk on http://{shown}:{port}/  (Ctrl-C to stop)", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
