"""The whole pipeline on the bundled demo corpus, through the service run inline and through
real Prefect flow runs, on a temporary DuckDB file."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import pytest

from flows import service
from flows.cli import main

from .conftest import DEMO, DEVSET
from .test_codec import assert_recheck_changes_nothing


def _counts(db: str) -> dict[str, int]:
    con = duckdb.connect(db, read_only=True)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in ("articles", "claims", "source_documents", "source_statements", "embeddings", "matches", "verdicts")}
    finally:
        con.close()


def test_demo_end_to_end_and_idempotent(settings):
    db = str(settings.resolve(settings.database))
    src = service.index_sources([str(p) for p in sorted((DEMO / "sources").iterdir())], settings)
    assert len(src.processed) == 2 and not src.errors
    run = service.check_articles([str(DEMO / "articles" / "baby-botox-trend.txt")], settings)
    assert run.claims >= 8 and not run.errors
    first = _counts(db)

    con = duckdb.connect(db, read_only=True)
    rows = con.execute("SELECT claim_text, verdict, flagged, start_char, end_char, article_id, extractor, extractor_version"
                       " FROM claim_verdicts").fetchall()
    texts = dict(con.execute("SELECT article_id, text FROM articles").fetchall())
    con.close()
    by_text = {r[0]: r for r in rows}
    change = next(r for t, r in by_text.items() if "58% increase" in t)
    assert change[1] == "misrepresented" and change[2] is True
    assert {r[1] for r in rows} >= {"supported", "misrepresented", "contradicted", "not_checkable"}
    for r in rows:  # offsets index the stored article text
        assert texts[r[5]][r[3]:r[4]] == r[0]
        assert r[6] == "claimdesk.rules" and r[7]

    # Re-running the same inputs adds nothing.
    again = service.index_sources([str(DEMO / "sources")], settings)
    assert again.processed == [] and len(again.skipped) == 2
    rerun = service.check_articles([str(DEMO / "articles")], settings)
    assert rerun.processed == [] and rerun.skipped
    forced = service.check_articles([str(DEMO / "articles")], settings, force=True)
    assert forced.processed
    assert _counts(db) == first


def test_bad_file_in_batch_is_reported_and_skipped(settings, tmp_path):
    service.index_sources([str(DEMO / "sources")], settings)
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(DEMO / "articles" / "baby-botox-trend.txt", folder / "good.txt")
    (folder / "empty.txt").write_text("")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    paths = [str(p) for p in sorted(folder.iterdir())]
    run = service.check_articles(paths, settings)
    assert [Path(p).name for p in run.processed] == ["good.txt"]
    assert len(run.errors) == 2 and all("\n" not in e for e in run.errors)


def test_revised_article_replaces_its_claims_and_keeps_reviews(settings, tmp_path):
    service.index_sources([str(DEMO / "sources")], settings)
    art = tmp_path / "a.txt"
    art.write_text("Survey news\n\nClose to three-quarters of facial plastic surgeons saw more patients under 30 asking for "
                   "surgery or injectables in 2022.\n")
    service.check_articles([str(art)], settings)
    db = str(settings.resolve(settings.database))
    con = duckdb.connect(db)
    cid = con.execute("SELECT claim_id FROM claims").fetchone()[0]
    con.execute("INSERT INTO reviews (claim_id, verdict, note, reviewer) VALUES (?, 'supported', 'ok', 'ed')", [cid])
    con.close()
    art.write_text(art.read_text() + "\nSurgery accounted for 28% of all procedures performed by members in 2022.\n")
    service.check_articles([str(art)], settings)
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM claims").fetchone()[0] == 2
    assert con.execute("SELECT reviewed_verdict FROM claim_verdicts WHERE claim_id = ?", [cid]).fetchone()[0] == "supported"
    con.close()


@pytest.mark.slow
def test_flows_and_cli_end_to_end(settings, prefect_harness, capsys, tmp_path):
    from flows.prefect_flows import check_articles_flow, index_sources_flow, on_runner

    summary = on_runner(index_sources_flow, settings)([str(DEMO / "sources")], settings, False)
    assert len(summary.processed) == 2
    summary = on_runner(check_articles_flow, settings)([str(DEMO / "articles")], settings, False)
    assert summary.processed and summary.verdicts.get("misrepresented", 0) >= 2

    db = str(settings.resolve(settings.database))
    assert main(["--db", db, "eval", str(DEMO), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    import json

    figs = json.loads(out)
    assert figs["verdict_accuracy"] == 1.0 and figs["recall"] == 1.0 and figs["extra_flags"] == 0

    assert main(["--db", db, "sql", "SELECT verdict, count(*) AS n FROM claim_verdicts GROUP BY verdict", "--format", "csv"]) == 0
    assert "misrepresented" in capsys.readouterr().out
    assert main(["--db", db, "sql", "DELETE FROM claims"]) == 2  # read-only unless --write
    assert "--write" in capsys.readouterr().err


@pytest.mark.slow
def test_devset_meets_its_floor(settings, prefect_harness, capsys):
    """Issue #3's targets on the project's own development set (figures in the README).

    The set is a development set: the rules were tuned on it, so this is a regression
    guard, not a held-out measure (data/testset is the held-out one).
    """
    import json

    if not (DEVSET / "gold.jsonl").exists():
        pytest.skip("no data/devset")
    db = str(settings.resolve(settings.database))
    assert main(["--db", db, "eval", str(DEVSET), "--json"]) == 0
    figs = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figs["recall"] >= 0.95
    assert figs["verdict_accuracy"] >= 0.85
    assert figs["flag_accuracy"] >= 0.90
    assert_recheck_changes_nothing(settings)  # the codec is lossless (issue #13)


# Floors a little under the figures measured when each set was last worked on (README),
# so a change that costs more than a claim or two on text written later fails here.
@pytest.mark.slow
@pytest.mark.parametrize(("name", "recall", "verdicts", "flags"), [
    ("devset2", 0.95, 0.80, 0.90),
    ("devset3", 0.90, 0.70, 0.80),
    ("devset4", 0.86, 0.58, 0.68),
    ("realtext4", 0.89, 0.74, 0.78),  # published articles and the releases they cite (session 7)
    ("realtext5", 0.86, 0.69, 0.73),  # music industry, air travel, food prices (session 8)
    ("realtext6", 0.82, 0.69, 0.72),  # home sales, public finances, price cap (session 9: 0.846, 0.711, 0.739)
])
def test_later_devsets_keep_their_figures(name, recall, verdicts, flags, settings, prefect_harness, capsys):
    import json

    folder = DEVSET.parent / name
    if not (folder / "gold.jsonl").exists():
        pytest.skip(f"no data/{name}")
    db = str(settings.resolve(settings.database))
    assert main(["--db", db, "eval", str(folder), "--json"]) == 0
    figs = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figs["recall"] >= recall, figs
    assert figs["verdict_accuracy"] >= verdicts, figs
    assert figs["flag_accuracy"] >= flags, figs
    assert_recheck_changes_nothing(settings)  # the codec is lossless (issue #13)


def test_missing_database_folder_is_a_clean_cli_error(capsys, tmp_path, repo_settings):
    code = main(["--db", str(tmp_path / "nope" / "x.duckdb"), "sql", "SELECT 1"])
    assert code == 2
    err = capsys.readouterr().err
    assert "database" in err and "Traceback" not in err
    _ = dataclasses  # keep import used for settings fixtures elsewhere
