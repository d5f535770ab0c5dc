"""The Vlachos & Riedel benchmark's decision rule and claim reading, on hand-made values only."""

from __future__ import annotations

import pytest

from benchmarks.vlachos import agrees, choose, claim_quantity, scores, untag
from claims.quantities import find_quantities


def q(text: str):
    (found,) = find_quantities(text)
    return found


@pytest.mark.parametrize(
    ("claim", "reference", "tolerance", "expected"),
    [
        ("10.7 million", 10_700_000, 0.0, True),
        ("10.7 million", 10_740_000, 0.0, True),  # inside the rounding of the last written digit
        ("10.7 million", 10_760_000, 0.0, False),
        ("10.7 million", 10_760_000, 0.01, True),  # 1% of 10.7m widens it to 10.807m
        ("10.7 million", 11_000_000, 0.02, False),
        ("about 4.5 million", 4_700_000, 0.0, True),  # 'about' = 5% either side
        ("about 4.5 million", 4_800_000, 0.0, False),
        ("nearly 80%", 78, 0.0, True),
        ("nearly 80%", 83, 0.0, False),
        ("more than 10%", 12, 0.0, True),
        ("more than 10%", 9, 0.0, False),
        ("more than 10%", 9.95, 0.01, True),
        ("2.467 %", 2.467, 0.0, True),
        ("2.467 %", 1.28, 0.2, False),
    ],
)
def test_agrees(claim: str, reference: float, tolerance: float, expected: bool) -> None:
    assert agrees(q(claim), reference, tolerance) is expected


def test_a_wider_tolerance_never_turns_agreement_into_disagreement() -> None:
    claim = q("1,742")
    tolerances = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)
    for reference in (1742.0, 1750.0, 1800.0, 1900.0, 2100.0, 3510.0, -5.0):
        decisions = [agrees(claim, reference, t) for t in tolerances]
        assert decisions == sorted(decisions)  # False ... False True ... True


def test_untag_restores_brackets_and_finds_the_outer_slot() -> None:
    text, slots = untag(
        "<location>Chad</location> -LRB- est. -RRB- : <number><number>12,825,314</number></number> people ."
    )
    assert text == "Chad ( est. ) : 12,825,314 people ."
    assert [text[s:e] for s, e in slots] == ["12,825,314"]


def test_claim_is_read_at_the_slot_with_its_hedge() -> None:
    quantity, source = claim_quantity(
        "The population of <location>Ruritania</location> in 2013 was about <number>4.5 million</number> .",
        4_500_000.0,
    )
    assert source == "slot"
    assert quantity.value == 4_500_000 and quantity.hedge == "about"
    assert agrees(quantity, 4_650_000) and not agrees(quantity, 4_000_000)


def test_of_several_slots_the_one_nearest_the_claimed_value_is_used() -> None:
    quantity, source = claim_quantity(
        "GDP growth of <number>2.5</number> % in 2012 and <number>3.1</number> % in 2013 .", 3.1
    )
    assert source == "slot" and quantity.value == 3.1


def test_without_a_slot_the_sentence_figure_equal_to_the_claimed_value_is_used() -> None:
    quantity, source = claim_quantity("Growth of 0.35 , 0.34 , 0.33 ( % ) respectively .", 0.34)
    assert source == "text" and quantity.value == 0.34
    assert (quantity.low, quantity.high) == pytest.approx((0.335, 0.345))


def test_without_text_the_value_is_read_as_written_digits() -> None:
    quantity, source = claim_quantity(None, 2.47)
    assert source == "value"
    assert (quantity.low, quantity.high) == pytest.approx((2.465, 2.475))
    assert agrees(quantity, 2.47) and not agrees(quantity, 2.48)


def test_scores_and_choice_of_tolerance() -> None:
    s = scores([True, True, False, False], [True, False, True, False])
    assert s == {"accuracy": 0.5, "P": 0.5, "R": 0.5, "F1": 0.5}
    table = [{"tolerance": 0.0, "accuracy": 0.6}, {"tolerance": 0.05, "accuracy": 0.7}, {"tolerance": 0.1, "accuracy": 0.7}]
    assert choose(table) == 0.05  # best accuracy, ties to the smaller tolerance
