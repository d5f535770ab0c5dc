"""Integrity checks of a claimdesk database: what `claimdesk doctor` runs.

Why: DuckDB guarantees each transaction lands whole and checks its blocks' checksums,
but not our own invariants: every claim belongs to a stored article and has a verdict
(they are written in one transaction), every match and verdict belongs to a claim,
every statement to a source, nothing is stored twice, offsets index the stored text,
and the analysts' views still run. After a crash (kill -9, power loss) these say
whether the file is as a completed run would have left it.

Each check is a SQL query returning the offending rows (their ids), so a problem
comes with examples. A `problem` makes doctor exit 1; a `note` is a state that
normal use produces (a source revised since its claims were judged, reviews kept for
claims that left a revised article, runs that never finished) and is reported only.
The checks only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb

from store.migrations import MIGRATIONS, VIEWS
from store.vocabulary_sql import VERDICT_LIST

Severity = Literal["problem", "note"]
_EXAMPLES = 3


@dataclass(frozen=True)
class Check:
    """One invariant: the SQL selects an id per row that breaks it."""

    group: str
    name: str
    sql: str
    severity: Severity = "problem"
    why: str = ""


@dataclass(frozen=True)
class Result:
    group: str
    name: str
    ok: bool
    severity: Severity
    detail: str = ""

    def line(self) -> str:
        """'ok       orphans: ...' or 'PROBLEM  orphans: ... 3 rows (e.g. ...)': one line per check."""
        status = "ok" if self.ok else ("PROBLEM" if self.severity == "problem" else "note")
        text = f"{status:<8} {self.group}: {self.name}"
        return f"{text} — {self.detail}" if self.detail else text


CHECKS: tuple[Check, ...] = (
    # Orphans: rows whose parent is gone. Each parent and its children are written (and
    # replaced) in one transaction, so none of these survive a crash.
    Check("orphans", "claims without their article",
          "SELECT c.claim_id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = c.article_id)"),
    Check("orphans", "matches without their claim",
          "SELECT m.claim_id FROM matches m WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.claim_id = m.claim_id)"),
    Check("orphans", "verdicts without their claim",
          "SELECT v.verdict_id FROM verdicts v WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.claim_id = v.claim_id)"),
    Check("orphans", "source statements without their source document",
          "SELECT s.statement_id FROM source_statements s"
          " WHERE NOT EXISTS (SELECT 1 FROM source_documents d WHERE d.source_id = s.source_id)"),
    Check("orphans", "claims without a verdict",
          "SELECT c.claim_id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_id = c.claim_id)",
          why="a claim and its verdict are written in one transaction"),
    # Duplicates: ids derive from path and span, so the same thing stored twice means a
    # write went around them.
    Check("duplicates", "the same article path stored twice",
          "SELECT path FROM articles GROUP BY path HAVING count(*) > 1"),
    Check("duplicates", "the same source path stored twice",
          "SELECT path FROM source_documents GROUP BY path HAVING count(*) > 1"),
    Check("duplicates", "the same claim span stored twice",
          "SELECT article_id || ':' || start_char || '-' || end_char FROM claims"
          " GROUP BY article_id, start_char, end_char HAVING count(*) > 1"),
    Check("duplicates", "the same statement span stored twice",
          "SELECT source_id || ':' || start_char || '-' || end_char FROM source_statements"
          " GROUP BY source_id, start_char, end_char, finding_text HAVING count(*) > 1"),
    # Content: what the review desk and analysts rely on.
    Check("content", "claim offsets index the stored article text",
          "SELECT c.claim_id FROM claims c JOIN articles a USING (article_id)"
          " WHERE substr(a.text, c.start_char + 1, c.end_char - c.start_char) IS DISTINCT FROM c.claim_text"),
    Check("content", "statement offsets index the stored source text",
          "SELECT s.statement_id FROM source_statements s JOIN source_documents d USING (source_id)"
          " WHERE s.finding_text IS NOT NULL"
          " AND substr(d.text, s.start_char + 1, s.end_char - s.start_char) IS DISTINCT FROM s.finding_text"),
    Check("content", "verdicts are one of the five verdicts",
          f"SELECT verdict_id FROM verdicts WHERE verdict NOT IN {VERDICT_LIST}"),
    Check("content", "embedding vectors have their stated dimension",
          "SELECT text_hash FROM embeddings WHERE len(vector) <> dim"),
    # Notes: states normal use produces.
    Check("stale", "matches pointing at statements of a since-revised source",
          "SELECT m.claim_id FROM matches m"
          " WHERE NOT EXISTS (SELECT 1 FROM source_statements s WHERE s.statement_id = m.statement_id)",
          severity="note", why="`claimdesk recheck` re-judges them"),
    Check("stale", "reviews of claims that left a revised article",
          "SELECT r.review_id FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.claim_id = r.claim_id)",
          severity="note", why="kept on purpose: the review log is an audit trail"),
    Check("stale", "runs that never finished",
          "SELECT run_id FROM runs WHERE finished_at IS NULL", severity="note",
          why="interrupted, or still running"),
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _run(con: duckdb.DuckDBPyConnection, check: Check) -> Result:
    try:
        rows = con.execute(f"SELECT * FROM ({check.sql}) LIMIT 1000").fetchall()  # our own constant SQL
    except duckdb.Error as exc:
        return Result(check.group, check.name, False, "problem", f"cannot run: {str(exc).splitlines()[0][:160]}")
    if not rows:
        return Result(check.group, check.name, True, check.severity)
    n = f"{len(rows)}+" if len(rows) == 1000 else str(len(rows))
    examples = ", ".join(str(r[0]) for r in rows[:_EXAMPLES])
    why = f"; {check.why}" if check.why else ""
    return Result(check.group, check.name, False, check.severity, f"{n} rows (e.g. {examples}){why}")


def schema_results(con: duckdb.DuckDBPyConnection) -> tuple[list[Result], bool]:
    """Migrations applied (none missing, none unknown), and whether the schema is current.

    A database whose set-up was interrupted (a crash while the first write created it)
    has no tables or no applied migration: nothing was stored, and the next write sets it
    up, so that is a note. With migrations pending, the other checks (written for the
    current schema) are skipped: they would fail on tables that do not exist yet.
    """
    try:
        have = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    except duckdb.Error:
        have = set()
    known = {m.version for m in MIGRATIONS}
    if not have:
        return [Result("schema", "database set up", False, "note",
                       "nothing stored yet (set-up not finished); the next write command sets it up")], False
    out = [Result("schema", "written by a claimdesk that knows its schema", not (have - known), "problem",
                  f"unknown versions {sorted(have - known)}: a newer claimdesk wrote it" if have - known else "")]
    missing = sorted(known - have)
    out.append(Result("schema", "all migrations applied", not missing, "note",
                      f"pending {missing}: the next write command applies them after a backup copy; "
                      "other checks skipped until then" if missing else ""))
    return out, not missing


def table_results(con: duckdb.DuckDBPyConnection) -> list[Result]:
    """Every table reads end to end: hashing every row makes DuckDB read, and checksum, every block."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main' ORDER BY table_name").fetchall()]
    bad = []
    for name in names:
        try:
            con.execute(f"SELECT count(*), bit_xor(hash(t)) FROM {_quote(name)} AS t").fetchone()
        except duckdb.Error as exc:
            bad.append(f"{name} ({str(exc).splitlines()[0][:120]})")
    return [Result("storage", f"all {len(names)} tables read end to end", not bad, "problem", "; ".join(bad))]


def view_results(con: duckdb.DuckDBPyConnection) -> list[Result]:
    """Each analyst view exists and runs (a view over a dropped or changed column fails only when queried)."""
    present = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    out = []
    for name in sorted(set(VIEWS) | present):
        if name not in present:
            out.append(Result("views", f"{name} queries", False, "problem", "view is missing"))
            continue
        try:
            con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()
            out.append(Result("views", f"{name} queries", True, "problem"))
        except duckdb.Error as exc:
            out.append(Result("views", f"{name} queries", False, "problem", str(exc).splitlines()[0][:160]))
    return out


def run_checks(con: duckdb.DuckDBPyConnection) -> list[Result]:
    """All checks, in the order doctor prints them. Reads only."""
    schema, current = schema_results(con)
    results = [*schema, *table_results(con)]
    if current:
        results += [*(_run(con, c) for c in CHECKS), *view_results(con)]
    return results


def healthy(results: list[Result]) -> bool:
    return all(r.ok or r.severity == "note" for r in results)
