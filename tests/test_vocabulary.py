"""One vocabulary (issue #13): verdict names, their review order and the problem set are
defined once in claims/vocabulary.py, and the SQL that orders or filters verdicts, and the
one review-queue order shared by the desk, `flagged_claims` and `claimdesk demo`, follow it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from claims import model
from claims.vocabulary import MEASURE_ORDER, PROBLEM_VERDICTS, VERDICT_ORDER, Unit, VerdictName, unit_base
from store import reads, review_queries
from store.db import connect
from store.vocabulary_sql import QUEUE_ORDER, problem_sql, sql_list, verdict_order_sql

from .review_fixtures import add_article, add_claim, build_db


def test_the_verdicts_in_review_order_and_the_problems():
    assert [str(v) for v in VERDICT_ORDER] == ["contradicted", "misrepresented", "unverifiable", "supported",
                                              "not_checkable"]
    assert {str(v) for v in PROBLEM_VERDICTS} == {"contradicted", "misrepresented", "unverifiable"}
    assert [v.rank for v in VERDICT_ORDER] == list(range(5))
    assert VerdictName("unverifiable").is_problem and not VerdictName.SUPPORTED.is_problem
    # The plain-string names other modules import are the enum's.
    assert model.VERDICTS == review_queries.VERDICTS == tuple(str(v) for v in VERDICT_ORDER)
    assert set(model.PROBLEM_VERDICTS) == set(review_queries.PROBLEM_VERDICTS) == set(PROBLEM_VERDICTS)
    assert model.MEASURES == tuple(str(m) for m in MEASURE_ORDER)


@pytest.mark.parametrize(("unit", "base"), [("percent", Unit.PERCENT), ("currency:GBP", Unit.CURRENCY),
                                             ("per 100000", Unit.RATE), ("barrels/day", Unit.BARRELS),
                                             ("basis points", Unit.BASIS_POINTS), ("furlongs", None)])
def test_every_stored_unit_has_its_member(unit, base):
    assert unit_base(unit) == base


def test_the_sql_orders_and_filters_verdicts_as_the_enum_does():
    con = duckdb.connect()
    names = ["supported", None, "not_checkable", "contradicted", "unverifiable", "misrepresented", "unknown"]
    con.execute("CREATE TABLE t (verdict VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[n] for n in names])
    ordered = [r[0] for r in con.execute(f"SELECT verdict FROM t ORDER BY {verdict_order_sql('verdict')}, verdict").fetchall()]
    assert ordered[:5] == [str(v) for v in VERDICT_ORDER] and set(ordered[5:]) == {None, "unknown"}
    problems = {r[0] for r in con.execute(f"SELECT verdict FROM t WHERE {problem_sql('t.verdict')}").fetchall()}
    assert problems == {str(v) for v in PROBLEM_VERDICTS}
    assert con.execute(f"SELECT 'it''s' IN {sql_list(['it' + chr(39) + 's'])}").fetchone() == (True,)
    with pytest.raises(ValueError):
        verdict_order_sql("verdict; DROP TABLE t")


def test_the_desk_the_view_and_the_cli_share_one_queue_order(tmp_path: Path):
    """The review fixtures hold claims never judged (NULL verdict and confidence), reviewed
    claims and every verdict: all three surfaces list the flagged ones in the same order."""
    db = build_db(tmp_path / "review.duckdb")
    con = connect(db)
    try:
        # Two claims never judged: no verdict, no confidence, flagged (they need an editor).
        text = "Pending one: 12% rose. Pending two: 14% fell."
        add_article(con, "pending", "Pending", text)
        add_claim(con, "pending-1", "pending", text, "Pending one: 12% rose", {"value": 12.0, "unit": "percent"})
        add_claim(con, "pending-2", "pending", text, "Pending two: 14% fell", {"value": 14.0, "unit": "percent"})
        view = [r[0] for r in con.execute("SELECT claim_id FROM flagged_claims ORDER BY queue_position").fetchall()]
        desk = review_queries.queue(con, review_queries.QueueFilter(status="flagged", per_page=200))
        cli = [r["claim_id"] for r in reads.review_queue(con) if r["flagged"]]
        by_hand = [r[0] for r in con.execute(
            f"SELECT claim_id FROM claim_verdicts WHERE flagged ORDER BY {QUEUE_ORDER}").fetchall()]
        nulls = con.execute("SELECT count(*) FROM claim_verdicts WHERE flagged AND confidence IS NULL").fetchone()
    finally:
        con.close()
    assert len(view) > 3 and nulls and nulls[0] > 0
    assert view == [r["claim_id"] for r in desk["items"]] == cli == by_hand
