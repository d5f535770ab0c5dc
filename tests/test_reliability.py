"""One bad article never costs its batch (ground rule: "one bad file in a batch is reported
and skipped; the rest are processed").

An unexpected exception while extracting, judging or writing one article skips that
article only: one line on stderr naming the file, no traceback on the console (it is kept
in the run's record, `runs.details`), the rest of the batch is stored, and the exit
status is 1, as for an unreadable file. The errors are planted in-process with
monkeypatch: the test harness runs the Prefect flow and its tasks in this process.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from claims.model import Claim
from flows import service, steps
from flows.cli import main
from sources import matching
from store import writes
from store.db import transaction

from .conftest import DEMO

ARTICLE = DEMO / "articles" / "baby-botox-trend.txt"


def _batch(tmp_path: Path) -> Path:
    """Five articles in one batch: two good ones and one poisoned at each step."""
    folder = tmp_path / "batch"
    folder.mkdir()
    text = ARTICLE.read_text(encoding="utf-8")
    for name, extra in (("a-good.txt", "Good copy one."), ("b-poison-extract.txt", "POISON-EXTRACT marker."),
                        ("c-poison-judge.txt", "POISON-JUDGE: 41% of readers agreed."), ("d-good.txt", "Good copy two."),
                        ("e-poison-write.txt", "Poisoned at the write.")):
        (folder / name).write_text(text + "\n" + extra + "\n", encoding="utf-8")
    return folder


def _poison(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make one article fail in extraction, one in judging and one in its database write."""
    extract, judge, replace = steps.claims_from_sentences, matching.calibrated_judge, writes.replace_article

    def bad_extract(text: str, sentences: list[object], *a: object, **k: object) -> list[Claim]:
        if "POISON-EXTRACT" in text:
            raise RuntimeError("extractor tripped over this article")
        return extract(text, sentences, *a, **k)

    def bad_judge(claim: Claim, *a: object, **k: object) -> object:
        if "POISON-JUDGE" in claim.sentence:
            raise ZeroDivisionError("judge divided by zero")
        return judge(claim, *a, **k)

    def bad_write(con: duckdb.DuckDBPyConnection, **kw: object) -> list[str]:
        if str(kw["path"]).endswith("e-poison-write.txt"):
            with transaction(con):  # a bug halfway through the article's transaction
                con.execute("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES ('half', 'x', 't', 'x', 'h')")
                raise KeyError("a bug halfway through the write")
        return replace(con, **kw)

    monkeypatch.setattr(steps, "claims_from_sentences", bad_extract)
    monkeypatch.setattr(matching, "calibrated_judge", bad_judge)
    monkeypatch.setattr(writes, "replace_article", bad_write)


def _rows(db: str, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_an_unexpected_error_skips_only_its_article(settings, prefect_harness, tmp_path, capsys, monkeypatch):
    service.index_sources([str(DEMO / "sources")], settings)
    folder = _batch(tmp_path)
    db = str(settings.resolve(settings.database))
    _poison(monkeypatch)

    code = main(["--db", db, "check", str(folder), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err and "Traceback" not in out
    skipped = [line for line in err.splitlines() if line.startswith("claimdesk: skipped")]
    assert len(skipped) == 3, err
    for name, what in (("b-poison-extract.txt", "RuntimeError: extractor tripped"),
                       ("c-poison-judge.txt", "ZeroDivisionError: judge divided by zero"),
                       ("e-poison-write.txt", "KeyError")):
        [line] = [s for s in skipped if name in s]
        assert what in line and "unexpected error" in line, line
    assert "2 checked, 0 unchanged, 3 failed" in out, out

    # The two good articles are stored whole; nothing of the three others (the half write
    # was rolled back with its transaction).
    stored = sorted(Path(str(p)).name for (p,) in _rows(db, "SELECT path FROM articles"))
    assert stored == ["a-good.txt", "d-good.txt"]
    per_article = dict(_rows(db, "SELECT article_path, count(*) FROM claim_verdicts GROUP BY 1"))
    assert len(per_article) == 2 and all(n >= 8 for n in per_article.values()), per_article
    assert _rows(db, "SELECT count(*) FROM claims WHERE article_id NOT IN (SELECT article_id FROM articles)") == [(0,)]

    # The run completed, counted the errors and kept each traceback in its record.
    [(status, n_errors, details)] = _rows(db, "SELECT status, n_errors, details FROM runs WHERE kind = 'check'")
    assert status == "completed" and n_errors == 3
    failures = {Path(f["path"]).name: f["traceback"] for f in json.loads(str(details))["failures"]}
    assert set(failures) == {"b-poison-extract.txt", "c-poison-judge.txt", "e-poison-write.txt"}
    assert "Traceback" in failures["c-poison-judge.txt"] and "bad_judge" in failures["c-poison-judge.txt"]

    # Fixed: the next run checks the three skipped articles and leaves the good ones alone.
    monkeypatch.undo()
    code = main(["--db", db, "check", str(folder), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "3 checked, 2 unchanged, 0 failed" in out, out
    assert len(_rows(db, "SELECT * FROM articles")) == 5


def test_isolated_runs_a_batch_at_once_and_falls_back_to_one_item_at_a_time():
    calls: list[list[int]] = []

    def work(items: list[int]) -> list[int]:
        calls.append(items)
        if 3 in items:
            raise ValueError("three is bad\nsecond line")
        return [i * 10 for i in items]

    kept, results, failures = steps.isolated([1, 2, 3, 4], work, lambda i: f"/in/{i}.txt")
    assert kept == [1, 2, 4] and results == [10, 20, 40]
    assert calls[0] == [1, 2, 3, 4] and len(calls) == 5
    [f] = failures
    assert f.path == "/in/3.txt" and "\n" not in f.message and "ValueError: three is bad" in f.message
    assert "Traceback" in f.traceback
    # A clean batch is one call.
    calls.clear()
    assert steps.isolated([1, 2], work, str)[1] == [10, 20] and len(calls) == 1


def test_database_problems_still_fail_the_batch():
    """A database that cannot be opened is nobody's article: it fails the batch (retried,
    then the run is 'failed'), instead of every article being reported one by one."""
    from claimdesk.errors import ClaimdeskError

    def work(items: list[int]) -> list[int]:
        raise ClaimdeskError("cannot open database: locked", path="/db/x.duckdb")

    with pytest.raises(ClaimdeskError):
        steps.isolated([1, 2], work, str)


def test_inline_check_articles_isolates_too(settings, tmp_path, monkeypatch):
    """The service run inline (no Prefect) reports the same way."""
    service.index_sources([str(DEMO / "sources")], settings)
    folder = _batch(tmp_path)
    _poison(monkeypatch)
    summary = service.check_articles([str(folder)], settings)
    assert sorted(Path(p).name for p in summary.processed) == ["a-good.txt", "d-good.txt"]
    assert len(summary.errors) == 3 and all("\n" not in e for e in summary.errors)
    assert sorted(Path(p).name for p in summary.tracebacks) == ["b-poison-extract.txt", "c-poison-judge.txt",
                                                                 "e-poison-write.txt"]
