"""The judge's word lists (claims/lexicon/), one case per entry: each word has the effect it is listed for.

Adding a word to one of these files adds a case here without touching this test; a word
that has no effect (a typo, a plural where the singular is looked up) fails.
"""

from __future__ import annotations

import pytest

from claims.comparisons import compare_population, counted_kind, topic_overlap
from claims.lexicon import load_table, load_words
from claims.model import MEASURES, Claim, FieldComparison
from claims.quantities import find_quantities
from claims.rules import describe


def _claim(sentence: str, population: str = "") -> Claim:
    qs = find_quantities(sentence)
    return Claim(text=sentence, start=0, end=len(sentence), sentence=sentence, sentence_start=0,
                 sentence_end=len(sentence), quantity=qs[0] if qs else None, measure="count", population=population)


@pytest.mark.parametrize("head", sorted(load_words("object_heads")))
def test_a_count_followed_by_an_object_head_counts_objects(head):
    assert counted_kind(_claim(f"Officials counted 3.1 million {head} last year.")) == "object"


def test_a_count_of_people_is_not_a_count_of_objects():
    assert counted_kind(_claim("Officials counted 3.1 million people last year.")) == "person"
    assert counted_kind(_claim("Officials counted 3.1 million tonnes last year.")) is None


@pytest.mark.parametrize("word", sorted(load_words("topic_stopwords")))
def test_a_topic_stop_word_does_not_count_towards_the_topic(word):
    source = _claim("Inflation reached 4% in 2023.")
    assert topic_overlap(_claim(f"{word} inflation"), source) == 1.0


def test_a_content_word_counts_towards_the_topic():
    assert topic_overlap(_claim("bananas inflation"), _claim("Inflation reached 4% in 2023.")) == 0.5


@pytest.mark.parametrize("word", sorted(load_words("population_filler_words")))
def test_a_filler_word_does_not_narrow_an_all_population(word):
    assert compare_population(_claim("x", "all surgeons"), _claim("x", f"surgeons {word}")) is True


def test_a_real_qualifier_narrows_an_all_population():
    assert compare_population(_claim("x", "all surgeons"), _claim("x", "facial surgeons")) is False


@pytest.mark.parametrize("word", sorted(load_words("universal_determiners")))
def test_a_universal_determiner_claims_the_whole_group(word):
    assert compare_population(_claim("x", f"{word} surgeons"), _claim("x", "facial surgeons")) is False
    assert compare_population(_claim("x", "surgeons"), _claim("x", "facial surgeons")) is True


@pytest.mark.parametrize("row", load_table("measure_descriptions"), ids=lambda r: r["measure"])
def test_each_measure_reads_as_its_description(row):
    assert row["measure"] in MEASURES
    sentence = describe(FieldComparison("measure", row["measure"], "count", False))
    assert sentence.startswith(f"the claim reports {row['description']} where")


def test_every_measure_but_none_has_a_description():
    assert {r["measure"] for r in load_table("measure_descriptions")} == set(MEASURES) - {"none"}
