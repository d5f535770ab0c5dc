"""Rule-based claim types (Full Fact schema) on realistic news sentences."""

from __future__ import annotations

import pytest

from claims.claim_types import classify_claim_type
from claims.model import CLAIM_TYPES

# (sentence, has_quantity, in_quote, expected type)
CASES = [
    # quantity: values, changes, comparisons and rankings in the past or present
    ("Unemployment fell to 3.5% in 2019, the lowest in 50 years.", True, False, "quantity"),
    ("Bookings for facial procedures rose 58% last year, according to the academy.", True, False, "quantity"),
    (
        "Three-quarters of surgeons surveyed reported an increase in patients under 30.",
        True,
        False,
        "quantity",
    ),
    ("The NHS waiting list stood at 7.6 million in September.", True, False, "quantity"),
    ("Knife crime in London is at its highest level since records began.", False, False, "quantity"),
    ("The minimum wage is £10.42 an hour for workers aged 23 and over.", True, False, "quantity"),
    # prediction: claims about the future, even with a figure in them
    (
        "The Bank of England expects inflation to fall to 2% by the end of next year.",
        True,
        False,
        "prediction",
    ),
    ("The OBR forecasts that the economy will grow by 0.6% in 2024.", True, False, "prediction"),
    ("The new runway would cost taxpayers an extra £2 billion.", True, False, "prediction"),
    ("Sea levels are projected to rise by up to a metre by 2100.", True, False, "prediction"),
    # correlation / causation
    (
        "Air pollution is linked to 40,000 early deaths a year in the UK.",
        True,
        False,
        "correlation_causation",
    ),
    (
        "The closure of the plant led to hundreds of job losses in the town.",
        False,
        False,
        "correlation_causation",
    ),
    ("Smoking causes most cases of lung cancer.", False, False, "correlation_causation"),
    ("House prices dropped sharply because of rising mortgage rates.", False, False, "correlation_causation"),
    # rules and laws
    ("It is illegal to use a handheld mobile phone while driving.", False, False, "rules_laws"),
    ("Employers are required to pay workers at least the national living wage.", False, False, "rules_laws"),
    ("The government announced a ban on disposable vapes in January.", False, False, "rules_laws"),
    # personal experience
    ('"I waited nine hours in A&E with my daughter," she said.', True, True, "personal_experience"),
    ("When I was a nurse, we never had enough staff on a night shift.", False, False, "personal_experience"),
    ('"I felt completely abandoned by the council," said Mr Jones.', False, True, "personal_experience"),
    ("I grew up on a council estate in Leeds.", False, False, "personal_experience"),
    # other claims: voting records, support, definitions...
    ("The senator voted against the bill in committee.", False, False, "other"),
    ("The company is owned by a consortium of pension funds.", False, False, "other"),
    # not a claim: questions, greetings, exhortations, fragments
    ("Thank you all for being here tonight.", False, False, "not_a_claim"),
    ("What does this mean for families?", False, False, "not_a_claim"),
    ("Let's get Britain moving again.", False, False, "not_a_claim"),
    ("Good evening.", False, False, "not_a_claim"),
    ("Absolutely not.", False, False, "not_a_claim"),
]


@pytest.mark.parametrize(("sentence", "has_quantity", "in_quote", "expected"), CASES)
def test_claim_type(sentence: str, has_quantity: bool, in_quote: bool, expected: str) -> None:
    assert classify_claim_type(sentence, has_quantity, in_quote) == expected


def test_every_type_is_covered_and_known() -> None:
    assert {c[3] for c in CASES} == set(CLAIM_TYPES)
    for sentence, has_quantity, in_quote, _ in CASES:
        assert classify_claim_type(sentence, has_quantity, in_quote) in CLAIM_TYPES


def test_outcome_against_a_forecast_is_not_a_prediction() -> None:
    assert (
        classify_claim_type("Growth was 0.3% in the last quarter, lower than expected.", True, False)
        == "quantity"
    )


def test_quote_widens_personal_experience() -> None:
    sentence = "I was told the operation had been cancelled."
    assert classify_claim_type(f'"{sentence}"', False, True) == "personal_experience"


def test_politicians_first_person_pledge_is_a_prediction() -> None:
    assert classify_claim_type("I will cut income tax by 2p for every worker.", True, False) == "prediction"
