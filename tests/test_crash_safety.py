"""Crash safety: `claimdesk doctor` finds broken invariants, and kill -9 at any point leaves
a database that passes it and converges to the uninterrupted result after a re-run.

The doctor tests plant each kind of damage in a real database. The kill tests run the
real CLI in a separate process and SIGKILL it: once inside an open transaction
(deterministic, fast), and repeatedly at random points of real `sources add` and
`check` runs (slow: each process starts Python, Prefect and the models).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from flows import service
from flows.cli import main
from store.db import connect

from .conftest import DEMO, DEVSET, REPO

TABLES = ("articles", "claims", "source_documents", "source_statements", "embeddings", "matches", "verdicts")


def _doctor(db: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--db", db, "doctor"])
    return code, capsys.readouterr().out.strip().splitlines()


def _seed(db: Path) -> None:
    """A small, consistent database: one article, one claim with a verdict, one source statement."""
    con = connect(db)
    text = "Survey\n\n58% of surgeons reported an increase.\n"
    con.execute("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES ('a1', '/x/a.txt', 'Survey', ?, 'h')",
                [text])
    con.execute("INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end, claim_text, start_char,"
                " end_char, claim_type, checkable, extractor, extractor_version)"
                " VALUES ('c1', 'a1', ?, 8, 46, ?, 8, 46, 'quantity', true, 'x', '1')",
                [text[8:46], text[8:46]])
    con.execute("INSERT INTO verdicts (claim_id, verdict, confidence, flagged, explanation, judge_version)"
                " VALUES ('c1', 'unverifiable', 0.9, true, 'no source', '1')")
    con.execute("INSERT INTO source_documents (source_id, path, title, format, text, content_hash)"
                " VALUES ('s1', '/x/s.md', 'S', 'md', 'Members: 58% said so.', 'h')")
    con.execute("INSERT INTO source_statements (statement_id, source_id, text, start_char, end_char, finding_text,"
                " extractor, extractor_version) VALUES ('st1', 's1', 'Members: 58% said so.', 9, 21, '58% said so.', 'x', '1')")
    con.close()


def test_doctor_passes_a_healthy_database_and_never_writes(tmp_path, capsys):
    db = tmp_path / "ok.duckdb"
    _seed(db)
    before = db.read_bytes()
    code, lines = _doctor(str(db), capsys)
    assert code == 0, lines
    assert all(line.startswith(("ok", "note", "doctor:")) for line in lines), lines
    assert "healthy" in lines[-1]
    assert db.read_bytes() == before and not Path(f"{db}.wal").exists()


@pytest.mark.parametrize(("damage", "expected"), [
    ("DELETE FROM articles", "claims without their article"),
    ("INSERT INTO matches (claim_id, statement_id, rank, similarity) VALUES ('gone', 'st1', 1, 0.9)",
     "matches without their claim"),
    ("INSERT INTO verdicts (claim_id, verdict, confidence, flagged, explanation, judge_version)"
     " VALUES ('gone', 'supported', 1, false, 'x', '1')", "verdicts without their claim"),
    ("DELETE FROM source_documents", "source statements without their source document"),
    ("DELETE FROM verdicts", "claims without a verdict"),
    ("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES ('a2', '/x/a.txt', 'Copy', 't', 'h')",
     "the same article path stored twice"),
    ("INSERT INTO claims SELECT * REPLACE ('c2' AS claim_id) FROM claims", "the same claim span stored twice"),
    ("UPDATE claims SET start_char = start_char + 1", "claim offsets index the stored article text"),
    ("UPDATE verdicts SET verdict = 'true-ish'", "verdicts are one of the five verdicts"),
    ("DROP VIEW claim_verdicts", "claim_verdicts queries"),
    ("CREATE TABLE scratch (a INTEGER); CREATE VIEW analyst_view AS SELECT a FROM scratch;"
     " ALTER TABLE scratch RENAME COLUMN a TO b", "analyst_view queries"),
])
def test_doctor_reports_each_problem_in_one_line(tmp_path, capsys, damage, expected):
    db = tmp_path / "bad.duckdb"
    _seed(db)
    con = duckdb.connect(str(db))
    con.execute(damage)
    con.close()
    code, lines = _doctor(str(db), capsys)
    assert code == 1
    bad = [line for line in lines if line.startswith("PROBLEM")]
    assert len(bad) >= 1 and any(expected in line for line in bad), lines
    assert "problem" in lines[-1]


def test_doctor_notes_do_not_fail(tmp_path, capsys):
    db = tmp_path / "notes.duckdb"
    _seed(db)
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO runs (run_id, kind, status) VALUES ('r1', 'check', 'running')")  # killed mid-run
    con.execute("INSERT INTO reviews (claim_id, verdict, reviewer) VALUES ('left-the-article', 'supported', 'ed')")
    con.close()
    code, lines = _doctor(str(db), capsys)
    assert code == 0, lines
    assert sum(line.startswith("note") for line in lines) == 2


def test_doctor_on_a_database_whose_set_up_was_interrupted(tmp_path, capsys):
    """A kill while the first write created the file: nothing stored, nothing lost."""
    db = tmp_path / "new.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    con.close()
    code, lines = _doctor(str(db), capsys)
    assert code == 0 and any(line.startswith("note") and "set-up" in line for line in lines), lines


def test_doctor_refuses_what_is_not_a_claimdesk_database(tmp_path, capsys):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(os.urandom(5000))
    assert main(["--db", str(junk), "doctor"]) == 2
    assert "not a DuckDB database" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "missing.duckdb"), "doctor"]) == 2


# --- kill -9 inside a transaction -----------------------------------------------------------

_WRITER = textwrap.dedent("""
    import sys, time
    from store.db import connect, transaction
    con = connect(sys.argv[1])
    with transaction(con):
        con.execute("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES ('a9', '/x/k.txt', 't', 'x', 'h')")
        con.execute("INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end, claim_text,"
                    " start_char, end_char, claim_type, checkable, extractor, extractor_version)"
                    " VALUES ('c9', 'a9', 'x', 0, 1, 'x', 0, 1, 'quantity', true, 'x', '1')")
        print("in transaction", flush=True)
        time.sleep(120)
""")


def test_kill_inside_a_transaction_leaves_nothing_half_written(tmp_path, capsys):
    db = tmp_path / "k.duckdb"
    _seed(db)
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(db)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "in transaction"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    code, lines = _doctor(str(db), capsys)
    assert code == 0, lines
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM articles WHERE article_id = 'a9'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM claims").fetchone()[0] == 1
    con.close()


# --- kill -9 at random points of real runs ---------------------------------------------------

def _snapshot(db: str) -> tuple[dict[str, int], set[tuple[str, str]]]:
    con = duckdb.connect(db, read_only=True)
    try:
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        verdicts = set(con.execute("SELECT claim_text, verdict FROM claim_verdicts").fetchall())
    finally:
        con.close()
    return counts, verdicts


def _inputs(tmp_path: Path) -> tuple[str, str]:
    """Four sources in three formats and three articles: several write windows per run."""
    src, arts = tmp_path / "sources", tmp_path / "articles"
    src.mkdir()
    arts.mkdir()
    for f in [*sorted((DEMO / "sources").iterdir()), DEVSET / "sources" / "cdc-obesity-facts-2022.pdf",
              DEVSET / "sources" / "census-2020-state-populations.csv"]:
        shutil.copy(f, src / f.name)
    for f in [DEMO / "articles" / "baby-botox-trend.txt", DEVSET / "articles" / "obesity-us-and-world.txt",
              DEVSET / "articles" / "census-2020-sun-belt.txt"]:
        shutil.copy(f, arts / f.name)
    return str(src), str(arts)


def _run_and_kill(args: list[str], env: dict[str, str], rng: random.Random, after_progress: bool) -> str:
    """Start the CLI, SIGKILL it at a random point; return where it was killed."""
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    progress = threading.Event()

    def watch() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if re.match(r"^\[\d+/\d+\] /", line):  # "[2/5] /path: 12 statements": a document was written
                progress.set()

    threading.Thread(target=watch, daemon=True).start()
    t0 = time.monotonic()
    if after_progress:  # in the middle of the writes
        while not progress.wait(0.05) and proc.poll() is None and time.monotonic() - t0 < 180:
            pass
        time.sleep(rng.uniform(0.0, 0.4))
    else:  # anywhere from start-up to the first writes
        time.sleep(rng.uniform(3.0, 12.0))
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    when = f"{time.monotonic() - t0:.1f}s" + (" (after first write)" if progress.is_set() else "")
    return when + (" — had already finished" if finished else "")


@pytest.mark.slow
def test_kill_9_during_sources_add_and_check_converges(settings, prefect_harness, tmp_path, capsys):
    from prefect.settings import PREFECT_API_URL

    src, arts = _inputs(tmp_path)
    ref_db = str(settings.resolve(settings.database))
    service.index_sources([src], settings)
    service.check_articles([arts], settings)
    reference = _snapshot(ref_db)
    assert reference[0]["claims"] > 20 and reference[0]["source_statements"] > 20, reference[0]

    crash_db = str(tmp_path / "crash.duckdb")
    crash = dataclasses.replace(settings, database=crash_db)
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}  # share the test's Prefect server
    seed = int(os.environ.get("CLAIMDESK_CRASH_SEED", random.randrange(10**6)))
    rng = random.Random(seed)
    log = []
    for args, finish in ((["sources", "add", src], lambda: service.index_sources([src], crash)),
                         (["check", arts], lambda: service.check_articles([arts], crash))):
        for after_progress in (False, True):
            when = _run_and_kill(["--db", crash_db, *args], env, rng, after_progress)
            if Path(crash_db).exists():
                code, lines = _doctor(crash_db, capsys)
                assert code == 0, f"seed {seed}, {log}, {when}: " + "\n".join(lines)
                stored = _snapshot(crash_db)[0] if "schema: database set up" not in "\n".join(lines) else {}
                when += f", left {stored.get('source_documents', 0)} sources, {stored.get('articles', 0)} articles"
            log.append(f"{args[0]}: killed at {when}")
        finish()  # re-run to completion (the service the CLI's flows run, here inline)
    code, lines = _doctor(crash_db, capsys)
    assert code == 0, "\n".join(lines)
    assert _snapshot(crash_db) == reference, f"seed {seed}: {log}"
    assert any("already finished" not in entry for entry in log), log  # at least one run was really cut short
    print(json.dumps({"seed": seed, "kills": log}))
