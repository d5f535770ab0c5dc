"""Readings found on the fourth real-text set (session 7, issues #14 and #15): figures grouped
with spaces, a comma inside a number, a rate of change that "eased to" a level, the year of
a comparison, and claims of direction checked against a source's own statement of direction.

Real spaCy pipeline, extractor and judge; each sentence was written for the test, of the
kinds found in coverage of statistics releases.
"""

from __future__ import annotations

import numpy as np
import pytest

from claims.direction_only import moved_subject
from claims.extract import extract_claims
from claims.judge import judge
from claims.model import Evidence
from claims.quantities import find_quantities
from claims.sentences import segment
from sources.findings import extract_findings
from sources.readers import Document


def _figures(text: str, nlp):
    return [c for c in extract_claims(text, nlp) if c.quantity is not None]


# --- numbers as written ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("Wind capacity is set to reach 4 800 GW by 2030.", 4800.0),
    ("Member states received 214 000 first-time applications.", 214000.0),
    ("There were 12.4 deaths per 1 000 residents.", 1000.0),
])
def test_one_space_groups_thousands_before_a_word(text, value):
    assert value in [q.value for q in find_quantities(text)]


def test_space_separated_table_columns_stay_apart():
    """In table text two columns of numbers are not one number."""
    values = [q.value for q in find_quantities("Q3 14.2 18 331.0 18 412.6")]
    assert 18331.0 not in values and 331.0 in values


def test_a_comma_inside_a_number_does_not_end_a_clause(nlp):
    (first, *_rest) = _figures("The admission rate fell from 38.2 admissions per 1,000 residents in 2021 to 36.9 in 2022.", nlp)
    assert "1,000 residents" in first.text


# --- what a figure measures, and when --------------------------------------------------------

@pytest.mark.parametrize("text", ["Consumer price inflation eased to 6.8% in August.",
                                  "Inflation in the euro area slowed to 2.9% in October."])
def test_a_rate_of_change_that_eased_is_still_a_rise(text, nlp):
    (c,) = _figures(text, nlp)
    assert (c.measure, c.direction) == ("change", "up")


def test_the_year_of_a_baseline_after_a_change_noun_is_not_the_main_figures(nlp):
    main, base = _figures("In rural districts, the share of homes with fibre was 41%, an increase from 35% in 2021.", nlp)
    assert main.period is None and base.period == "2021"


def test_the_same_period_of_another_year_is_a_comparison(nlp):
    (c,) = _figures("Vacancies stood at 812,000, about 40,000 fewer than the same period in 2021.", nlp)[-1:]
    assert c.period is None


# --- claims of direction without a figure ------------------------------------------------------

def _direction_claim(text: str, nlp):
    (c,) = [c for c in extract_claims(text, nlp) if c.quantity is None]
    return c


def test_what_moved_is_the_subject_of_the_change_word_not_the_speaker(nlp):
    c = _direction_claim("The agency also estimates that road injuries declined in the third quarter of 2021.", nlp)
    assert c.subject == "road injuries"
    sent = segment("The agency also estimates that road injuries declined in the third quarter of 2021.", nlp)[0]
    assert moved_subject(sent.text, sent.tokens, sent.text.index("declined")) == "road injuries"


def test_a_source_statement_of_direction_is_kept_as_a_finding(nlp):
    doc = Document(path="release.txt", title="Release", format="txt",
                   text="Road injuries declined in the third quarter of 2021. This is the second straight quarterly decline.\n"
                        "In 2021, 38,100 people were injured.", content_hash="x")
    findings = extract_findings(doc, nlp)
    plain = [f for f in findings if f.quantity is None]
    # The direction, and the run it continues (a streak is a record of its kind, claims/records.py).
    assert [(f.direction, f.measure) for f in plain] == [("down", "change"), (None, "rank")]
    assert any(f.quantity is not None and f.quantity.value == 38100 for f in findings)


def _statement(text: str, nlp, similarity: float) -> Evidence:
    (f,) = [f for f in extract_claims(text, nlp) if f.quantity is None]
    return Evidence("st-1", "src-1", "A release", f.sentence, f.start, f.end, similarity, f)


def test_a_direction_is_supported_by_a_source_sentence_of_direction_in_other_words(nlp):
    c = _direction_claim("Highway deaths dropped slightly in the third quarter of 2021.", nlp)
    v = judge(c, [_statement("The agency estimates that casualties declined in the third quarter of 2021.", nlp, 0.78)])
    assert (v.verdict, v.rule) == ("supported", "direction_same_series"), v.explanation


def test_other_words_at_a_lower_similarity_are_not_the_same_series(nlp):
    c = _direction_claim("Highway deaths dropped slightly in the third quarter of 2021.", nlp)
    v = judge(c, [_statement("The agency estimates that casualties declined in the third quarter of 2021.", nlp, 0.62)])
    assert v.rule == "direction_not_stated", v.explanation


def test_the_opposite_direction_contradicts_only_on_the_series_own_words(nlp):
    c = _direction_claim("Road injuries rose in the third quarter of 2021.", nlp)
    same_words = _statement("Road injuries declined in the third quarter of 2021.", nlp, 0.8)
    assert judge(c, [same_words]).rule == "direction_other_than_source"
    other_words = _statement("The agency estimates that casualties declined in the third quarter of 2021.", nlp, 0.8)
    assert judge(c, [other_words]).rule == "direction_not_stated"


def test_claims_with_a_figure_never_rank_statements_without_one(tmp_path):
    """The figureless statements have their own index: a claim with a figure ranks exactly the
    statements it ranked before they were stored."""
    from sources.matching import StatementIndex

    class Row:
        def __init__(self, text, quantity):
            self.text, self.source_id = text, "s"
            self.finding = type("F", (), {"quantity": quantity})()

    rows = [Row("a 5% rise", 5.0), Row("prices declined", None), Row("a 7% fall", 7.0)]
    vecs = np.eye(3, 4, dtype=np.float32)
    index = StatementIndex.build(rows, vecs, ann_min_statements=10)
    assert [r.text for r in index.rows] == ["a 5% rise", "a 7% fall"]
    assert index.figureless is not None and [r.text for r in index.figureless.rows] == ["prices declined"]
    assert np.array_equal(index.vectors, vecs[[0, 2]])


def test_a_change_then_the_level_it_reached_are_two_figures():
    values = [q.value for q in find_quantities("Part-time jobs increased 3% to 27.65% in 2023.")]
    assert 3.0 in values and 27.65 in values
    # A forecast range after a verb of change stays one range.
    assert [q.text for q in find_quantities("Prices are expected to rise 3 to 5 percent.")] == ["3 to 5 percent"]


def test_a_series_that_did_not_move_is_a_claim_of_no_change(nlp):
    c = _direction_claim("The vacancy rate has stayed flat over the past few months.", nlp)
    assert c.direction == "flat" and c.subject == "The vacancy rate"
    same = _statement("The vacancy rate was little changed over the past few months.", nlp, 0.8)
    assert judge(c, [same]).rule == "direction_same_series"


def test_a_claim_of_no_change_is_not_contradicted_by_a_small_move(nlp):
    """Writers call a 0.5% rise "flat"; only a statement of no change supports it, none contradicts it."""
    c = _direction_claim("Hospital admissions plateaued in 2022.", nlp)
    rose = _statement("Hospital admissions rose in 2022.", nlp, 0.85)
    assert judge(c, [rose]).rule == "direction_not_stated"


@pytest.mark.parametrize(("text", "direction", "subject"), [
    ("Hotel bookings were slightly down during 2021.", "down", "Hotel bookings"),
    ("Exports were up in the second quarter.", "up", "Exports"),
])
def test_up_or_down_as_the_predicate_is_a_claim_of_direction(text, direction, subject, nlp):
    c = _direction_claim(text, nlp)
    assert (c.direction, c.subject) == (direction, subject)


@pytest.mark.parametrize("text", ["The firm set up a new office in 2020.", "Hospital admissions haven't dropped at all in 2022.",
                                  "Exports weren't up in the second quarter."])
def test_particles_and_denials_are_not_claims_of_direction(text, nlp):
    # ("haven't dropped much" is a claim of little change: `test_more_ways_of_claiming_a_direction`.)
    assert [c for c in extract_claims(text, nlp) if c.quantity is None and c.direction] == []


# --- a rate stated as a level or as a change ----------------------------------------------------

def test_a_rate_stated_as_a_level_is_the_same_figure_as_the_rate_stated_as_a_change(nlp):
    from tests.judging_fixtures import verdict_against

    v = verdict_against(nlp, "The housing cost index stood at 8.4% in May 2023.",
                        "The housing cost index rose by 8.4% in the 12 months to May 2023.")
    assert v.verdict == "supported", v.explanation
    # A figure that only fits the source's rounded change is another figure, not support.
    other = verdict_against(nlp, "The housing cost index stood at 4.7% in May 2023.",
                            "The housing cost index rose by 5% in the 12 months to May 2023.")
    assert other.verdict != "supported", other.explanation
    # The other way round, a rise where the source's figure is a share, stays a changed measure.
    shift = verdict_against(nlp, "Landlords reported a 58% increase in rents in 2023.",
                            "In 2023, 58% of landlords reported an increase in rents.")
    assert shift.rule == "same_figure_other_measure", shift.explanation


# --- how far apart two figures may be and still be one quantity ---------------------------------

def test_a_figure_several_times_the_sources_is_another_quantity_not_a_contradiction(nlp):
    from tests.judging_fixtures import verdict_against

    near = verdict_against(nlp, "Bicycle thefts rose 18% in 2022.", "Bicycle thefts rose 11% in 2022.")
    assert (near.verdict, near.rule) == ("contradicted", "conflicting_figure_same_topic"), near.explanation
    # A subgroup's rate beside the whole group's: far apart, so the source does not state it.
    far = verdict_against(nlp, "The admission rate fell to 11.8 admissions per 1,000 residents in 2023.",
                          "The admission rate fell to 47.5 admissions per 1,000 residents in 2023.")
    assert far.verdict == "unverifiable", far.explanation


def test_transposed_digits_are_one_figure_misreported():
    from claims.comparisons import figures_comparable
    from claims.quantities import find_quantities

    (a,), (b,), (c,) = find_quantities("28%"), find_quantities("82%"), find_quantities("91%")
    assert figures_comparable(a, b, 3.0) and not figures_comparable(a, c, 3.0)


def test_a_reported_clause_and_a_record_beside_a_direction_are_read(nlp):
    (c,) = [c for c in extract_claims(
        "Cinema admissions were slightly down during 2022, the trade body said on Monday.", nlp) if c.direction]
    assert (c.direction, c.subject) == ("down", "Cinema admissions")
    kinds = sorted((c.measure, c.direction or "") for c in extract_claims(
        "Despite the record high, the participation rate has changed little in recent months.", nlp))
    assert kinds == [("change", "flat"), ("rank", "")]


def test_a_bare_baseline_takes_its_series_unit_and_an_age_range_stays_in_its_clause(nlp):
    main, base = _figures("The teen pregnancy rate fell to 13.5 pregnancies per 1,000 girls ages 15–19 from 14.2 in 2021.", nlp)
    assert main.text.endswith("ages 15–19") and main.unit == "per 1000"
    assert (base.role, base.unit, base.period) == ("baseline", "per 1000", "2021")
    # A plain count beside a count keeps its own unit; a figure with a unit of its own is not changed.
    _, counted = _figures("Rail injuries fell to 2,305 from 2,371 in 2021.", nlp)
    assert counted.unit == "count"


def test_the_baseline_of_a_change_keeps_its_own_unit(nlp):
    *_, base = _figures("Rail injuries were 3% lower than in 2018, when there were 2,410.", nlp)
    assert base.unit == "count"


def test_a_quoted_officials_record_and_direction_are_claims_a_quoted_personal_account_is_not(nlp):
    official = extract_claims('Maria Lopez, head of prices at the statistics office, said: "Rents have stayed '
                              'flat over the past few months. However, rents for students have reached a new record high."', nlp)
    assert sorted(c.measure for c in official if c.quantity is None) == ["change", "rank"]
    personal = extract_claims('My neighbour told me: "I think rents reached a record high this year."', nlp)
    assert [c for c in personal if c.quantity is None] == []


@pytest.mark.parametrize(("sentence", "direction"), [
    ("Use of the app among older adults stayed about the same as last year.", "flat"),
    ("Only the northern region saw no change in 2022.", "flat"),
    ("Teen use of streaming services hasn't dropped much since 2022.", "flat"),
    # a month is a time the move is placed in; a change noun as a main verb's object; a reported clause
    ("The dairy index rose in February, driven by cheese.", "up"),
    ("Global coffee prices saw a decline in March.", "down"),
    ("The agency said that rice exports fell in the fourth quarter.", "down"),
    ("Food prices continued to rise in March.", "up"),
])
def test_more_ways_of_claiming_a_direction(sentence, direction, nlp):
    (c,) = extract_claims(sentence, nlp)
    assert (c.quantity, c.direction) == (None, direction)


@pytest.mark.parametrize("sentence", [
    "Year-Over-Year Growth",  # a subheading: a time, but no series
    "Analysts expect prices to rise in March.",  # a forecast in a clause of a verb that is not reporting
    "Prices haven't dropped since 2022.",  # a denial
])
def test_not_claims_of_direction(sentence, nlp):
    assert [c for c in extract_claims(sentence, nlp) if c.direction] == []


def test_a_coordinated_figure_shares_the_change_word_before_it(nlp):
    claims = extract_claims("The cocoa index was down 4.2 percent from March and 11.9 percent from its level a year earlier.", nlp)
    assert [(c.quantity.value, c.measure, c.direction) for c in claims] == [(4.2, "change", "down"), (11.9, "change", "down")]
    # A share after "and" is its own figure, not a change.
    claims = extract_claims("Tea exports rose 4% in May and 12% of them went to Asia.", nlp)
    assert [c.measure for c in claims] == ["change", "share"]
