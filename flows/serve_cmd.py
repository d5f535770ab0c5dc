"""Placeholder: being built (see the issue that owns this command)."""

from __future__ import annotations

import sys

from claimdesk.settings import Settings


def _todo(name: str) -> int:
    print(f"claimdesk: `{name}` is not built yet", file=sys.stderr)
    return 2


def run_serve(settings: Settings, *, dry_run: bool = False) -> int:
    return _todo("serve")


def run_recheck(settings: Settings, *, all_claims: bool = False, quiet: bool = False) -> int:
    return _todo("recheck")
