"""Claim extraction on realistic news sentences, with the real spaCy pipeline."""

from __future__ import annotations

import pytest

from claims.extract import extract_claims


def only(text, nlp):
    claims = extract_claims(text, nlp)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


def test_change_with_attribution_and_year(nlp):
    text = ("According to the American Academy of Facial Plastic and Reconstructive Surgery (AAFPRS), plastic surgeons "
            "reported a 58% increase in bookings and treatments in 2022.")
    c = only(text, nlp)
    assert c.measure == "change" and c.direction == "up"
    assert c.quantity.value == 58 and c.unit == "percent"
    assert c.subject == "bookings and treatments"
    assert c.population == "plastic surgeons"
    assert c.period == "2022"
    assert "AAFPRS" in c.attribution
    assert text[c.start:c.end] == c.text
    assert c.text.startswith("According to") and "plastic surgeons reported a 58% increase" in c.text


def test_share_of_a_group(nlp):
    c = only("Three-quarters of plastic surgeons surveyed also said they saw more patients under 30.", nlp)
    assert c.measure == "share"
    assert c.population == "plastic surgeons surveyed"
    assert (c.quantity.low, c.quantity.high) == (74, 76)


def test_two_statistics_give_two_atomic_claims(nlp):
    text = "In 2022, 73% of members performed lip lifts, up from 70% the year before."
    claims = extract_claims(text, nlp)
    assert [c.quantity.value for c in claims] == [73, 70]
    assert claims[0].end <= claims[1].start
    assert "70%" not in claims[0].text and "73%" not in claims[1].text


def test_anaphoric_attribution_resolves_to_the_survey(nlp):
    text = ("The AAFPRS survey found that 58% of members saw more bookings. "
            "Nearly 80% of surgeons expect more young patients, according to that same survey.")
    claims = extract_claims(text, nlp)
    assert len(claims) == 2
    assert claims[1].attribution and "AAFPRS" in claims[1].attribution


@pytest.mark.parametrize("text", [
    "She started getting injections at age 21.",
    "The event starts at 2.15pm on Monday.",
    "Revenue for the 2012–13 season was reported later.",
    "Call 555-1234 for details.",
    "The iPhone 15 launched in September.",
    "28 and getting started with the preventatives",
])
def test_non_statistics_are_not_claims(text, nlp):
    assert extract_claims(text, nlp) == []


def test_quotes_and_vague_quantities_are_not_checkable(nlp):
    text = ("With millions of views on TikTok, the hashtag is everywhere.\n\n"
            "\u201cI get it done every four months, and it costs maybe a third of a normal dose,\u201d she says.")
    claims = extract_claims(text, nlp)
    assert claims and all(not c.checkable for c in claims)
    assert any("vague" in c.reason for c in claims)
    assert any(c.in_quote for c in claims)


def test_percentage_points_and_money(nlp):
    c = only("The unemployment rate fell 1.2 percentage points last year.", nlp)
    assert c.measure == "change_points" and c.direction == "down"
    c = only("The company reported revenue of $11.8 billion in 2023.", nlp)
    assert c.measure == "amount" and c.unit == "currency:USD" and c.quantity.value == 11.8e9


def test_a_bracketed_figure_keeps_the_clause_that_runs_on_after_its_bracket(nlp):
    c = only("Among them, nearly all (89.4%) use flavored products.", nlp)
    assert c.text.endswith("use flavored products."), c.text


def test_a_double_hyphen_ends_a_clause_like_a_dash(nlp):
    figure, record = extract_claims("In 2021 drugs killed more than 107,000 people -- a stunning record high in U.S. history.", nlp)
    assert figure.text == "In 2021 drugs killed more than 107,000 people"
    # The record after the dash is a claim of its own (claims/records.py), without a figure.
    assert (record.text, record.measure, record.quantity) == ("a stunning record high in U.S. history.", "rank", None)
