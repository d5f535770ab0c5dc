"""`claimdesk sql`: read-only unless --write, and the table / csv / json outputs.

A read-only DuckDB connection still runs `COPY ... TO` (it writes a file) and
`INSTALL`, so the refusals are checked on what actually happens to the disk, not only
on the exit status. `build_demo_db` (the demo corpus through the real pipeline, once
per test session, copied per use) is shared with the export, report and doc tests.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from claimdesk.settings import Settings
from flows import service
from flows.cli import main
from store.db import connect

from .conftest import DEMO

_BUILT: list[Path] = []


def build_demo_db(dest: Path, settings: Settings, tmp_root: Path) -> Path:
    """A copy of the demo database (demo sources indexed, demo articles checked) at `dest`.

    The pipeline runs once per session with the real models; later callers get a copy.
    """
    if not _BUILT:
        original = tmp_root / "demo-original.duckdb"
        demo = dataclasses.replace(settings, database=str(original))
        src = service.index_sources([str(DEMO / "sources")], demo)
        run = service.check_articles([str(DEMO / "articles")], demo)
        assert not src.errors and not run.errors and run.claims >= 8
        _BUILT.append(original)
    shutil.copy(_BUILT[0], dest)
    return dest


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, repo_settings: Settings) -> Path:
    root = tmp_path_factory.getbasetemp()
    return build_demo_db(tmp_path_factory.mktemp("sql") / "demo.duckdb", repo_settings, root)


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A fresh claimdesk database with one run row, to see whether anything changed."""
    path = tmp_path / "empty.duckdb"
    con = connect(path)
    con.execute("INSERT INTO runs (run_id, kind, status) VALUES ('r1', 'check', 'completed')")
    con.close()
    return path


def _snapshot(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        objects = con.execute(
            "SELECT table_name, table_type FROM information_schema.tables ORDER BY ALL"
        ).fetchall()
        runs = con.execute("SELECT * FROM runs ORDER BY run_id").fetchall()
        dbs = con.execute("SELECT database_name FROM duckdb_databases() WHERE NOT internal ORDER BY 1").fetchall()
        return objects, runs, dbs
    finally:
        con.close()


WRITES = [
    "INSERT INTO runs (run_id, kind, status) VALUES ('r2', 'check', 'x')",
    "UPDATE runs SET status = 'failed'",
    "DELETE FROM runs",
    "TRUNCATE runs",
    "CREATE TABLE notes (x INTEGER)",
    "CREATE TEMP TABLE notes AS SELECT 1 AS x",
    "CREATE OR REPLACE VIEW flagged_claims AS SELECT 1 AS x",
    "DROP TABLE runs",
    "DROP VIEW claim_verdicts",
    "ALTER TABLE runs ADD COLUMN y INTEGER",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "COPY (SELECT * FROM runs) TO '{tmp}/leak.csv'",
    "COPY runs TO '{tmp}/leak.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{tmp}/dump'",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO '{tmp}/leak.csv'",
    "SELECT 1; DROP TABLE runs",
    "INSTALL httpfs",
    "CHECKPOINT",
]


@pytest.mark.parametrize("statement", WRITES)
def test_write_statements_are_refused_without_write(statement, empty_db, tmp_path, capsys):
    before = _snapshot(empty_db)
    query = statement.format(tmp=tmp_path)
    assert main(["--db", str(empty_db), "sql", query]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--write" in err
    assert _snapshot(empty_db) == before
    # Nothing was written next to the database either (COPY, ATTACH and EXPORT create files).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.duckdb"]


def test_write_flag_allows_changes(empty_db, capsys):
    q = "INSERT INTO runs (run_id, kind, status) VALUES ('r2', 'check', 'completed')"
    assert main(["--db", str(empty_db), "sql", "--write", q]) == 0
    capsys.readouterr()
    assert main(["--db", str(empty_db), "sql", "--format", "csv", "SELECT run_id FROM runs ORDER BY 1"]) == 0
    assert capsys.readouterr().out.split() == ["run_id", "r1", "r2"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT count(*) AS n FROM runs",
        "FROM runs",
        "WITH r AS (SELECT * FROM runs) SELECT run_id FROM r",
        "DESCRIBE claim_verdicts",
        "SHOW TABLES",
        "SUMMARIZE runs",
        "PRAGMA table_info('runs')",
        "EXPLAIN SELECT * FROM runs",
        "SELECT 1 AS a; SELECT 2 AS b",
    ],
)
def test_reading_statements_run(query, empty_db, capsys):
    assert main(["--db", str(empty_db), "sql", query]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(("row)", "rows)"))


def test_syntax_error_is_one_line(empty_db, capsys):
    assert main(["--db", str(empty_db), "sql", "SELEC 1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SQL error" in err


def test_missing_database_is_not_created(tmp_path, capsys):
    db = tmp_path / "nope.duckdb"
    assert main(["--db", str(db), "sql", "SELECT 1"]) == 2
    assert "does not exist" in capsys.readouterr().err and not db.exists()


def test_csv_format(demo_db, capsys):
    q = "SELECT claim_id, claim_text, verdict, confidence, agree FROM claim_verdicts ORDER BY start_char"
    assert main(["--db", str(demo_db), "sql", "--format", "csv", q]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    con = duckdb.connect(str(demo_db), read_only=True)
    expected = con.execute(q).fetchall()
    con.close()
    assert len(rows) == len(expected) >= 8
    assert list(rows[0]) == ["claim_id", "claim_text", "verdict", "confidence", "agree"]
    for got, want in zip(rows, expected, strict=True):
        assert got["claim_id"] == want[0] and got["claim_text"] == want[1] and got["verdict"] == want[2]
        assert (got["confidence"] == "" and want[3] is None) or float(got["confidence"]) == pytest.approx(want[3])


def test_json_format(demo_db, capsys):
    q = "SELECT claim_id, verdict, flagged, confidence, judged_at, agree FROM claim_verdicts ORDER BY start_char"
    assert main(["--db", str(demo_db), "sql", "--format", "json", q]) == 0
    lines = capsys.readouterr().out.splitlines()
    objs = [json.loads(line) for line in lines]
    assert len(objs) >= 8
    for o in objs:
        assert set(o) == {"claim_id", "verdict", "flagged", "confidence", "judged_at", "agree"}
        assert isinstance(o["flagged"], bool) and isinstance(o["agree"], list)
    assert {o["verdict"] for o in objs} >= {"supported", "misrepresented", "contradicted"}


def test_table_format_and_views(demo_db, capsys):
    assert main(["--db", str(demo_db), "sql", "SELECT queue_position, verdict FROM flagged_claims"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["queue_position", "verdict"] and out[1].startswith("---")
    # The review queue's order (docs/schema.md): problems first, the most probable problem
    # first (which verdict that is depends on the shipped calibration, so it is not named).
    position, verdict = out[2].split()
    assert position == "1" and verdict in ("contradicted", "misrepresented", "unverifiable")
    assert main(["--db", str(demo_db), "sql", "--format", "csv",
                 "SELECT problem_probability FROM flagged_claims ORDER BY queue_position"]) == 0
    probabilities = [float(x) for x in capsys.readouterr().out.splitlines()[1:]]
    assert len(probabilities) > 1 and probabilities == sorted(probabilities, reverse=True)


def test_an_older_database_gets_its_views_before_a_read_only_query(empty_db, capsys):
    """A database written before a view existed: `sql` brings the views up to date first."""
    con = duckdb.connect(str(empty_db))
    con.execute("DROP VIEW flagged_claims")
    con.execute("DELETE FROM schema_views WHERE name = 'flagged_claims'")
    con.close()
    assert main(["--db", str(empty_db), "sql", "SELECT count(*) AS n FROM flagged_claims"]) == 0
    assert "(1 row)" in capsys.readouterr().out
