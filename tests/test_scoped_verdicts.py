"""The desk's claim-, article- and list-scoped queries return exactly the `claim_verdicts` view's rows.

The claim and article pages no longer filter the whole-table view (store/scoped_verdicts.py,
issue #16); what they show must not change. Here the scoped rows are compared with the
view's rows, and the desk's query functions with the view-based queries they replaced
(kept below as the reference), for every claim and article of real databases: one built
by the real Prefect flows (computed evidence from two source figures), the demo database
built by the real pipeline, and the review fixtures; each with editors' reviews, a newer
machine verdict than a review (a disagreement), claims with several verdicts, a claim
with no verdict, and a baseline and a change linked to their main figure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from store import review_queries as q
from store.db import session
from store.scoped_verdicts import claim_verdicts_sql
from tests.review_fixtures import build_db
from tests.test_derived import ARTICLE, SOURCE

# --- the queries as they were, over the whole-table view: the reference ------------------------

_OLD_CLAIM = """
    SELECT cv.*, c.sentence_start, c.sentence_end, c.predicate, c.checkable,
           c.not_checkable_reason, c.period_words, c.period_resolved, a.text AS article_text,
           coalesce(cv.reviewed_verdict IS NOT NULL AND cv.judged_at > cv.reviewed_at
                    AND cv.machine_verdict <> cv.reviewed_verdict, false) AS disagreement
    FROM claim_verdicts cv
    JOIN claims c ON c.claim_id = cv.claim_id
    JOIN articles a ON a.article_id = cv.article_id
    WHERE cv.claim_id = $claim
"""
_OLD_SERIES = """
    SELECT 'main' AS relation, m.claim_id, m.claim_text, cv.verdict, b.role AS own_role
    FROM claims b JOIN claims m ON m.claim_id = b.related_claim_id
    LEFT JOIN claim_verdicts cv ON cv.claim_id = m.claim_id
    WHERE b.claim_id = $claim
    UNION ALL
    SELECT b.role AS relation, b.claim_id, b.claim_text, cv.verdict, b.role AS own_role
    FROM claims b LEFT JOIN claim_verdicts cv ON cv.claim_id = b.claim_id
    WHERE b.related_claim_id = $claim
    ORDER BY relation DESC, claim_text
"""


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _old_article_claims(con: duckdb.DuckDBPyConnection, article_id: str) -> list[dict[str, Any]]:
    return _dicts(con.execute(
        f"SELECT {q._QUEUE_COLUMNS} FROM ({q._QUEUE_BASE}) WHERE article_id = $a ORDER BY start_char, end_char, claim_id",
        {"a": article_id}))


def _old_queue_rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict[str, Any]]:
    rows = _dicts(con.execute(f"SELECT {q._QUEUE_COLUMNS} FROM ({q._QUEUE_BASE}) WHERE claim_id IN (SELECT unnest($ids))",
                              {"ids": ids}))
    by_id = {r["claim_id"]: r for r in rows}
    return [by_id[c] for c in ids if c in by_id]


def _key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=repr)


# --- databases -----------------------------------------------------------------------------------


def _add_history(db: Path) -> None:
    """Reviews (one overtaken by a newer machine verdict), a claim with no verdict, a series."""
    with session(db) as con:
        ids = [r[0] for r in con.execute("SELECT claim_id FROM claims ORDER BY claim_id").fetchall()]
        assert len(ids) >= 3
        first, second, third = ids[0], ids[1], ids[-1]
        for cid, verdict in ((first, "supported"), (first, "contradicted"), (second, "misrepresented")):
            con.execute("INSERT INTO reviews (claim_id, verdict, note, reviewer, machine_verdict, reviewed_at)"
                        " VALUES (?, ?, 'checked', 'Ana Ortiz', NULL, TIMESTAMP '2020-01-01')", [cid, verdict])
        con.execute("INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation, judge_version)"
                    " VALUES (?, 're-check', 'supported', 0.7, true, 'a newer judgement', 'test')", [second])
        con.execute("DELETE FROM verdicts WHERE claim_id = ?", [third])
        con.execute("UPDATE claims SET role = 'baseline', related_claim_id = ? WHERE claim_id = ?", [first, second])
        con.execute("UPDATE claims SET role = 'change', related_claim_id = ? WHERE claim_id = ?", [first, third])


@pytest.fixture(scope="module")
def flow_db(tmp_path_factory: pytest.TempPathFactory, repo_settings, prefect_harness) -> Path:
    """The derived-figures survey indexed and its article checked by the real Prefect flows."""
    import dataclasses

    from flows.prefect_flows import check_articles_flow, index_sources_flow

    tmp = tmp_path_factory.mktemp("scoped-flow")
    settings = dataclasses.replace(repo_settings, database=str(tmp / "flow.duckdb"))
    src, art = tmp / "sources", tmp / "articles"
    src.mkdir()
    art.mkdir()
    (src / "survey.txt").write_text(SOURCE.format(later=65))
    (art / "ban.txt").write_text(ARTICLE)
    (art / "second.txt").write_text(ARTICLE.replace("15-point", "12-point") + "\nIn 2012, 70% of adults agreed.\n")
    index_sources_flow([str(src)], settings, progress=False)
    check_articles_flow([str(art)], settings, progress=False)
    db = Path(settings.database)
    with session(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM computed_evidence").fetchone()[0] >= 1
    _add_history(db)
    return db


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, repo_settings) -> Path:
    from tests.test_sql_cmd import build_demo_db

    db = build_demo_db(tmp_path_factory.mktemp("scoped-demo") / "demo.duckdb", repo_settings,
                       tmp_path_factory.getbasetemp())
    _add_history(db)
    return db


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = build_db(tmp_path_factory.mktemp("scoped-fixture") / "desk.duckdb")
    _add_history(db)
    return db


@pytest.fixture(params=["flow_db", "demo_db", "fixture_db"])
def db(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


# --- the comparisons -----------------------------------------------------------------------------


def test_scoped_rows_are_the_views_rows_for_every_claim_and_article(db: Path) -> None:
    with session(db, read_only=True) as con:
        claims = [r[0] for r in con.execute("SELECT claim_id FROM claims").fetchall()]
        articles = [r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()]
        view_names = [d[0] for d in con.execute("SELECT * FROM claim_verdicts LIMIT 0").description]
        for scope in ("claim", "article", "ids"):
            cur = con.execute(claim_verdicts_sql(scope) + " LIMIT 0", {scope: [] if scope == "ids" else ""})
            assert [d[0] for d in cur.description] == view_names
        for cid in claims:
            view = _dicts(con.execute("SELECT * FROM claim_verdicts WHERE claim_id = $c", {"c": cid}))
            assert _dicts(con.execute(claim_verdicts_sql("claim"), {"claim": cid})) == view
        for aid in articles:
            view = _dicts(con.execute("SELECT * FROM claim_verdicts WHERE article_id = $a", {"a": aid}))
            scoped = _dicts(con.execute(claim_verdicts_sql("article"), {"article": aid}))
            assert sorted(map(_key, scoped)) == sorted(map(_key, view))
        view = _dicts(con.execute("SELECT * FROM claim_verdicts"))
        scoped = _dicts(con.execute(claim_verdicts_sql("ids"), {"ids": claims}))
        assert sorted(map(_key, scoped)) == sorted(map(_key, view))
        # The data covers what the pages show: reviews, disagreement, series, several verdicts, none.
        assert any(r["reviewed_verdict"] for r in view)
        assert any(r["machine_verdict"] is None for r in view)
        assert con.execute("SELECT count(*) FROM claims WHERE related_claim_id IS NOT NULL").fetchone()[0] == 2


def test_claim_and_article_pages_read_what_the_view_based_queries_read(db: Path) -> None:
    with session(db, read_only=True) as con:
        claims = [r[0] for r in con.execute("SELECT claim_id FROM claims ORDER BY claim_id").fetchall()]
        articles = [r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()]
        disagreements = 0
        for cid in claims:
            detail = q.claim_detail(con, cid)
            old = _dicts(con.execute(_OLD_CLAIM, {"claim": cid}))[0]
            old_text = old.pop("article_text")
            assert (detail["claim"], detail["article_text"]) == (old, old_text)
            assert list(detail["claim"]) == list(old)  # same columns in the same order
            assert detail["series"] == _dicts(con.execute(_OLD_SERIES, {"claim": cid}))
            disagreements += bool(detail["claim"]["disagreement"])
        assert disagreements >= 1
        assert sum(bool(q.series_links(con, c)) for c in claims) == 3  # the main figure, its baseline and change
        for aid in articles:
            assert q.article_detail(con, aid)["claims"] == _old_article_claims(con, aid)
        page = list(reversed(claims))[:25] + ["no-such-claim"]
        assert q.queue_rows(con, page) == _old_queue_rows(con, page)
        with pytest.raises(q.NotFound):
            q.claim_detail(con, "no-such-claim")
