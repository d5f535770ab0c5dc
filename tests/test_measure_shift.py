"""Percent vs percentage points, number vs share (issue #15 part 3): the figure is in the
source, its measure is changed, so the claim is `misrepresented` and the explanation says which.

Both sides are read by the real extractor (spaCy); the unit tests give the candidate and its
similarity, the end-to-end test runs the real Prefect flows on a real DuckDB file.
"""

from __future__ import annotations

import duckdb
import pytest

from claims.extract import extract_claims
from claims.measure_shift import changed_quantity
from claims.model import Verdict
from tests.judging_fixtures import verdict_against


def _verdict(nlp, claim_text: str, source_text: str, similarity: float = 0.8) -> Verdict:
    return verdict_against(nlp, claim_text, source_text, similarity, title="Labour Market Bulletin")


@pytest.mark.parametrize(("claim", "source", "says"), [
    ("The unemployment rate has risen by 0.6 per cent over the past year.",
     "Over the past year the unemployment rate has risen by 0.6 percentage points, to 4.4%.",
     "The source's 0.6 is percentage points, the claim says per cent"),
    ("The share of adults who smoke has fallen 8 percent since 2010.",
     "The share of adults who smoke has fallen 8 percentage points since 2010.",
     "The source's 8 is percentage points, the claim says per cent"),
    ("Average house prices rose 3 percentage points in 2023.",
     "Average house prices rose 3% in 2023, the statistics office said.",
     "The source's 3 is per cent, the claim says percentage points"),
], ids=["rise-in-points-as-per-cent", "fall-in-points-as-percent", "per-cent-as-points"])
def test_a_change_in_one_unit_reported_in_the_other_is_misrepresented(nlp, claim: str, source: str, says: str):
    v = _verdict(nlp, claim, source)
    assert (v.verdict, v.rule) == ("misrepresented", "points_reported_as_percent"), v.explanation
    assert says in v.explanation


def test_the_same_unit_is_still_supported(nlp):
    v = _verdict(nlp, "The unemployment rate has risen by 0.6 percentage points over the past year.",
                 "Over the past year the unemployment rate has risen by 0.6 percentage points, to 4.4%.")
    assert v.verdict == "supported" and v.rule == "compatible_figure"


def test_the_same_number_about_another_topic_is_not_misrepresented(nlp):
    v = _verdict(nlp, "The unemployment rate has risen by 0.6 per cent over the past year.",
                 "The yield on ten-year government bonds climbed 0.6 percentage points in March.")
    assert v.rule != "points_reported_as_percent", v.explanation


def test_a_share_change_given_as_a_change_in_the_number_is_misrepresented(nlp):
    v = _verdict(nlp, "The number of high school students using tobacco rose 38% between 2017 and 2018.",
                 "The share of high school students using tobacco rose 38% between 2017 and 2018.")
    assert (v.verdict, v.rule) == ("misrepresented", "number_vs_share_change"), v.explanation
    assert "a change in the share; the claim says the number changed" in v.explanation


def test_number_and_share_are_read_from_the_words_before_the_figure(nlp):
    [number] = extract_claims("The number of students using tobacco rose 38% in 2018.", nlp)
    [share] = extract_claims("The proportion of students using tobacco rose 38% in 2018.", nlp)
    [neither] = extract_claims("Tobacco use among students rose 38% in 2018.", nlp)
    assert (changed_quantity(number), changed_quantity(share), changed_quantity(neither)) == ("number", "share", None)


def test_the_seed_share_of_surgeons_as_size_of_an_increase_keeps_its_rule(nlp):
    v = _verdict(nlp, "A survey found a 58% increase in bookings for cosmetic treatments in 2022.",
                 "58% of surgeons reported an increase in bookings and treatments in 2022.")
    assert (v.verdict, v.rule) == ("misrepresented", "same_figure_other_measure")


# --- end to end: real flows and a real database ------------------------------------------

SOURCE = """Labour Market Bulletin, March 2024

Published by the Office for National Statistics.

Over the past year the unemployment rate has risen by 0.6 percentage points, to 4.4%.
"""
ARTICLE = """Jobs market cools

The unemployment rate has risen by 0.6 per cent over the past year, official figures show.
"""


@pytest.fixture
def checked(settings, prefect_harness, tmp_path):
    from flows.prefect_flows import check_articles_flow, index_sources_flow

    src, art = tmp_path / "sources", tmp_path / "articles"
    src.mkdir()
    art.mkdir()
    (src / "bulletin.txt").write_text(SOURCE)
    (art / "jobs.txt").write_text(ARTICLE)
    index_sources_flow([str(src)], settings, progress=False)
    check_articles_flow([str(art)], settings, progress=False)
    return settings


def test_flow_stores_points_as_percent_as_misrepresented(checked):
    con = duckdb.connect(str(checked.resolve(checked.database)), read_only=True)
    try:
        rows = con.execute("SELECT verdict, rule, explanation, evidence_text, computed_expression FROM claim_verdicts"
                           " WHERE claim_text LIKE '%0.6 per cent%'").fetchall()
    finally:
        con.close()
    [(verdict, rule, explanation, evidence, expr)] = rows
    assert (verdict, rule) == ("misrepresented", "points_reported_as_percent")
    assert "percentage points, the claim says per cent" in explanation
    assert "0.6 percentage points" in evidence and expr is None
