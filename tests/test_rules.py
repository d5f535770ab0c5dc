"""Each named verdict rule fires on a realistic pair of sentences and names itself.

Both sides are read by the real extractor (spaCy), as the pipeline reads articles and
sources; only retrieval is skipped (the candidate and its similarity are given). The
rules themselves are claims/rules.py.
"""

from __future__ import annotations

import re

import pytest

from claims.extract import extract_claims
from claims.judge import judge, not_checkable
from claims.model import VERDICTS, Evidence, FieldComparison
from claims.rules import (
    ARTICLE_RULES,
    DERIVED_RULES,
    FIELDS,
    RULE_BY_NAME,
    VERDICT_RULES,
    compare_fields,
    describe,
)
from claims.thresholds import Thresholds
from tests.judging_fixtures import evidence_from

EARNINGS = "Average weekly earnings rose 5.1% in 2023."

# (rule, claim sentence, source sentence, words the explanation must contain)
CASES = [
    ("same_figure_opposite_direction", "Air travel fell 36% in 2023.",
     "International air passenger traffic in 2023 rose 36% compared with 2022.", "went down where the source says up"),
    ("same_figure_other_measure", "A survey found a 58% increase in bookings for cosmetic treatments in 2022.",
     "58% of surgeons reported an increase in bookings and treatments in 2022.", "the size of a change"),
    ("same_figure_other_population", "In 2022, 46% of American adults said they use TikTok.",
     "In 2022, 46% of U.S. teens ages 13 to 17 said they use TikTok.", "'American adults'"),
    ("same_figure_other_period", "In 2019, 95% of U.S. teens had access to a smartphone.",
     "In 2022, 95% of U.S. teens had access to a smartphone.", "places it in 2019"),
    ("same_figure_other_attribution", "According to Gallup, 95% of U.S. teens have access to a smartphone.",
     "According to Pew Research Center, 95% of U.S. teens have access to a smartphone.", "credits 'Gallup'"),
    ("compatible_figure", "Nearly 80% of patients cite social media as the reason they booked.",
     "78% of patients cited social media as the reason they booked a procedure.", "compatible figure (78%"),
    ("open_ended_figure_same_topic", "More than a third of adults in Britain say they skip meals to save money.",
     "Some 37% of adults in Britain said they had skipped meals to save money.", "compatible figure"),
    ("conflicting_figure_opposite_direction", EARNINGS, "Average weekly earnings fell 7.2% in 2023.",
     "went up where the source says down"),
    ("conflicting_figure_same_topic", EARNINGS, "Average weekly earnings rose 7.2% in 2023.",
     "The source gives 7.2% where the claim says 5.1%"),
    ("points_reported_as_percent", "The unemployment rate has risen by 0.6 per cent since the spring.",
     "The unemployment rate has risen by 0.6 percentage points since the spring, to 4.4%.",
     "source's 0.6 is percentage points, the claim says per cent"),
    ("number_vs_share_change", "The number of high school students using tobacco rose 38% between 2017 and 2018.",
     "The share of high school students using tobacco rose 38% between 2017 and 2018.",
     "a change in the share; the claim says the number changed"),
    ("same_figure_narrower_scope", "In 2022, 58% of facial plastic surgeons reported an increase in bookings.",
     "In 2022, 58% of plastic surgeons reported an increase in bookings.", "qualifier 'facial'"),
    ("direction_same_series", "Teen vaping saw a slight uptick in 2023.", "Teen vaping rose 2.1 points in 2023.",
     "same direction"),
    ("direction_other_than_source", "Teen vaping saw a slight uptick in 2023.",
     "In 2023 there was no significant change in teen vaping (10.0% compared with 10.2%).",
     "did not change significantly"),
    ("direction_not_stated", "Obesity has seen a steady increase since 2005.", "Average weekly earnings rose 5.1% in 2023.",
     "no source states"),
    ("record_stated", "2023 was the warmest year on record, the agency said.",
     "2023 is confirmed as the warmest calendar year on record, with a global average temperature of 14.98C.",
     "states the record too"),
    ("record_not_stated", "UK inflation hit a 30-year high.",
     "The Consumer Prices Index rose by 7.0% in the 12 months to March 2022.", "No source statement states this record"),
    ("comparison_stated", "Older drivers who have tried the app are more likely than younger ones to pay for it.",
     "Older drivers are more likely than younger drivers to pay for the app (41% vs. 27%).", "same comparison"),
    ("comparison_not_stated", "Older drivers who have tried the app are more likely than younger ones to pay for it.",
     "Younger drivers are more likely than older drivers to pay for the app (41% vs. 27%).", "no source statement makes it"),
    ("not_a_statistic", "\"I think about 40% of my friends agree,\" she said.", "40% of teens agree.",
     "Not a checkable statistic"),
    ("no_matching_statement", EARNINGS, "The energy index rose 41.6% in 2023.", "No source statement states this figure"),
]


# A statement about another series is less similar than the pairs above: at 0.8, a statement
# of direction is taken as the same series in other words (claims/direction_only.py).
SIMILARITY = {"direction_not_stated": 0.55}


def _evidence(sentence: str, nlp, similarity: float = 0.8) -> Evidence:
    return evidence_from(sentence, nlp, similarity)


@pytest.mark.parametrize(("name", "claim_text", "source_text", "said"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fires_on_a_realistic_pair_and_names_itself(name, claim_text, source_text, said, nlp):
    v = judge(extract_claims(claim_text, nlp)[0], [_evidence(source_text, nlp, SIMILARITY.get(name, 0.8))])
    assert v.rule == name, v.explanation
    assert v.verdict == RULE_BY_NAME[name].verdict
    assert said in v.explanation


def test_every_rule_has_a_case_a_stable_name_and_a_summary():
    # The computed-evidence rules decide over pairs of statements (their cases are
    # tests/test_derived.py), the article rules over an article's claims (tests/test_article_sources.py).
    assert {c[0] for c in CASES} | {r.name for r in (*DERIVED_RULES, *ARTICLE_RULES)} == set(RULE_BY_NAME)
    assert len(RULE_BY_NAME) == len(VERDICT_RULES) + len(DERIVED_RULES) + len(ARTICLE_RULES)  # names are unique
    for rule in (*VERDICT_RULES, *DERIVED_RULES, *ARTICLE_RULES):
        assert re.fullmatch(r"[a-z]+(_[a-z]+)+", rule.name), rule.name
        assert rule.verdict in VERDICTS and rule.summary.endswith(".")
    assert {r.verdict for r in VERDICT_RULES} == set(VERDICTS)


def test_a_statement_below_a_rules_similarity_floor_falls_to_the_next_rule(nlp):
    """The rules are ordered: the same figure about another group, too far off to call it
    misrepresented, is no match at all."""
    t = Thresholds()
    c = extract_claims("In 2022, 46% of American adults said they use TikTok.", nlp)[0]
    ev = _evidence("In 2022, 46% of U.S. teens ages 13 to 17 said they use TikTok.", nlp,
                   similarity=t.misrepresented_similarity - 0.01)
    assert judge(c, [ev], t).rule == "no_matching_statement"


def test_supported_is_preferred_over_a_more_similar_contradiction(nlp):
    c = extract_claims(EARNINGS, nlp)[0]
    contra = _evidence("Average weekly earnings rose 7.2% in 2023.", nlp, similarity=0.95)
    support = _evidence("Average weekly earnings rose 5.1% in 2023, the ONS said.", nlp, similarity=0.7)
    v = judge(c, [contra, support])
    assert (v.rule, v.evidence) == ("compatible_figure", support)


def test_the_helper_for_unparsed_claims_names_its_rule(nlp):
    c = extract_claims("\"I think about 40% of my friends agree,\" she said.", nlp)[0]
    assert not_checkable(c).rule == "not_a_statistic"


def test_field_table_order_is_the_comparison_order_and_each_disagreement_reads_as_a_sentence(nlp):
    c = extract_claims("Air travel fell 36% in 2023.", nlp)[0]
    f = _evidence("International air passenger traffic in 2023 rose 36% compared with 2022.", nlp).finding
    assert f is not None
    assert [x.field for x in compare_fields(c, f)] == [r.name for r in FIELDS]
    for rule in FIELDS:
        sentence = describe(FieldComparison(rule.name, "A", "B", False))
        assert sentence.startswith(("the claim", "the source")) and "A" in sentence and "B" in sentence, rule.name

