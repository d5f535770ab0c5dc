"""Which year a figure is for (claims/periods.py): a year the figure is compared with, or a
year that is part of a name, is not the figure's period."""

from __future__ import annotations

import pytest

from claims.extract import extract_claims
from claims.periods import own_years


@pytest.mark.parametrize(("text", "years"), [
    # the base of a comparison, with a month or with words around the year
    ("Rail journeys in March 2023 rose 12% compared to March 2022.", ["2023"]),
    ("Freight volumes stood at 81.5% of the whole 2019 year level.", []),
    ("Visitor numbers were at 70% of pre-crisis (2019) levels.", []),
    ("Ferry traffic reached 64% of 2019’s level.", []),
    # a year that ends a name is the publication's, not the figures'
    ("The Annual Widget Review 2021 shows sales of 3.1 million in 2020.", ["2020"]),
    # a month, a season or a quarter before a year keeps it
    ("Output fell 2% in Q3 2022 and 1% in Spring 2021.", ["2022", "2021"]),
])
def test_own_years(text, years):
    assert own_years(text) == years


def test_a_report_named_with_a_year_does_not_give_the_figure_its_period(nlp):
    (c,) = extract_claims("The Harbour Authority's Annual Report 2024 says cargo volumes reached 12.4 million tonnes in 2023.", nlp)
    assert c.period == "2023"


def test_the_year_a_change_is_measured_from_is_not_its_period(nlp):
    c = extract_claims("December 2022 container traffic rose 21.3% compared to December 2021.", nlp)[0]
    assert c.period == "2022"


def test_a_level_compared_with_where_it_was_is_a_change_from_that_year(nlp):
    (c,) = extract_claims("Rents were 12% above where they were in 2019.", nlp)
    assert (c.measure, c.direction, c.period) == ("change", "up", None)
