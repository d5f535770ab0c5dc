"""Incremental runs through the real Prefect flows: unchanged inputs cost no model work, a
revised article replaces its claims and keeps its reviews, and every run is recorded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from claimdesk.settings import Settings
from flows import prefect_flows, steps
from flows.prefect_flows import check_articles_flow, index_sources_flow, on_runner
from flows.steps import RunSummary
from sources import embed

from .conftest import DEMO

pytestmark = pytest.mark.slow


def _index(paths: list[str], settings: Settings) -> RunSummary:
    return on_runner(index_sources_flow, settings)(paths, settings, False)


def _check(paths: list[str], settings: Settings) -> RunSummary:
    return on_runner(check_articles_flow, settings)(paths, settings, False)


def _one(db: str, sql: str, params: list[object] | None = None) -> object:
    con = duckdb.connect(db, read_only=True)
    try:
        row = con.execute(sql, params or []).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def _no_model_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any extraction or embedding from here on fails the test."""

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("model work on unchanged inputs")

    monkeypatch.setattr(steps, "extract_article_claims", boom)
    monkeypatch.setattr(steps, "extract_findings", boom)
    monkeypatch.setattr(embed.Embedder, "encode", boom)


def test_second_run_of_the_same_folders_does_no_model_work(settings, prefect_harness, tmp_path, monkeypatch):
    db = str(settings.resolve(settings.database))
    inbox = tmp_path / "articles"
    inbox.mkdir()
    for n in range(3):
        shutil.copy(DEMO / "articles" / "baby-botox-trend.txt", inbox / f"copy-{n}.txt")
    _index([str(DEMO / "sources")], settings)
    first = _check([str(inbox)], settings)
    assert len(first.processed) == 3 and first.claims >= 24
    embeddings = _one(db, "SELECT count(*) FROM embeddings")
    verdicts = _one(db, "SELECT count(*) FROM verdicts")

    _no_model_work(monkeypatch)
    src = _index([str(DEMO / "sources")], settings)
    again = _check([str(inbox)], settings)
    assert src.processed == [] and len(src.skipped) == 2
    assert again.processed == [] and sorted(Path(p).name for p in again.skipped) == ["copy-0.txt", "copy-1.txt", "copy-2.txt"]
    assert again.claims == 0 and not again.errors
    assert _one(db, "SELECT count(*) FROM embeddings") == embeddings
    assert _one(db, "SELECT count(*) FROM verdicts") == verdicts
    # Both runs are in the runs table; the second says it skipped everything.
    details = json.loads(str(_one(db, "SELECT details FROM runs WHERE kind = 'check' ORDER BY started_at DESC LIMIT 1")))
    assert details["processed"] == 0 and details["skipped"] == 3 and details["prefect_flow_run_id"]
    print(f"\nfirst check {first.seconds:.2f}s, second {again.seconds:.2f}s (flow bodies, Prefect start-up excluded)")


def test_revised_article_through_the_flow(settings, prefect_harness, tmp_path):
    db = str(settings.resolve(settings.database))
    _index([str(DEMO / "sources")], settings)
    art = tmp_path / "a.txt"
    art.write_text("Survey news\n\nClose to three-quarters of facial plastic surgeons saw more patients under 30 asking for "
                   "surgery or injectables in 2022.\n")
    _check([str(art)], settings)
    kept = str(_one(db, "SELECT claim_id FROM claims"))
    con = duckdb.connect(db)
    con.execute("INSERT INTO reviews (claim_id, verdict, note, reviewer) VALUES (?, 'supported', 'ok', 'ed')", [kept])
    con.close()
    embeddings = _one(db, "SELECT count(*) FROM embeddings")

    art.write_text(art.read_text() + "\nSurgery accounted for 28% of all procedures performed by members in 2022.\n")
    run = _check([str(art)], settings)
    assert len(run.processed) == 1 and run.claims == 2
    assert _one(db, "SELECT count(*) FROM claims") == 2
    assert _one(db, "SELECT reviewed_verdict FROM claim_verdicts WHERE claim_id = ?", [kept]) == "supported"
    # The unchanged claim's retrieval vector came from the cache: only the new sentence was added.
    assert _one(db, "SELECT count(*) FROM embeddings") == int(str(embeddings)) + 1

    # Shorten it again: the dropped claim goes, with its matches and verdicts; its review stays in the log.
    dropped = str(_one(db, "SELECT claim_id FROM claims WHERE claim_id <> ?", [kept]))
    art.write_text(art.read_text().split("\nSurgery")[0] + "\n")
    _check([str(art)], settings)
    assert _one(db, "SELECT count(*) FROM claims") == 1
    assert _one(db, "SELECT count(*) FROM verdicts WHERE claim_id = ?", [dropped]) == 0
    assert _one(db, "SELECT count(*) FROM matches WHERE claim_id = ?", [dropped]) == 0
    assert _one(db, "SELECT count(*) FROM reviews WHERE claim_id = ?", [kept]) == 1


def test_runs_are_recorded_and_a_failed_run_says_so(settings, prefect_harness, tmp_path, monkeypatch):
    db = str(settings.resolve(settings.database))
    _index([str(DEMO / "sources")], settings)

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(steps, "store_articles", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _check([str(DEMO / "articles")], settings)
    monkeypatch.undo()
    status, error = _one(db, "SELECT status FROM runs WHERE kind = 'check'"), _one(
        db, "SELECT details->>'error' FROM runs WHERE kind = 'check'")
    assert status == "failed" and "disk on fire" in str(error)

    _check([str(DEMO / "articles")], settings)
    con = duckdb.connect(db, read_only=True)
    rows = con.execute("SELECT kind, status, n_inputs, n_claims, n_errors FROM runs ORDER BY started_at").fetchall()
    verdict_run = con.execute("SELECT DISTINCT v.run_id FROM verdicts v").fetchall()
    con.close()
    assert [r[:2] for r in rows] == [("sources", "completed"), ("check", "failed"), ("check", "completed")]
    assert rows[2][2:] == (1, 10, 0)
    run_ids = {r[0] for r in verdict_run}
    assert len(run_ids) == 1 and run_ids == {_one(db, "SELECT run_id FROM runs WHERE status = 'completed' AND kind = 'check'")}


def test_cli_rerun_of_unchanged_inputs_starts_no_flow(settings, prefect_harness, tmp_path, monkeypatch, capsys):
    """`claimdesk check` / `sources add` of unchanged inputs answers from the content hashes
    alone: the usual summary and exit status, a `runs` row, and no Prefect flow (whose
    start-up is most of a re-run's time). One changed file, or --force, runs the flow."""
    from flows.cli import main

    db = str(settings.resolve(settings.database))
    inbox = tmp_path / "articles"
    inbox.mkdir()
    for n in range(2):
        shutil.copy(DEMO / "articles" / "baby-botox-trend.txt", inbox / f"copy-{n}.txt")
    (inbox / "empty.txt").write_text("")
    assert main(["--db", db, "sources", "add", str(DEMO / "sources"), "--quiet"]) == 0
    assert main(["--db", db, "check", str(inbox), "--quiet"]) == 1  # empty.txt is unreadable
    capsys.readouterr()

    started: list[str] = []

    def no_flow(*_a: object, **_k: object) -> None:
        started.append("flow")
        raise AssertionError("a flow was started for unchanged inputs")

    monkeypatch.setattr(prefect_flows, "on_runner", no_flow)  # how the CLI starts a flow
    _no_model_work(monkeypatch)
    assert main(["--db", db, "sources", "add", str(DEMO / "sources"), "--quiet"]) == 0
    assert "sources: 0 indexed, 2 unchanged, 0 failed; 0 statements" in capsys.readouterr().out
    assert main(["--db", db, "check", str(inbox)]) == 1
    out, err = capsys.readouterr()
    assert "articles: 0 checked, 2 unchanged, 1 failed; 0 claims" in out, out
    assert "claimdesk: skipped" in err and "empty.txt" in err and "2 unchanged, skipped" in err, err
    assert started == []
    con = duckdb.connect(db, read_only=True)
    rows = con.execute("SELECT kind, status, n_inputs, n_errors, details->>'prefect_flow_run_id' FROM runs ORDER BY started_at"
                       ).fetchall()
    con.close()
    assert rows[-2:] == [("sources", "completed", 2, 0, None), ("check", "completed", 2, 1, None)], rows

    # --force, or one changed file, goes to the flow.
    with pytest.raises(AssertionError, match="a flow was started"):
        main(["--db", db, "check", str(inbox), "--force", "--quiet"])
    (inbox / "copy-1.txt").write_text((inbox / "copy-1.txt").read_text() + "\nOne more paragraph.\n")
    with pytest.raises(AssertionError, match="a flow was started"):
        main(["--db", db, "check", str(inbox), "--quiet"])
    assert started == ["flow", "flow"]


def test_sources_add_force_reindexes_unchanged_documents(settings, prefect_harness, capsys):
    """After an upgrade that reads more statements from the same files (session 7: statements of
    direction without a figure), `sources add --force` re-reads unchanged documents through the flow."""
    from flows.cli import main

    db = str(settings.resolve(settings.database))
    assert main(["--db", db, "sources", "add", str(DEMO / "sources"), "--quiet"]) == 0
    first = capsys.readouterr().out
    assert main(["--db", db, "sources", "add", str(DEMO / "sources"), "--quiet"]) == 0
    assert "0 indexed, 2 unchanged" in capsys.readouterr().out
    assert main(["--db", db, "sources", "add", str(DEMO / "sources"), "--force", "--quiet"]) == 0
    again = capsys.readouterr().out
    assert "2 indexed, 0 unchanged" in again
    # The same statements as the first time, replaced, not added twice.
    assert first.strip().split("; ")[-1] == again.strip().split("; ")[-1]
    con = duckdb.connect(db, read_only=True)
    n = con.execute("SELECT count(*), count(DISTINCT statement_id) FROM source_statements").fetchone()
    con.close()
    assert n[0] == n[1]
