"""Regex fragments for the grammar of figures that several modules share: years.

Grammar, not vocabulary (the words live in `claims/lexicon/`): each fragment is written
once here so the extractor, the quantity parser and the check-worthiness features cannot
drift apart. Fragments are strings, for building into larger patterns.

Two year ranges, on purpose: a *period* a statistic is about is a year of 1900-2099
("in 2021"), while a *number that reads as a year* and so is not a statistic reaches
back to 1800 ("born in 1885", "the 1850-1900 baseline"). Merging them would change what
is extracted.
"""

from __future__ import annotations

# A year a figure can be about: 1900-2099.
YEAR = r"(?:19|20)\d\d"
# A number that reads as a year rather than a quantity: 1800-2099.
YEAR_NUMBER = r"(?:1[89]\d\d|20\d\d)"
# The second year of a span written after a first one: "2012-13", "1850–1900".
YEAR_SPAN_END = r"(?:\s?[-–]\s?\d{2,4})?"
