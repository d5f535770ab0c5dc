"""Prefect's environment, set before Prefect is imported: quiet, local, no telemetry.

With no PREFECT_API_URL, Prefect starts a temporary local server for the process, so
running a flow needs no server setup. Values already set by the user win.

Nothing happens on import: each entry point calls `configure()` itself before Prefect is
imported (the CLI's `main` for the commands that run flows, `claimdesk serve`, the
tests' conftest, the benchmarks that run flows).
"""

from __future__ import annotations

import os
from pathlib import Path

_DEFAULTS = {
    "PREFECT_HOME": str(Path.home() / ".claimdesk" / "prefect"),
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",
}


def configure() -> None:
    """Set the defaults above where the environment has no value, and create PREFECT_HOME."""
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
