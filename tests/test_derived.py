"""Computed evidence (issue #15 part 2): a claim's figure as arithmetic over two source figures.

Claims and statements are read by the real extractor (spaCy); the unit tests give the
candidates and their similarity (retrieval is skipped), the end-to-end tests run the real
flows on a real DuckDB file, then the review desk (its JSON twin and, in Chromium, the
claim page) and a re-check after the source is revised.
"""

from __future__ import annotations

import duckdb
import pytest

from claims.derived import operations, reconsider
from claims.extract import extract_claims
from claims.judge import judge
from claims.model import Evidence, Verdict
from claims.thresholds import Thresholds

T = Thresholds()
POLICY = ("In 2008, 50% of adults supported the smoking ban.", "In 2012, 65% of adults supported the smoking ban.")


def _statements(nlp, *sentences: str, source: str = "src-1", similarity: float = 0.75) -> list[Evidence]:
    out = []
    for i, s in enumerate(sentences):
        for k, f in enumerate(extract_claims(s, nlp)):
            out.append(Evidence(f"{source}-{i}-{k}", source, "Annual Survey", f.sentence, f.start, f.end, similarity, f))
    return out


def _judged(nlp, claim_text: str, *sentences: str, **kw) -> Verdict:
    c = extract_claims(claim_text, nlp)[0]
    pool = _statements(nlp, *sentences, **kw)
    return reconsider(c, judge(c, pool, T), pool, T)


def test_a_point_change_is_the_difference_of_two_shares(nlp):
    v = _judged(nlp, "Support for the smoking ban has seen a 15-point increase since 2008.", *POLICY)
    assert (v.verdict, v.rule) == ("supported", "derived_figure_fits"), v.explanation
    ce = v.computed
    assert ce is not None and ce.operation == "difference" and ce.unit == "points"
    assert ce.operand_values == (50.0, 65.0) and ce.result == pytest.approx(15.0)
    assert ce.expression == "65% \u2212 50% = 15 points"
    assert "2008, 50% of adults" in v.explanation and "2012, 65% of adults" in v.explanation


def test_a_point_change_that_misses_the_years_it_names_is_contradicted(nlp):
    v = _judged(nlp, "Support for the smoking ban has seen a 25-point increase since 2008.", *POLICY)
    assert (v.verdict, v.rule) == ("contradicted", "derived_figure_conflicts"), v.explanation
    assert v.computed is not None and not v.computed.fits
    assert "does not fit the claim's 25-point" in v.explanation


def test_a_fall_where_the_figures_rose_is_contradicted(nlp):
    v = _judged(nlp, "Support for the smoking ban has seen a 15-point drop since 2008.", *POLICY)
    assert v.verdict == "contradicted" and v.rule == "derived_figure_conflicts"


def test_points_given_as_percent_is_misrepresented(nlp):
    v = _judged(nlp, "Support for the smoking ban has risen 15 percent since 2008.", *POLICY)
    assert (v.verdict, v.rule) == ("misrepresented", "derived_figure_other_measure"), v.explanation
    assert "percentage points, the claim says per cent" in v.explanation


def test_a_relative_jump_is_computed_from_two_rates(nlp):
    v = _judged(nlp, "The share of high school students who vaped saw a nearly 80 percent jump from 2017 to 2018.",
                "In 2017, 11.7% of high school students vaped.", "In 2018, 20.8% of high school students vaped.")
    assert (v.verdict, v.rule) == ("supported", "derived_figure_fits"), v.explanation
    assert v.computed is not None and v.computed.operation == "relative_change"
    assert v.computed.result == pytest.approx(77.78, abs=0.01)


def test_more_than_three_times_is_a_ratio_not_any_larger_figure(nlp):
    sources = ("Sales of electric cars reached 120,000 in 2020.", "Sales of electric cars reached 410,000 in 2021.")
    v = _judged(nlp, "Sales of electric cars in 2021 were more than three times 2020's number.", *sources)
    assert (v.verdict, v.rule) == ("supported", "derived_figure_fits"), v.explanation
    assert v.computed is not None and v.computed.operation == "ratio"
    wrong = _judged(nlp, "Sales of electric cars in 2021 were more than four times 2020's number.", *sources)
    assert (wrong.verdict, wrong.rule) == ("contradicted", "derived_figure_conflicts"), wrong.explanation


def test_a_combined_count_is_the_sum_of_two_counts(nlp):
    v = _judged(nlp, "Floods and storms together displaced 3.6 million people in 2022.",
                "Floods displaced 3.05 million people in 2022.", "Storms displaced 0.57 million people in 2022.")
    assert (v.verdict, v.rule) == ("supported", "derived_figure_fits"), v.explanation
    assert v.computed is not None and v.computed.operation == "sum"
    assert v.computed.expression == "3,050,000 + 570,000 = 3,620,000"


def test_operands_about_another_group_are_not_one_series(nlp):
    v = _judged(nlp, "Support for the smoking ban among teachers has seen a 15-point increase since 2008.",
                "In 2008, 50% of teachers supported the smoking ban.", "In 2012, 65% of nurses supported the smoking ban.")
    assert v.rule == "no_matching_statement" and v.computed is None


def test_operands_from_two_sources_are_not_paired(nlp):
    c = extract_claims("Support for the smoking ban has seen a 15-point increase since 2008.", nlp)[0]
    pool = _statements(nlp, POLICY[0], source="a") + _statements(nlp, POLICY[1], source="b")
    v = reconsider(c, judge(c, pool, T), pool, T)
    assert v.verdict == "unverifiable" and v.computed is None


def test_a_claim_that_asks_for_no_arithmetic_is_left_alone(nlp):
    c = extract_claims("In 2012, 15% of adults supported the smoking ban.", nlp)[0]
    assert operations(c) == ()
    pool = _statements(nlp, *POLICY)
    prior = judge(c, pool, T)
    assert reconsider(c, prior, pool, T) is prior


def test_a_miss_without_the_years_named_stays_unverifiable(nlp):
    v = _judged(nlp, "Support for the smoking ban has seen a 25-point increase.", *POLICY)
    assert v.verdict == "unverifiable" and v.computed is None


def test_weakly_related_operands_do_not_count(nlp):
    v = _judged(nlp, "Support for the smoking ban has seen a 15-point increase since 2008.", *POLICY, similarity=0.3)
    assert v.verdict == "unverifiable" and v.computed is None


# --- end to end: real flows, a real database, the desk, a re-check ----------------------

SOURCE = """Smoking Ban Attitudes Survey 2012

Published by the Public Health Institute.

In 2008, 50% of adults supported the smoking ban in bars and restaurants.
In 2012, {later}% of adults supported the smoking ban in bars and restaurants.
"""
ARTICLE = """Smoking ban wins over the public

Support among adults for the smoking ban in bars and restaurants has seen a 15-point increase since 2008.
"""


def _rows(db: str, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def checked(settings, prefect_harness, tmp_path):
    """The survey indexed and the article checked by the real Prefect flows."""
    from flows.prefect_flows import check_articles_flow, index_sources_flow

    src, art = tmp_path / "sources", tmp_path / "articles"
    src.mkdir()
    art.mkdir()
    (src / "survey.txt").write_text(SOURCE.format(later=65))
    (art / "ban.txt").write_text(ARTICLE)
    index_sources_flow([str(src)], settings, progress=False)
    check_articles_flow([str(art)], settings, progress=False)
    return settings, src, art


def test_flow_stores_the_computed_evidence_and_recheck_recomputes_it(checked):
    from flows import service
    from flows.prefect_flows import index_sources_flow

    settings, src, _art = checked
    db = str(settings.resolve(settings.database))
    [(cid, verdict, rule, expr, op, ids, values)] = _rows(
        db, "SELECT claim_id, verdict, rule, computed_expression, computed_operation, computed_operand_ids,"
            " computed_operand_values FROM claim_verdicts")
    assert (verdict, rule, op) == ("supported", "derived_figure_fits", "difference")
    assert expr == "65% \u2212 50% = 15 points" and values == [50.0, 65.0]
    texts = [_rows(db, "SELECT text FROM source_statements WHERE statement_id = ?", [i])[0][0] for i in ids]
    assert "In 2008, 50%" in texts[0] and "In 2012, 65%" in texts[1]

    # The survey is revised: 70% in 2012. A re-check recomputes 70% - 50% = 20 points.
    (src / "survey.txt").write_text(SOURCE.format(later=70))
    index_sources_flow([str(src)], settings, progress=False)
    summary = service.recheck(settings)
    assert cid in summary.rejudged
    [(verdict, rule, expr)] = _rows(db, "SELECT verdict, rule, computed_expression FROM claim_verdicts")
    assert (verdict, rule) == ("contradicted", "derived_figure_conflicts")
    assert expr == "70% \u2212 50% = 20 points"
    rows = _rows(db, "SELECT expression, fits FROM computed_evidence WHERE claim_id = ? ORDER BY verdict_id", [cid])
    assert rows == [("65% \u2212 50% = 15 points", True), ("70% \u2212 50% = 20 points", False)]
    # Re-checking again with nothing changed adds no verdict row and no computed row.
    service.recheck(settings, all_claims=True)
    assert len(_rows(db, "SELECT * FROM computed_evidence")) == 2


def test_claim_pages_json_twin_carries_the_arithmetic(checked):
    from fastapi.testclient import TestClient

    from review.app import create_app
    from tests.review_fixtures import add_accounts, sign_in

    settings, _src, _art = checked
    db = str(settings.resolve(settings.database))
    [(cid,)] = _rows(db, "SELECT claim_id FROM claims")
    add_accounts(db, {"Ann Editor": "editor"})
    with TestClient(create_app(db)) as client:
        sign_in(client)
        data = client.get(f"/claims/{cid}.json").json()
    assert data["claim"]["computed_expression"] == "65% \u2212 50% = 15 points"
    computed = data["computed"]
    assert computed["operation"] == "difference" and computed["fits"] is True
    assert [o["value"] for o in computed["operands"]] == [50.0, 65.0]
    assert "In 2008, 50% of adults" in computed["operands"][0]["text"]


@pytest.mark.browser
def test_claim_page_shows_the_operands_and_the_arithmetic_in_chromium(checked, tmp_path):
    from review.app import create_app
    from tests.review_fixtures import PASSWORD, add_accounts
    from tests.served_desk import chromium, served

    settings, _src, _art = checked
    db = str(settings.resolve(settings.database))
    [(cid,)] = _rows(db, "SELECT claim_id FROM claims")
    add_accounts(db, {"Browser Editor": "editor"})
    with chromium() as browser, served(create_app(db)) as base:
        page = browser.new_page()
        page.goto(base + "/login")
        page.fill("input[name=name]", "Browser Editor")
        page.fill("input[name=password]", PASSWORD)
        page.click("#sign-in")
        page.wait_for_url(base + "/")
        page.goto(f"{base}/claims/{cid}")
        assert page.locator("#computed-expression").inner_text().startswith("65% \u2212 50% = 15 points")
        operands = page.locator("#computed-evidence li.operand")
        assert operands.count() == 2
        assert "In 2008, 50% of adults supported" in operands.nth(0).inner_text()
        assert "In 2012, 65% of adults supported" in operands.nth(1).inner_text()
        assert "derived_figure_fits" in page.locator("#verdict-rule").inner_text()

