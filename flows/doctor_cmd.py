"""Placeholder: being built (see the issue that owns this command)."""

from __future__ import annotations

import sys

from claimdesk.settings import Settings


def _todo(name: str) -> int:
    print(f"claimdesk: `{name}` is not built yet", file=sys.stderr)
    return 2


def run_doctor(settings: Settings) -> int:
    return _todo("doctor")
