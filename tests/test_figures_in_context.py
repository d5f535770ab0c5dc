"""Every figure in its context (issue #15): baselines and changes are claims linked to their
main figure, an approximation with its exact figure in brackets is one claim, a narrower
scope is `misrepresented`, and a direction without a figure is judged only against a
source that states the same series' direction. Real spaCy pipeline, real extractor."""

from __future__ import annotations

import dataclasses

import duckdb

from claims.extract import extract_claims
from claims.judge import judge
from claims.model import Evidence
from claims.scope import qualifiers
from claims.series import year_offset
from store import codec
from tests.judging_fixtures import evidence_from
from tests.test_codec import _store


def _claims(text: str, nlp):
    return [c for c in extract_claims(text, nlp) if c.checkable]


def _evidence(sentence: str, nlp, similarity: float = 0.8) -> Evidence:
    return evidence_from(sentence, nlp, similarity)


# --- 1. every figure of a sentence -------------------------------------------------------

def test_a_baseline_is_a_claim_of_its_own_linked_to_its_main_figure_with_its_own_year(nlp):
    main, base = _claims("In 2023, 83% of households had broadband, up from 60% the year before.", nlp)
    assert (main.quantity.value, main.role, main.period) == (83, "main", "2023")
    assert (base.quantity.value, base.role, base.related_start, base.period) == (60, "baseline", main.start, "2022")


def test_from_a_figure_to_another_the_first_is_the_baseline(nlp):
    text = "The share of students who vape rose from 23 percent in 2004 to 41 percent in 2014."
    base, main = _claims(text, nlp)
    assert (base.quantity.value, base.period, base.role) == (23, "2004", "baseline")
    assert (main.quantity.value, main.period, main.role) == (41, "2014", "main")
    assert base.related_start == main.start
    older, today = _claims("The share of adults who smoke fell from 71% a decade ago to 33% today.", nlp)
    assert (older.role, older.related_start, today.role) == ("baseline", today.start, "main")
    # The figure reached is shown with the clause's subject; the start keeps "from 71% ...".
    assert older.text == "from 71% a decade ago"
    assert today.text.startswith("The share of adults who smoke fell") and today.text.endswith("to 33% today.")


def test_a_change_is_linked_to_the_level_it_changed(nlp):
    level, change = _claims("In 2022, surgeons performed more than 8.8 million procedures, a 4% increase.", nlp)
    assert (level.role, change.role, change.measure, change.related_start) == ("main", "change", "change", level.start)
    # Two subjects are two series: nothing links "exports" to "sales".
    sales = _claims("Sales rose 5% in 2021, while exports fell 2%.", nlp)
    assert [c.role for c in sales] == ["main", "main"]


def test_an_approximation_with_its_exact_figure_in_brackets_is_one_claim(nlp):
    (c,) = _claims("Nearly half of teens (46%) say they are online almost constantly.", nlp)
    assert c.quantity.value == 46 and c.text.startswith("Nearly half of teens (46%)")
    assert (c.measure, c.population) == ("share", "teens")
    (c,) = _claims("In 2019, nearly four in ten adults (38%) had obesity.", nlp)
    assert c.quantity.value == 38 and "(38%) had obesity" in c.text


def test_a_list_of_figures_leaves_no_bracket_fragments(nlp):
    claims = _claims("Among those surveyed, 56% said yes (up from 41%), 30% said no and 14% were unsure.", nlp)
    assert [c.quantity.value for c in claims] == [56, 41, 30, 14]
    assert not any(c.text.startswith(("(", ")")) or c.text.endswith("(") for c in claims), [c.text for c in claims]
    assert claims[1].role == "baseline" and claims[1].related_start == claims[0].start


def test_year_offsets_read_from_the_words():
    assert [year_offset(t) for t in ("the year before", "a decade ago", "five years earlier", "12 years ago",
                                     "the previous year", "last week")] == [1, 10, 5, 12, 1, None]


def test_roles_survive_the_codec_and_the_store_links_the_claim_ids(nlp, tmp_path):
    claims = _claims("In 2023, 83% of households had broadband, up from 60% the year before.", nlp)
    for c in claims:
        assert codec.claim_from_row(codec.claim_to_row(c)) == c
    stored, _ = _store(tmp_path / "roles.duckdb", claims, [])
    assert [(c.role, c.related_start) for c in stored] == [(c.role, c.related_start) for c in claims]
    con = duckdb.connect(str(tmp_path / "roles.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT b.quantity_text, m.quantity_text FROM claims b JOIN claims m"
                           " ON b.related_claim_id = m.claim_id WHERE b.role = 'baseline'").fetchall()
    finally:
        con.close()
    assert rows == [("60%", "83%")]


def test_a_wrong_baseline_is_caught_while_its_main_figure_is_right(nlp):
    main, base = _claims("In 2023, 83% of households had broadband, up from 60% the year before.", nlp)
    assert judge(main, [_evidence("In 2023, 83% of households had broadband.", nlp)]).verdict == "supported"
    v = judge(base, [_evidence("In 2022, 72% of households had broadband.", nlp)])
    assert v.verdict == "contradicted", v.explanation


# --- 4. scope ----------------------------------------------------------------------------

def test_a_qualifier_the_claim_adds_narrows_scope(nlp):
    c = _claims("In 2022, 58% of facial plastic surgeons reported an increase in bookings.", nlp)[0]
    v = judge(c, [_evidence("In 2022, 58% of plastic surgeons reported an increase in bookings.", nlp)])
    assert (v.verdict, v.rule) == ("misrepresented", "same_figure_narrower_scope"), v.explanation
    assert "facial" in v.explanation
    # The same group in the same words is supported; filler ("surveyed") narrows nothing.
    same = judge(c, [_evidence("In 2022, 58% of facial plastic surgeons surveyed reported an increase in bookings.", nlp)])
    assert same.verdict == "supported", same.explanation
    # "all plastic surgeons" for the facial ones: the population field's own rule.
    wide = _claims("In 2022, 58% of all plastic surgeons reported an increase in bookings.", nlp)[0]
    v = judge(wide, [_evidence("In 2022, 58% of facial plastic surgeons reported an increase in bookings.", nlp)])
    assert v.verdict == "misrepresented", v.explanation


def test_a_possessor_is_not_a_qualifier():
    # "the country's adults" says whose adults, not which of them: nothing narrows.
    assert qualifiers("the country's adults") == frozenset()
    assert qualifiers("Britain's young adults") == {"young"}
    assert qualifiers("facial plastic surgeons") == {"facial", "plastic"}


def test_a_country_figure_is_not_a_worldwide_one(nlp):
    c = _claims("In the United States alone, 39 million people were living with HIV in 2022.", nlp)[0]
    v = judge(c, [_evidence("Worldwide, 39 million people were living with HIV in 2022.", nlp)])
    assert v.verdict == "misrepresented", v.explanation


# --- 5. direction without a figure -------------------------------------------------------

def test_a_direction_without_a_figure_is_judged_against_the_same_series(nlp):
    (c,) = extract_claims("Teen vaping saw a slight uptick in 2023.", nlp)
    assert c.quantity is None and c.direction == "up" and c.checkable
    flat = _evidence("In 2023 there was no significant change in teen vaping (10.0% compared with 10.2%).", nlp)
    v = judge(c, [flat])
    assert (v.verdict, v.rule) == ("contradicted", "direction_other_than_source"), v.explanation
    up = _evidence("Teen vaping rose 2.1 points in 2023.", nlp)
    assert judge(c, [up]).rule == "direction_same_series"


def test_a_direction_no_source_states_is_not_checkable(nlp):
    (c,) = extract_claims("Obesity has seen a steady increase since 2005.", nlp)
    # Another series, about as similar as unrelated statistics are.
    v = judge(c, [_evidence("Average weekly earnings rose 5.1% in 2023.", nlp, similarity=0.55)])
    assert (v.verdict, v.rule) == ("not_checkable", "direction_not_stated")
    # A denial is not a claim of direction.
    assert extract_claims("Prices did not rise in 2020.", nlp) == []


def test_a_direction_claim_survives_the_codec(nlp):
    (c,) = extract_claims("Teen vaping saw a slight uptick in 2023.", nlp)
    assert codec.claim_from_row(codec.claim_to_row(c)) == dataclasses.replace(c)


# --- the editor sees a series together ------------------------------------------------------

def test_the_claim_page_links_a_baseline_and_its_main_figure_both_ways(tmp_path):
    from bs4 import BeautifulSoup
    from fastapi.testclient import TestClient

    from review.app import create_app
    from store.db import connect
    from tests.review_fixtures import add_accounts, build_db, sign_in

    db = build_db(tmp_path / "series.duckdb")
    add_accounts(db)
    con = connect(db)
    try:  # "Three-quarters of surgeons ..." made the baseline of "a 58% increase ..." for the test
        con.execute("UPDATE claims SET role = 'baseline', related_claim_id = 'cos-bookings' WHERE claim_id = 'cos-under30'")
    finally:
        con.close()
    client = TestClient(create_app(str(db), csrf_secret="test-secret"))
    assert sign_in(client).status_code == 303
    base = BeautifulSoup(client.get("/claims/cos-under30").text, "html.parser").select_one("section.series")
    assert base is not None and "baseline of" in base.get_text()
    assert base.select_one("a")["href"] == "/claims/cos-bookings"
    main = BeautifulSoup(client.get("/claims/cos-bookings").text, "html.parser").select_one("section.series")
    assert main is not None and main.get_text().strip().startswith("Same series") and "Baseline:" in main.get_text()
    assert main.select_one("a")["href"] == "/claims/cos-under30"
    twin = client.get("/claims/cos-bookings.json").json()
    assert [(s["relation"], s["claim_id"]) for s in twin["series"]] == [("baseline", "cos-under30")]
    # A claim of no series shows no such section.
    assert BeautifulSoup(client.get("/claims/cos-social").text, "html.parser").select_one("section.series") is None
