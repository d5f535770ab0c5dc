"""Hostile text: the quantity parser and the extractor never raise, whatever they read.

Property tests (hypothesis) over random Unicode, numbers with thousands of digits,
deeply nested brackets and one fragment repeated thousands of times, plus regression
tests for what `python -m benchmarks.fuzz` found. Few examples each, so the file stays
fast; the time-budgeted search for slow inputs lives in benchmarks/fuzz.py, not here.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extract import claims_from_sentences, extract_claims, segment
from claims.quantities import find_quantities

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Every code point but lone surrogates (a decoded file cannot contain them).
ANY_CHAR = st.characters(exclude_categories=("Cs",))
DIGIT_SETS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"]
SHAPES = [
    "{n}%", "{n} percent", "${n} billion", "about {n} people", "nearly {n} million", "between 1 and {n}%",
    "from 1 to {n} percent", "1-{n}%", "{n} in {n}", "one in {n}", "{n} times more", "{n}-fold", "the {n}th largest",
    "-{n}%", "{n} percentage points", "{n} and a half million", "rose {n}% to ${n}", "0.{n}%", "£{n}m", "{n},{n}%",
]
FRAGMENTS = ["1,", "1 ", "1-", "1 to ", "5% or ", "more than ", "and a half ", "thousand ", "fifty-", "between 1 and ",
             "(", "[", "“", '"', "$", "%", "one in ", "-fold ", "up from ", "the most ", "according to ", "…", "٥٨٪ "]
BRACKETS = [("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"), ("«", "»"), ('"', '"'), ("<", ">"), ("(", "")]


@st.composite
def huge_numbers(draw: st.DrawFn, most: int = 5000) -> str:
    digits = draw(st.sampled_from(DIGIT_SETS))
    n = draw(st.integers(min_value=1, max_value=most))
    first = draw(st.sampled_from(digits[1:]))
    num = first + draw(st.text(alphabet=digits, min_size=n - 1, max_size=n - 1))
    return draw(st.sampled_from(SHAPES)).replace("{n}", num)


@st.composite
def nested(draw: st.DrawFn, most: int = 3000) -> str:
    pairs = draw(st.lists(st.sampled_from(BRACKETS), min_size=1, max_size=most))
    core = draw(st.sampled_from(["58% of surgeons", "about 3 million", "a 58% increase, up from 40%", ""]))
    return "Survey: " + "".join(a for a, _ in pairs) + core + "".join(b for _, b in reversed(pairs)) + " in 2022."


@st.composite
def repeated(draw: st.DrawFn, most: int = 3000) -> str:
    return draw(st.sampled_from(FRAGMENTS)) * draw(st.integers(min_value=1, max_value=most)) + draw(
        st.sampled_from(["", "5%", "58% of surgeons.", "million"]))


# For the extractor, which runs spaCy: shorter, since spaCy's own time grows with the text
# (the long cases are the regression tests below and benchmarks/fuzz.py).
HOSTILE = st.one_of(st.text(ANY_CHAR, max_size=300), huge_numbers(1000), nested(300), repeated(300))


def _check_quantities(text: str) -> None:
    last_end = -1
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text) and text[q.start:q.end] == q.text
        assert q.start >= last_end  # in order, no overlaps
        last_end = q.end
        assert math.isfinite(q.value), q
        assert q.low <= q.value <= q.high, q


@QUICK
@given(st.text(ANY_CHAR, max_size=400))
def test_quantities_on_random_unicode(text):
    _check_quantities(text)


@QUICK
@given(huge_numbers())
def test_quantities_on_numbers_with_thousands_of_digits(text):
    _check_quantities(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(nested(), repeated()))
def test_quantities_on_nested_brackets_and_repetitions(text):
    _check_quantities(text)


@FEW
@given(HOSTILE)
def test_extractor_on_hostile_text(nlp, text):
    for c in extract_claims(text, nlp):
        assert text[c.start:c.end] == c.text
        assert text[c.sentence_start:c.sentence_end] == c.sentence
        assert c.quantity is None or math.isfinite(c.quantity.value)


@FEW
@given(st.lists(HOSTILE, min_size=1, max_size=3))
def test_extractor_on_paragraphs_of_hostile_text(nlp, paragraphs):
    text = "\n\n".join(paragraphs)
    sentences = segment(text, nlp)
    for s in sentences:
        assert text[s.start:s.end] == s.text
    for c in claims_from_sentences(text, sentences):
        assert text[c.start:c.end] == c.text


# --- regressions found by benchmarks/fuzz.py -------------------------------------------------

def test_regression_rank_with_hundreds_of_digits_does_not_overflow():
    """'the 10^400th largest' raised OverflowError (int too large to convert to float)."""
    assert find_quantities("the " + "9" * 400 + "th largest.") == []
    assert find_quantities("the " + "9" * 5000 + "th largest.") == []  # past int()'s 4,300-digit limit


def test_regression_ranges_and_multiples_to_an_infinite_number():
    """A second number too big for a float made an infinite value ('1-999…9%')."""
    for text in ("1-" + "9" * 400 + "%", "between 1 and " + "9" * 400 + "%", "9" * 400 + " times more",
                 "9" * 400 + "-fold", "from 1 to " + "9" * 400 + " percent"):
        _check_quantities(text)
    assert [q.value for q in find_quantities("between 1 and 2% of adults")] == [1.5]  # unchanged


def test_regression_long_runs_without_spaces_are_parsed_in_linear_time(nlp):
    """6,000 '[' took minutes in spaCy's tokenizer (quadratic in a run without whitespace)."""
    text = "[" * 6000 + "58% of surgeons said so."
    sentences = segment(text, nlp)
    assert "".join(s.text for s in sentences).replace("[", "") == "58% of surgeons said so."
    claims = claims_from_sentences(text, sentences)
    assert [text[c.start:c.end] for c in claims] == [c.text for c in claims]


def test_regression_thousands_of_figures_in_one_sentence(nlp):
    """Every figure rescanned the whole sentence before it ('and a half' * 2,000 took a minute)."""
    for text in ("5% or " * 800 + "5%.", "About " + "and a half " * 800):
        claims = extract_claims(text, nlp)
        assert all(text[c.start:c.end] == c.text for c in claims)


def test_regression_the_and_a_long_capitalised_word(nlp):
    """'the ' + a long all-caps word tried every split of it into name pieces (2 s at 34
    letters, minutes at 60): an all-caps headline or 'the AAFPRS.AAFPRS...' could hang."""
    for text in ("Figures from the " + "A" * 80 + " show 58% of surgeons agree.",
                 "the " + "AAFPRS." * 100 + " said 12% rose."):
        claims = extract_claims(text, nlp)
        assert all(text[c.start:c.end] == c.text for c in claims)
