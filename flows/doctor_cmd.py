"""`claimdesk doctor`: check the database after a crash, a copy or a manual edit.

Opens the file read-only (so doctor never changes it, and a damaged or foreign file is
refused with one line and exit status 2), runs the checks in `store.doctor`, prints
one line per check, and exits 0 when healthy, 1 when any check found a problem.
"""

from __future__ import annotations

from claimdesk.settings import Settings
from store.db import session
from store.doctor import healthy, run_checks


def run_doctor(settings: Settings) -> int:
    db = settings.resolve(settings.database)
    with session(db, read_only=True) as con:
        results = run_checks(con)
    for r in results:
        print(r.line())
    problems = sum(1 for r in results if not r.ok and r.severity == "problem")
    notes = sum(1 for r in results if not r.ok and r.severity == "note")
    verdict = "healthy" if healthy(results) else f"{problems} problem{'s' if problems != 1 else ''}"
    print(f"doctor: {db}: {len(results)} checks, {verdict}" + (f", {notes} note{'s' if notes != 1 else ''}" if notes else ""))
    return 0 if healthy(results) else 1
