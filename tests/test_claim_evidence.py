"""The external-anchor benchmark's fixed rules, on hand-made text only (no data set needed):
verdict aggregation, label mapping, rating-sentence stripping and restatement detection."""

from __future__ import annotations

import pytest

from benchmarks.claim_evidence import (
    aggregate,
    averitec_evidence,
    is_rating_sentence,
    majority,
    quantemp_evidence,
    restates_claim,
    score,
    split_sentences,
    strip_rating_sentences,
    to_label,
)


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([], "not_enough"),
        (["not_checkable"], "not_enough"),
        (["supported"], "supported"),
        (["supported", "supported", "not_checkable"], "supported"),
        (["supported", "unverifiable"], "not_enough"),
        (["unverifiable"], "not_enough"),
        (["supported", "contradicted"], "refuted"),
        (["unverifiable", "misrepresented"], "refuted"),
        (["not_checkable", "contradicted"], "refuted"),
    ],
)
def test_aggregate_any_problem_refutes_all_supported_supports(verdicts, expected):
    assert aggregate(verdicts) == expected


def test_labels_per_dataset():
    assert [to_label(d, "averitec") for d in ("supported", "refuted", "not_enough")] == ["SUPPORTED", "REFUTED", "NEI"]
    # QuanTemp has no "not enough evidence" label: the undecided rows count as Conflicting.
    assert [to_label(d, "quantemp") for d in ("supported", "refuted", "not_enough")] == [
        "SUPPORTED", "REFUTED", "CONFLICTING"]
    with pytest.raises(KeyError):
        to_label("unverifiable", "averitec")


@pytest.mark.parametrize(
    "sentence",
    [
        "We rate this claim Mostly False.",
        "We therefore rate Mudavadi's claim as incorrect.",
        "On the Truth-O-Meter, his statement rates True.",
        "Our ruling Crist said women make 83 cents for every dollar a man makes.",
        "Hence, the claim made in the post is MISLEADING.",
        "He earns Two Pinocchios.",
        "That fits our definition of Half-True.",
        "Verdict: False",
        "India Today Anti Fake News War Room (AFWA) has found the post to be untrue.",
        "Zuma's claim is correct based on these figures.",
    ],
)
def test_rating_sentences_are_recognised(sentence):
    assert is_rating_sentence(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Unemployment fell to 4.1% in March, the bureau said.",
        "The true cost of the programme was $3 billion over ten years.",
        "Oregon covers the full cost of medical premiums for state employees.",
        "The Roe v. Wade decision struck down a Texas law in 1973.",
    ],
)
def test_evidence_sentences_are_kept(sentence):
    assert not is_rating_sentence(sentence)


def test_strip_keeps_the_rest_as_found():
    article = ("Rep. Smith said 58% of voters agreed.A 2021 poll by Gallup put it at 41%. "
               "We rate this claim False.\nThe U.S. average was 39%.")
    stripped, n = strip_rating_sentences(article)
    assert n == 1
    assert "rate" not in stripped and "False" not in stripped
    # Titles and initials do not end a sentence; text around the cut is left as it was.
    assert stripped == "Rep. Smith said 58% of voters agreed.A 2021 poll by Gallup put it at 41%.\nThe U.S. average was 39%."


def test_split_handles_lost_spaces_and_abbreviations():
    assert split_sentences("It was 5%.So we checked. Mr. Brown agreed in Jan. 2020.") == [
        "It was 5%.", "So we checked.", "Mr. Brown agreed in Jan. 2020."]
    # Africa Check's "Verdict <rating>" run into the next sentence is a sentence of its own.
    assert split_sentences("Verdict mostly-correctLife expectancy was 62.") == [
        "Verdict mostly-correct", "Life expectancy was 62."]


def test_quantemp_evidence_counts_rating_and_restatements():
    claim = "Oregon is the only state that pays 100% of medical benefits for its employees."
    article = ("Oregon is the only state that pays 100% of the medical benefits for its employees, he said. "
               "Seven states paid 100% of premiums in 2009. We rate the claim False.")
    text, rated, restated = quantemp_evidence(claim, article)
    assert (rated, restated) == (1, 0) and text.startswith("Oregon is the only state")
    text, rated, restated = quantemp_evidence(claim, article, drop_restatements=True)
    assert (rated, restated) == (1, 1)
    assert text.strip() == "Seven states paid 100% of premiums in 2009."


def test_restatement_needs_most_of_the_claims_words():
    claim = "French authorities cancelled the visas of 183 Pakistani citizens."
    assert restates_claim("Posts said French authorities cancelled visas of 183 Pakistani citizens.", claim)
    assert not restates_claim("France issued 12,000 visas to Pakistani students in 2019.", claim)


def test_averitec_evidence_with_and_without_questions():
    pairs = ["Q: Did France deport 118 Pakistanis? A: No record of any such deportation exists.",
             "Q: How many visas were cancelled? A: None, the embassy said."]
    assert averitec_evidence(pairs) == pairs[0] + "\n\n" + pairs[1]
    assert averitec_evidence(pairs, drop_restatements=True) == (
        "No record of any such deportation exists.\n\nNone, the embassy said.")


def test_scores_and_majority_baseline():
    labels = ("SUPPORTED", "REFUTED", "NEI", "CONFLICTING")
    gold = ["REFUTED", "REFUTED", "REFUTED", "SUPPORTED"]
    s = score(gold, ["REFUTED", "NEI", "REFUTED", "SUPPORTED"], labels)
    assert s["accuracy"] == pytest.approx(0.75)
    # macro-F1 over all four labels: REFUTED 0.8, SUPPORTED 1, NEI 0, CONFLICTING 0 (absent, counted as 0).
    assert s["macro_f1"] == pytest.approx((0.8 + 1.0) / 4)
    assert s["confusion"][1] == [0, 2, 1, 0]
    base = majority(gold, labels)
    assert base["label"] == "REFUTED" and base["accuracy"] == pytest.approx(0.75)
