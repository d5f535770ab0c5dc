"""Every entry of the language data in claims/lexicon/ has its effect through the public functions.

Data-driven: each test reads a lexicon file and checks each of its rows in a sentence, so
adding a word to a file adds a test case, and a word that does nothing fails. Sentences are
read without spaCy (one `Sentence` each): the rules under test are the extractor's own.
"""

from __future__ import annotations

import re

import pytest

from claims.extract import (
    Sentence,
    claim_geo_codes,
    claims_from_sentences,
    geo_codes,
    is_baseline_clause,
    is_generic_head,
    is_person_head,
    population_head,
    singular,
)
from claims.lexicon import load_list, load_table, load_words
from claims.model import Claim
from claims.quantities import find_quantities, parse_number


def _claims(text: str, in_quote: bool = False) -> list[Claim]:
    return claims_from_sentences(text, [Sentence(text, 0, len(text), in_quote)])


def _only(text: str) -> Claim:
    claims = _claims(text)
    assert len(claims) == 1, [(c.text, c.quantity.text) for c in claims]
    return claims[0]


def _rows(name: str, **where: str) -> list[dict[str, str]]:
    rows = [r for r in load_table(name) if all(r[k] == v for k, v in where.items())]
    assert rows, f"no rows in {name}.tsv with {where}"
    return rows


def _ids(rows: list[dict[str, str]], key: str = "word") -> list[str]:
    return [r[key] for r in rows]


def _expected(direction: str) -> str | None:
    return None if direction == "-" else direction


# --- change_verbs.tsv -----------------------------------------------------------------

def test_change_words_have_one_direction_each():
    seen: dict[str, str] = {}
    for r in load_table("change_verbs"):
        assert r["direction"] in ("up", "down", "-"), r
        assert r["use"] in ("move", "of_noun", "object_by", "money", "part_of", "multiple", "comparative", "baseline"), r
        if r["direction"] != "-":
            assert seen.setdefault(r["word"], r["direction"]) == r["direction"], f"{r['word']} points both ways"


@pytest.mark.parametrize("row", _rows("change_verbs", use="move"), ids=_ids(_rows("change_verbs", use="move")))
def test_change_verb_before_a_figure(row):
    c = _only(f"Sales {row['word']} 5% in 2021.")
    assert (c.measure, c.direction) == ("change", row["direction"])


@pytest.mark.parametrize("row", _rows("change_verbs", use="of_noun"), ids=_ids(_rows("change_verbs", use="of_noun")))
def test_change_noun_of_a_figure(row):
    c = _only(f"Sales saw a {row['word']} of 5% in 2021.")
    assert (c.measure, c.direction) == ("change", _expected(row["direction"]))


@pytest.mark.parametrize("row", _rows("change_verbs", use="object_by"), ids=_ids(_rows("change_verbs", use="object_by")))
def test_change_verb_with_an_object_and_by(row):
    c = _only(f"The agency {row['word']} its forecast for sugar output by 5%.")
    assert (c.measure, c.direction) == ("change", row["direction"])


@pytest.mark.parametrize("row", _rows("change_verbs", use="money"), ids=_ids(_rows("change_verbs", use="money")))
def test_money_moved(row):
    c = _only(f"The average home {row['word']} about £7,500.")
    assert (c.measure, c.direction) == ("change", row["direction"])
    assert c.unit == "currency:GBP"


@pytest.mark.parametrize("row", _rows("change_verbs", use="part_of"), ids=_ids(_rows("change_verbs", use="part_of")))
def test_change_of_a_part_is_not_a_share(row):
    c = _only(f"The shares {row['word']} 5% of their value.")
    assert (c.measure, c.direction) == ("change", row["direction"])


@pytest.mark.parametrize("row", _rows("change_verbs", use="multiple"), ids=_ids(_rows("change_verbs", use="multiple")))
def test_multiple_direction(row):
    c = _only(f"Prices {row['word']} as fast as wages.")
    assert (c.measure, c.direction) == ("multiple", row["direction"])


@pytest.mark.parametrize("row", _rows("change_verbs", use="comparative"), ids=_ids(_rows("change_verbs", use="comparative")))
def test_comparative_after_a_figure(row):
    c = _only(f"Prices were 5% {row['word']} than in 2019.")
    assert (c.measure, c.direction) == ("change", row["direction"])


@pytest.mark.parametrize("row", _rows("change_verbs", use="baseline"), ids=_ids(_rows("change_verbs", use="baseline")))
def test_baseline_clause_gives_the_direction(row):
    assert is_baseline_clause(f", {row['word']} from 50% in 2020")
    first = _claims(f"The share was 60%, {row['word']} from 50% in 2020.")[0]
    assert first.quantity.value == 60 and first.direction == row["direction"]


# --- places -----------------------------------------------------------------------------

PLACE_KINDS = {"world", "continent", "region", "country", "uk_nation", "territory"}


@pytest.mark.parametrize("row", load_table("places"), ids=_ids(load_table("places"), "name"))
def test_place_maps_to_its_code(row):
    assert row["kind"] in PLACE_KINDS
    assert (row["code"] == "WORLD") == (row["kind"] == "world")
    # "south africa" names Africa too, "northern ireland" Ireland: a longer name adds its own code.
    assert row["code"] in geo_codes(f"Figures for {row['name']} show a rise")
    # A place named as the source's or in a comparison is not the claim's.
    assert row["code"] not in claim_geo_codes(f"Sales rose 5%, more than in {row['name']}")


def test_place_names_are_unique():
    names = _ids(load_table("places"), "name")
    assert len(names) == len(set(names))


@pytest.mark.parametrize("word", load_list("whole_population_demonyms"))
def test_whole_population_demonym(word):
    assert geo_codes(word), f"{word} is not in places.tsv"
    assert population_head(word.capitalize()) == "person"


# --- head nouns ---------------------------------------------------------------------------

@pytest.mark.parametrize("word", sorted(load_words("generic_heads")))
def test_generic_head(word):
    assert is_generic_head(word)


@pytest.mark.parametrize("word", sorted(load_words("person_heads")))
def test_person_head(word):
    assert is_person_head(word)


@pytest.mark.parametrize("word", sorted(load_words("subgroup_heads")))
def test_subgroup_head_is_a_person(word):
    assert word in load_words("person_heads") and is_person_head(word)


@pytest.mark.parametrize("word", sorted(load_words("collective_heads")))
def test_collective_head_names_a_group_in_the_singular(word):
    assert word in load_words("person_heads")
    assert population_head(f"the {word}") is not None


@pytest.mark.parametrize("row", load_table("head_synonyms"), ids=_ids(load_table("head_synonyms")))
def test_head_synonym(row):
    assert population_head(f"young {row['word']}") == singular(row["head"])


@pytest.mark.parametrize("word", sorted(load_words("population_modifiers")))
def test_population_modifier_is_not_the_head(word):
    assert population_head(f"plastic surgeons {word}") == "surgeon"


# --- other extractor vocabulary -------------------------------------------------------------

@pytest.mark.parametrize("word", load_list("function_words"))
def test_count_before_a_function_word_is_not_a_statistic(word):
    assert not [c for c in _claims(f"Officers counted 28 {word} went home.") if c.quantity.value == 28]


def test_count_before_a_noun_is_a_statistic():
    assert [c.quantity.value for c in _claims("Officers counted 28 surgeons.")] == [28]


@pytest.mark.parametrize("word", load_list("official_speakers"))
def test_quoted_official_is_checkable(word):
    text = f'The {word} said: "Prices rose 5% this year, the biggest rise in a decade."'
    c = _claims(text, in_quote=True)[0]
    assert c.checkable, c.reason
    assert not _claims('The neighbour said: "Prices rose 5% this year, the biggest rise in a decade."', in_quote=True)[0].checkable


@pytest.mark.parametrize("word", load_list("reporting_verbs"))
def test_reporting_verb_names_the_source(word):
    c = _only(f"Gallup {word} that 40% of adults smoke.")
    assert c.attribution == "Gallup"
    # What comes before the source's verb is not where the claim is.
    assert claim_geo_codes(f"The UK statistics office {word} 40% of French adults smoke") == {"FR"}


@pytest.mark.parametrize("word", load_list("share_verbs"))
def test_share_verb_after_a_percentage(word):
    assert _only(f"In the poll, 40% {word} the plan.").measure == "share"


@pytest.mark.parametrize("word", load_list("population_end_words"))
def test_population_ends_before_its_predicate(word):
    c = _only(f"In the poll, 40% of adults {word} the plan.")
    assert (c.measure, c.population) == ("share", "adults")


# --- quantities -------------------------------------------------------------------------------

# kind -> (low_inclusive, high_inclusive, where the written value sits)
HEDGE_KINDS = {
    "nearly": (True, False, "high"), "about": (True, True, "inside"), "more than": (False, True, "low"),
    "at least": (True, True, "low"), "up to": (True, True, "high"), "less than": (True, False, "high"),
    "estimate": (True, True, "inside"),
}


@pytest.mark.parametrize("row", load_table("hedges"), ids=_ids(load_table("hedges"), "phrase"))
def test_hedge_gives_its_interval(row):
    q = find_quantities(f"They found {row['phrase']} 40% of adults smoke.")[0]
    assert q.value == 40 and q.hedge == row["phrase"]
    li, hi, where = HEDGE_KINDS[row["kind"]]
    assert (q.low_inclusive, q.high_inclusive) == (li, hi)
    assert {"low": q.low == 40 < q.high, "high": q.low < q.high == 40, "inside": q.low < 40 < q.high}[where]


@pytest.mark.parametrize("row", load_table("units"), ids=_ids(load_table("units")))
def test_measure_unit(row):
    assert [q.unit for q in find_quantities(f"It took 12 {row['word']} to finish.")] == [row["unit"]]


@pytest.mark.parametrize("row", load_table("currencies"), ids=_ids(load_table("currencies"), "form"))
def test_currency(row):
    text = {"symbol": f"It cost {row['form']}5 million.", "code": f"It cost {row['form']} 5 million.",
            "word": f"It cost 5 million {row['form']}."}[row["kind"]]
    q = find_quantities(text)[0]
    assert (q.value, q.unit) == (5e6, f"currency:{row['code']}")


@pytest.mark.parametrize("month", load_list("months"))
def test_month_makes_a_date(month):
    assert find_quantities(f"On {month} 12 the shop opened.") == []
    assert find_quantities(f"The shop opened 12 {month} 2021.") == [] or month == "May"


@pytest.mark.parametrize("row", load_table("number_words"), ids=_ids(load_table("number_words")))
def test_number_word(row):
    assert parse_number(row["word"]) == int(row["value"])


@pytest.mark.parametrize("row", load_table("scales"), ids=_ids(load_table("scales")))
def test_scale(row):
    sep = " " if row["form"] in ("word", "abbreviation") else ""
    q = find_quantities(f"It cost ${3}{sep}{row['word']}.")[0]
    assert q.value == 3 * float(row["factor"])
    if row["form"] == "letter_after_currency":
        assert all(q.value == 5 for q in find_quantities(f"A load of 5{row['word']} arrived."))


@pytest.mark.parametrize("row", load_table("ordinals"), ids=_ids(load_table("ordinals")))
def test_ordinal_rank(row):
    q = find_quantities(f"It is the {row['word']}-largest city in the world.")[0]
    assert (q.kind, q.value) == ("rank", int(row["value"]))


@pytest.mark.parametrize("word", load_list("superlatives"))
def test_superlative_rank(word):
    q = find_quantities(f"It is the third {word} city in the world.")[0]
    assert (q.kind, q.value) == ("rank", 3)


@pytest.mark.parametrize("row", load_table("fractions"), ids=_ids(load_table("fractions"), "phrase"))
def test_fraction(row):
    num, den = (int(x) for x in row["value"].split("/"))
    q = find_quantities(f"Officials said {row['phrase']} of adults smoke.")[0]
    assert (q.unit, q.value) == ("percent", 100 * (num / den))


@pytest.mark.parametrize("row", load_table("vague_amounts"), ids=_ids(load_table("vague_amounts")))
def test_vague_amount(row):
    q = find_quantities(f"They said {row['word']} of people came.")[0]
    assert q.vague and (q.low, q.high) == (float(row["least"]), float(row["below"]))
    tens = find_quantities(f"They said tens of {row['word']} of people came.")[0]
    assert tens.vague and tens.low == 20 * float(row["unit"])


@pytest.mark.parametrize("row", load_table("multiples"), ids=_ids(load_table("multiples")))
def test_multiple(row):
    q = find_quantities(f"Prices {row['word']} as fast as wages.")[0]
    assert (q.kind, q.value) == ("multiple", float(row["factor"]))


@pytest.mark.parametrize("word", load_list("model_name_words"))
def test_model_name_is_not_a_figure(word):
    assert not [q for q in find_quantities(f"the {word} 7 launch went well") if q.value == 7]


@pytest.mark.parametrize("word", load_list("age_group_nouns"))
def test_age_bound_is_not_a_figure(word):
    assert not [q for q in find_quantities(f"Some {word} under 18 were hurt.") if q.value == 18]


@pytest.mark.parametrize("word", load_list("compound_nouns"))
def test_compound_modifier_is_not_a_figure(word):
    assert not [q for q in find_quantities(f"They made a 10-{word} plan.") if q.value == 10]


def test_lexicon_words_are_lower_case_where_matched_lower_case():
    for name in ("generic_heads", "person_heads", "subgroup_heads", "collective_heads", "population_modifiers",
                 "whole_population_demonyms", "function_words"):
        for w in load_list(name):
            assert w == w.lower() and not re.search(r"\s", w), (name, w)
