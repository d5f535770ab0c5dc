"""Each kind of mismatch in DESIGN.md's verdict contract, as a small case of its own.

Claims and findings are built from real text with the real quantity parser; only the
retrieval step is skipped (the candidate and its similarity are given).
"""

from __future__ import annotations

import pytest

from claims.judge import Thresholds, compare_period, compare_population, judge, values_match
from claims.model import Claim, Evidence
from claims.quantities import find_quantities


def claim(figure: str, measure: str = "share", *, population: str = "", period: str | None = None,
          attribution: str | None = None, direction: str | None = None, checkable: bool = True, reason: str = "") -> Claim:
    q = find_quantities(figure)[0]
    # The claim's own sentence states its period, as an extracted claim's does (a year carried
    # over from another sentence is not compared: claims/comparisons.py).
    sentence = f"{figure} in {period}" if period else figure
    return Claim(text=figure, start=0, end=len(figure), sentence=sentence, sentence_start=0, sentence_end=len(sentence),
                 quantity=q, measure=measure, direction=direction, population=population, period=period,
                 attribution=attribution, checkable=checkable, reason=reason)


def evidence(finding: Claim, similarity: float = 0.85) -> Evidence:
    return Evidence("s1", "src1", "Survey", finding.text, 0, len(finding.text), similarity, finding)


SURVEY = dict(population="AAFPRS facial plastic surgeons", period="2022", attribution="American Academy of Facial Plastic and Reconstructive Surgery (AAFPRS)")


def test_same_share_same_group_is_supported():
    c = claim("58% of plastic surgeons", population="plastic surgeons", period="2022", attribution="AAFPRS")
    v = judge(c, [evidence(claim("58%", **SURVEY))])
    assert v.verdict == "supported"
    assert {"value", "measure", "population", "period", "attribution"} <= set(v.agree)


def test_share_of_respondents_reported_as_size_of_change_is_misrepresented():
    c = claim("a 58% increase", "change", population="plastic surgeons", period="2022", direction="up")
    v = judge(c, [evidence(claim("58%", **SURVEY))])
    assert v.verdict == "misrepresented"
    assert "measure" in v.disagree
    assert "size of a change" in v.explanation and "share of a group" in v.explanation


def test_count_reported_as_percent_is_misrepresented():
    c = claim("58% of surgeons", population="surgeons")
    f = claim("58 surgeons", "count", population="surgeons")
    assert judge(c, [evidence(f)]).verdict == "misrepresented"


def test_subgroup_reported_as_whole_group_is_misrepresented():
    # Both about the same thing (using YouTube): a figure put to another use stays on its topic.
    c = claim("46% of US adults use YouTube", population="US adults", period="2022")
    f = claim("46% use YouTube", population="U.S. teens ages 13 to 17", period="2022")
    v = judge(c, [evidence(f)])
    assert v.verdict == "misrepresented" and v.disagree == ["population"]


def test_us_versus_worldwide_is_misrepresented():
    c = claim("13% of American adults", population="American adults")
    f = claim("13%", population="adults worldwide")
    assert judge(c, [evidence(f)]).verdict == "misrepresented"
    assert compare_population(c, f) is False


def test_figure_from_another_survey_year_is_misrepresented():
    c = claim("73% of members", population="members", period="2022")
    f = claim("73%", population="members", period="2019")
    v = judge(c, [evidence(f)])
    assert v.verdict == "misrepresented" and v.disagree == ["period"]


def test_wrong_organisation_is_misrepresented():
    c = claim("95% of teens", population="teens", attribution="Gallup")
    f = claim("95%", population="teens", attribution="Pew Research Center")
    assert judge(c, [evidence(f)]).verdict == "misrepresented"


def test_rose_versus_decreased_is_contradicted():
    c = claim("rose 7.3%", "change", direction="up", population="energy prices")
    f = claim("fell 7.3%", "change", direction="down", population="energy prices")
    assert judge(c, [evidence(f)]).verdict == "contradicted"


def test_different_value_for_same_measure_is_contradicted():
    c = claim("28% of all procedures", population="procedures", period="2022")
    f = claim("18%", population="procedures", period="2022")
    v = judge(c, [evidence(f, 0.8)])
    assert v.verdict == "contradicted"
    assert "18%" in v.explanation


@pytest.mark.parametrize(("claimed", "source", "fits"), [
    ("nearly 80%", "78%", True),
    ("nearly 80%", "83%", False),
    ("three-quarters", "75%", True),
    ("three-quarters", "74%", True),
    ("three-quarters", "70%", False),
    ("more than half", "58%", True),
    ("more than half", "48%", False),
    ("about a third", "33%", True),
    ("1.4 million", "1,412,000", True),
    ("58%", "more than 10%", False),  # a bound in the source is not the figure
    ("74%", "close to 75%", True),
])
def test_rounding_and_hedges(claimed, source, fits):
    assert values_match(find_quantities(claimed)[0], find_quantities(source)[0]) is fits


def test_no_covering_statement_is_unverifiable():
    c = claim("8 hours", "level", population="teenagers")
    unrelated = evidence(claim("79%", **SURVEY), similarity=0.2)
    v = judge(c, [unrelated])
    assert v.verdict == "unverifiable"
    assert "No source statement" in v.explanation


def test_low_similarity_candidate_never_supports():
    c = claim("79% of surgeons", population="surgeons")
    assert judge(c, [evidence(claim("79%", **SURVEY), similarity=0.3)]).verdict == "unverifiable"


def test_not_checkable_claims_are_not_matched():
    c = claim("millions of views", "count", checkable=False, reason="vague quantity")
    v = judge(c, [evidence(claim("58%", **SURVEY))])
    assert v.verdict == "not_checkable" and not v.flagged(0.6)


def test_supported_with_low_confidence_is_flagged():
    c = claim("79% of surgeons", population="surgeons")
    t = Thresholds()
    v = judge(c, [evidence(claim("79%", **SURVEY), similarity=t.supported_similarity + 0.01)], t)
    assert v.verdict == "supported"
    assert v.flagged(0.7) and not v.flagged(0.5)


def test_period_ranges_overlap():
    assert compare_period(claim("5%", period="2019-2022"), claim("5%", period="2020")) is True
    assert compare_period(claim("5%", period="2019"), claim("5%", period="2022")) is False
    assert compare_period(claim("5%"), claim("5%", period="2022")) is None


@pytest.mark.parametrize(("claim", "source"), [
    ("Seventy-one percent of teens said they visit YouTube at least daily.",
     "About seven-in-ten teens say they visit YouTube daily, including 16% who report being on the site almost constantly."),
    ("A substantial 93% of teens admitted to using YouTube.",
     "Roughly nine-in-ten U.S. teens say they use YouTube, making it the most widely used platform."),
])
def test_an_exact_share_inside_a_source_ratio_in_tenths_is_supported(nlp, claim: str, source: str):
    """Pew writes "seven-in-ten" for 71%: the claim's exact figure is the one the ratio rounds,
    and the sentence's other figure (16%) is no contradiction once the ratio is read."""
    from claims.extract import extract_claims
    from claims.model import Evidence

    c = extract_claims(claim, nlp)[0]
    evs = [Evidence(f"s{i}", "src", "Pew", f.sentence, f.start, f.end, 0.9, f) for i, f in enumerate(extract_claims(source, nlp))]
    v = judge(c, evs)
    assert (v.verdict, v.rule) == ("supported", "compatible_figure"), v.explanation


def test_a_fall_matches_a_source_negative_rate_of_the_same_size(nlp):
    from claims.extract import extract_claims
    from claims.model import Evidence

    c = extract_claims("The building society said prices in the year to May fell by 3.4%.", nlp)[0]
    f = extract_claims("The annual rate of house price growth slipped back to -3.4% in May, from -2.7% in April.", nlp)[0]
    v = judge(c, [Evidence("s", "src", "House Price Index", f.sentence, f.start, f.end, 0.8, f)])
    assert v.verdict == "supported", v.explanation
    # a rise of the same size is not the source's fall
    c = extract_claims("The building society said prices in the year to May rose by 3.4%.", nlp)[0]
    assert judge(c, [Evidence("s", "src", "House Price Index", f.sentence, f.start, f.end, 0.8, f)]).verdict != "supported"
