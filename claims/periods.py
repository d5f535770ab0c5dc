"""The period a figure is about: its clause's year, its sentence's, or none.

A year in a sentence is not always the figure's: "up from 5.4% in 2022" gives a
baseline's year, "by 2030" a target's, "last year" a year the article never names. These
rules keep such years from being read as the period, so the judge never compares a
claim with a finding from the wrong year.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claims.patterns import YEAR, YEAR_NUMBER, YEAR_SPAN_END

# "2013/14" is a financial or academic year: both calendar years.
_YEAR = re.compile(rf"(?<![\d.$£€])(?P<y1>{YEAR})(?:\s?(?:-|–|—|/|to|through)\s?(?P<y2>(?:19|20)?\d\d))?(?![\d%])(?![’']?s\b)")
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
# A month or quarter before a compared year: "compared to December 2021", "from the first quarter of 2019".
_BEFORE_YEAR = rf"(?:{_MONTH}\s+|(?:the\s+)?(?:first|second|third|fourth|last)\s+(?:quarter|half)\s+of\s+|Q[1-4]\s+)?"
_BASELINE_SPAN = re.compile(r"(?:\b(?:up|down|increase|rise|decrease|decline|drop|fall|jump|gain)\s+from|,\s*from"
                            r"|\bcompared\s+(?:with|to)|\bversus|\bwhen)\b(?:[^;.]|\.(?=\d))*", re.I)
_WHEN_YEAR = re.compile(rf"\b(?P<y>{YEAR}),?\s+when\b")
_COMPARISON_YEAR = re.compile(
    rf"\b(?:with|from|than|since|versus|vs\.?|before|after|to|on)\s+(?:in\s+)?(?:the\s+|\w+'s\s+)?{_BEFORE_YEAR}(?:{YEAR}){YEAR_SPAN_END}\b"
    # "22% above 2019 levels", "88% of its 2019 level", "cooler than the mean for 1961-1990";
    # a base with words around its year: "81.5% of the whole 2019 year level", "of pre-crisis (2007) levels"
    rf"|\b{YEAR_NUMBER}{YEAR_SPAN_END}[’']?s?\s+(?:levels?|figures?|peak|average|baseline|total(?!\s+[a-z]))\b"
    rf"|\b(?:of|to|above|below|than|at|with|from)\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+){{0,2}}\(?{YEAR_NUMBER}\)?[’']?s?"
    rf"\s+(?:[\w-]+\s+){{0,2}}(?:levels?|figures?|peak|average|baseline)\b"
    rf"|\b(?:average|baseline|level|levels|mean)\s+(?:for|of|in)\s+(?:the\s+)?{YEAR_NUMBER}{YEAR_SPAN_END}\b"
    # "12% above what they were in 2019", "below where it stood in 2008"
    rf"|\b(?:where|what)\s+(?:it|they|\w+)\s+(?:was|were|stood)\s+(?:in\s+)?{_BEFORE_YEAR}{YEAR}\b"
    # a target or deadline: "by 2030", "the 2025 targets", "goals for 2030"
    rf"|\bby\s+(?:the\s+end\s+of\s+)?{YEAR}\b|\b{YEAR}\s+(?:targets?|goals?|deadlines?)\b"
    rf"|\b(?:targets?|goals?|deadlines?)\s+(?:for|of)\s+{YEAR}\b"
    # "41,000 fewer than the same period in 2020": the comparison's period, not the figure's
    rf"|\bsame\s+(?:period|months?|quarter|week|time)\s+(?:in|of)\s+{YEAR}\b"
    # "the fewest since the count started in 1990", "since it first polled the question in 2004":
    # where a record's series starts, not the record's period
    rf"|\bsince\s+(?:[\w'’-]+\s+){{0,4}}?(?:began|begun|started|first)\b[^.;]{{0,40}}?\b{YEAR}\b", re.I)
# A year that ends a name ("Global Music Report 2019", "Vision 2030"): often the publication's
# year, not the figures', so it is no period at all. Months, seasons, quarters and the words
# that open a time phrase ("In 2019", "Since 2010") keep their year.
_NAME_YEAR = re.compile(
    rf"(?<=[A-Za-z\d’'] )(?!(?:{_MONTH}|Spring|Summer|Autumn|Fall|Winter|Q[1-4]|H[12]|FY|In|Since|By|From|During|Until"
    rf"|Through|Between|After|Before|For|Of|And|To|The|At|On)\s)(?P<name>[A-Z][A-Za-z]+)\s+(?P<y>{YEAR})\b(?![\d%–-])")
# "last year", "a year earlier": relative to a publication date the article does not give.
_RELATIVE_TIME = re.compile(r"\b(?:last|this|past|previous)\s+year\b|\ba\s+year\s+(?:earlier|ago|before)\b", re.I)
_PERIOD_TAIL = re.compile(rf"\s(?:in|during|over|since|for)\s(?:the\s)?(?:{YEAR}|past|last|previous)\b")


def years(text: str) -> list[str]:
    """The years and year spans of a text, as written ('2019', '2012-2013'), in order."""
    out = []
    for m in _YEAR.finditer(text):
        y1, y2 = m.group("y1"), m.group("y2")
        if y2:
            y2 = y2 if len(y2) == 4 else y1[:2] + y2
            out.append(f"{y1}-{y2}")
        else:
            out.append(y1)
    return out


def main_years(sentence: str) -> list[str]:
    """The sentence's years outside its baseline clauses ("6.3% of GDP, up from 5.4% in 2022")."""
    return years(_NAME_YEAR.sub(" ", _OTHER_FIGURES_YEAR.sub(" ", _BASELINE_SPAN.sub(" ", sentence))))


def comparison_years(sentence: str) -> list[str]:
    """Years the sentence compares with ("consistent with 2021", "above 2019 levels", "by 2030")."""
    return [y for m in _COMPARISON_YEAR.finditer(sentence) for y in years(m.group(0))]


def own_years(text: str) -> list[str]:
    """The years of a text that are not comparisons, baselines' levels, targets or part of a name."""
    return years(_NAME_YEAR.sub(" ", _COMPARISON_YEAR.sub(" ", text)))


def is_relative(clause: str) -> bool:
    """'last year', 'a year earlier': a time relative to a date the article does not give."""
    return _RELATIVE_TIME.search(clause) is not None


def when_year(sentence: str, start: int) -> str | None:
    """'…from 1974, when the poll first asked and only 18% agreed': the figure is 1969's."""
    found = [m for m in _WHEN_YEAR.finditer(sentence, 0, start)]
    if not found:
        return None
    last = found[-1]
    return None if years(sentence[last.end():start]) else last.group("y")


@lru_cache(maxsize=16)
def _has_comparison_year(sentence: str) -> bool:
    """Cached per sentence: every figure of a sentence asks, and a scan each time was quadratic."""
    return _COMPARISON_YEAR.search(sentence) is not None


# Another figure with its own year inside the clause: "64.1 percent this year, compared with 63.8
# percent in 2018", "22.7% renewed early (19.9% in 2018)". The year is that figure's.
_OTHER_FIGURES_YEAR = re.compile(
    rf"\bcompared\s+(?:with|to)\s+(?:the\s+)?[£$€]?\d[\d.,]*[^;.()]*?\b{YEAR}\b"
    rf"|\(\s*[£$€]?\d[\d.,]*\s*(?:%|per\s?cent|percent|points?|million|billion)?[^()]*?\b{YEAR}\s*\)", re.I)


def _without_other_figures_years(clause: str) -> str:
    """The clause without another figure's year; a clause that opens with the compared figure
    ("compared to 63.8 percent in 2018") is that figure's own, and keeps it."""
    lead = len(clause) - len(clause.lstrip(" ,;:\u2013\u2014-"))
    return _OTHER_FIGURES_YEAR.sub(lambda m: m.group(0) if m.start() <= lead else " ", clause)


def period_for(clause: str, sent_years: list[str], sentence: str = "") -> str | None:
    """The clause's own year, else the sentence's single year unless that year is a comparison
    ("consistent with 2021"). A year that belongs to another figure of the clause is not its own."""
    ys = own_years(_without_other_figures_years(clause))
    if ys:
        return ys[0]
    if years(clause) or _RELATIVE_TIME.search(clause):
        return None
    if len(sent_years) == 1 and not _has_comparison_year(sentence):
        return sent_years[0]
    return None


def trim_period(s: str) -> str:
    """'adults in 2021' -> 'adults': a subject without the period that follows it."""
    return _PERIOD_TAIL.split(s)[0].strip()
