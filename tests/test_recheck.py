"""Re-checks: a source added later changes a verdict; only claims judged before it are
re-judged; the change is a new verdict row of a 'recheck' run; reviews stay final."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows import service
from flows.cli import main

from .conftest import DEMO

PARKS_SOURCE = """City Parks Survey 2023

Published by the Parks Department.

In 2023, 35% of households visited a city park at least once a week, the Parks Department reported.
"""
TRANSIT_SOURCE = """Metro Transit Survey 2023

Published by Metro Transit.

In 2023, 42% of city residents said they cycle to work, according to the Metro Transit Survey.
"""
PARKS_ARTICLE = """Parks are busier than ever

According to the Parks Department, 35% of households visited a city park at least once a week in 2023.
"""
TRANSIT_ARTICLE = """Cycling boom

In 2023, 42% of city residents said they cycle to work, according to the Metro Transit Survey.
"""


def _write(folder: Path, name: str, text: str) -> str:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return str(folder / name)


def _rows(db: str, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _claim(db: str, path: str) -> str:
    return str(_rows(db, "SELECT claim_id FROM claims JOIN articles USING (article_id) WHERE path = ?", [path])[0][0])


@pytest.fixture
def corpus(settings, tmp_path):
    """Transit source indexed; the parks article (unverifiable) and a transit article checked;
    then the parks source is added and a second transit article is checked after it."""
    src, art = tmp_path / "sources", tmp_path / "articles"
    service.index_sources([_write(src, "transit.txt", TRANSIT_SOURCE)], settings)
    parks, early = _write(art, "parks.txt", PARKS_ARTICLE), _write(art, "transit-early.txt", TRANSIT_ARTICLE)
    service.check_articles([parks, early], settings)
    service.index_sources([_write(src, "parks.txt", PARKS_SOURCE)], settings)
    late = _write(art, "transit-late.txt", TRANSIT_ARTICLE)
    service.check_articles([late], settings)
    return {"parks": parks, "early": early, "late": late}


def test_a_new_source_changes_a_verdict_and_only_stale_claims_are_rejudged(settings, corpus):
    db = str(settings.resolve(settings.database))
    parks, early, late = (_claim(db, corpus[k]) for k in ("parks", "early", "late"))
    assert _rows(db, "SELECT verdict FROM claim_verdicts WHERE claim_id = ?", [parks]) == [("unverifiable",)]
    late_rows = _rows(db, "SELECT * FROM verdicts WHERE claim_id = ?", [late])

    summary = service.recheck(settings)
    [(run_id,)] = _rows(db, "SELECT run_id FROM runs WHERE kind = 'recheck'")
    [(checked_in,)] = _rows(db, "SELECT run_id FROM verdicts WHERE claim_id = ? ORDER BY verdict_id LIMIT 1", [parks])

    # Judged before the parks source: the parks claim and the early transit claim. Not the late one.
    assert sorted(summary.rejudged) == sorted([parks, early])
    assert summary.changed == [(parks, "unverifiable", "supported")]
    # The early claim keeps its verdict; its calibrated confidence may move (its candidates now
    # include the parks statements), which records a new row with the same verdict.
    assert summary.new_rows in (1, 2)
    history = _rows(db, "SELECT verdict, run_id FROM verdicts WHERE claim_id = ? ORDER BY verdict_id", [parks])
    assert history == [("unverifiable", checked_in), ("supported", run_id)]
    assert _rows(db, "SELECT kind, status, n_claims FROM runs WHERE run_id = ?", [run_id]) == [("recheck", "completed", 2)]
    assert _rows(db, "SELECT kind FROM runs WHERE run_id = ?", [checked_in]) == [("check",)]
    early_rows = _rows(db, "SELECT verdict FROM verdicts WHERE claim_id = ?", [early])
    assert len(early_rows) == summary.new_rows and len({v for (v,) in early_rows}) == 1
    assert _rows(db, "SELECT * FROM verdicts WHERE claim_id = ?", [late]) == late_rows
    changes = _rows(db, "SELECT claim_id, old_verdict, new_verdict, run_id FROM verdict_changes")
    assert changes == [(parks, "unverifiable", "supported", run_id)]

    # The completed re-check vouches for the early claim, whose verdict did not change: nothing is stale now.
    assert service.recheck(settings).rejudged == []


def test_revised_source_makes_its_claims_stale_again(settings, corpus, tmp_path):
    db = str(settings.resolve(settings.database))
    service.recheck(settings)
    parks = _claim(db, corpus["parks"])
    # The survey is corrected: 53%, not 35%. The parks claim now contradicts it.
    _write(tmp_path / "sources", "parks.txt", PARKS_SOURCE.replace("35%", "53%"))
    service.index_sources([str(tmp_path / "sources" / "parks.txt")], settings)
    summary = service.recheck(settings)
    assert parks in summary.rejudged
    assert (parks, "supported", "contradicted") in summary.changed


def test_editor_review_stays_final_and_a_change_is_a_disagreement(settings, corpus):
    db = str(settings.resolve(settings.database))
    parks = _claim(db, corpus["parks"])
    con = duckdb.connect(db)
    con.execute("INSERT INTO reviews (claim_id, verdict, note, reviewer) VALUES (?, 'unverifiable', 'no source', 'ed')", [parks])
    con.close()
    summary = service.recheck(settings)
    assert summary.disagreements == [parks]
    row = _rows(db, "SELECT verdict, machine_verdict, reviewed_verdict, flagged FROM claim_verdicts WHERE claim_id = ?", [parks])
    assert row == [("unverifiable", "supported", "unverifiable", False)]
    assert _rows(db, "SELECT count(*) FROM reviews WHERE claim_id = ?", [parks]) == [(1,)]


def test_rebuilt_claims_judge_as_freshly_extracted_ones(settings):
    """`recheck --all` right after a check changes nothing: claims rebuilt from their rows
    are judged exactly as the extracted ones were."""
    service.index_sources([str(DEMO / "sources")], settings)
    run = service.check_articles([str(DEMO / "articles")], settings)
    summary = service.recheck(settings, all_claims=True)
    checkable = run.claims - run.verdicts.get("not_checkable", 0)
    assert len(summary.rejudged) == checkable > 0
    assert summary.new_rows == 0 and summary.changed == []


@pytest.mark.slow
def test_recheck_command_runs_the_flow(settings, corpus, prefect_harness, capsys):
    db = str(settings.resolve(settings.database))
    assert main(["--db", db, "recheck", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 claims in 2 articles re-judged" in out and "unverifiable -> supported" in out
    runs = _rows(db, "SELECT kind, status, n_claims, details->>'changed' FROM runs WHERE kind = 'recheck'")
    assert runs == [("recheck", "completed", 2, "1")]
    assert _rows(db, "SELECT count(*) FROM verdict_changes v JOIN runs r USING (run_id) WHERE r.kind = 'recheck'") == [(1,)]
    assert main(["--db", db, "recheck", "--quiet"]) == 0
    assert "0 claims in 0 articles re-judged" in capsys.readouterr().out
