"""Which figures of one sentence belong to one series: a main figure, its baseline, its change.

"83% of households had broadband, up from 60% the year before" states two figures of one
series; "8.8 million procedures, a 4% increase" states a level and its change. Each is a
claim of its own (each can be wrong while the other is right), and each keeps a link to
the main figure (`Claim.role`, `Claim.related_start`) so the editor sees them together.
A baseline's relative time ("the year before", "a decade ago") is read against the main
figure's year, so the baseline gets a period of its own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from claims.measures import _BASELINE_CLAUSE
from claims.model import Claim

ROLES = ("main", "baseline", "change")
_CHANGE_MEASURES = ("change", "change_points")
_HEDGE = r"(?:(?:about|around|nearly|almost|roughly|some|just|only|more\s+than|over|under|less\s+than)\s+)?"
# "rose from 23 percent ...", "fell from 71% ...": the figure the series started at.
_FROM_BEFORE = re.compile(rf"\bfrom\s+(?:the\s+|a\s+|an\s+)?{_HEDGE}$", re.I)
# "... to 41 percent": the figure it reached.
_TO_BEFORE = re.compile(rf"\bto\s+{_HEDGE}$", re.I)
# A second subject between two figures: "X rose 5% while Y fell to 3 million" is two series.
_NEW_SERIES = re.compile(r"\b(?:and|while|whereas|but)\b|;", re.I)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twenty": 20}
_OFFSET = re.compile(
    r"\b(?:the\s+)?(?P<unit1>year|decade)\s+(?:before|earlier|prior)\b"
    r"|\bthe\s+(?:previous|prior|preceding)\s+(?P<unit2>year|decade)\b"
    r"|\b(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twenty)\s+(?P<unit3>years?|decades?)\s+"
    r"(?:ago|earlier|before|previously)\b", re.I)


def year_offset(clause: str) -> int | None:
    """How many years before the main figure's a baseline's time is ('the year before' -> 1,
    'a decade ago' -> 10, 'five years earlier' -> 5), or None when the clause names no offset."""
    m = _OFFSET.search(clause)
    if not m:
        return None
    unit = (m.group("unit1") or m.group("unit2") or m.group("unit3")).lower()
    n = m.group("n")
    count = 1 if n is None else int(n) if n.isdigit() else _NUMBER_WORDS[n.lower()]
    return count * (10 if unit.startswith("decade") else 1)


def _rel(c: Claim) -> tuple[int, int]:
    assert c.quantity is not None
    return c.quantity.start - c.sentence_start, c.quantity.end - c.sentence_start


def _between(sentence: str, a: Claim, b: Claim) -> str:
    return sentence[_rel(a)[1]:_rel(b)[0]]


def _baseline_main(claims: list[Claim], k: int) -> int | None:
    """The index of the figure claim k is the baseline of, or None when it is not a baseline."""
    c, sentence = claims[k], claims[k].sentence
    before = sentence[:_rel(c)[0]]
    nxt = k + 1 if k + 1 < len(claims) else None
    if _FROM_BEFORE.search(before[-60:]) and nxt is not None:
        between = _between(sentence, c, claims[nxt])
        if _TO_BEFORE.search(between) and not _NEW_SERIES.search(between):
            return nxt  # "from 71% a decade ago to 33% today"
    clause = sentence[c.start - c.sentence_start:c.end - c.sentence_start]
    if k > 0 and (_BASELINE_CLAUSE.match(clause) or _BASELINE_CLAUSE.match(before[-40:].split(",")[-1])):
        return k - 1  # "83% ..., up from 60% the year before"
    return None


def _change_main(claims: list[Claim], k: int, roles: list[str]) -> int | None:
    """The level a change figure is the change of ("8.8 million procedures, a 4% increase")."""
    c = claims[k]
    if c.measure not in _CHANGE_MEASURES:
        return None
    for j in (k - 1, k + 1):
        if 0 <= j < len(claims) and roles[j] == "main" and claims[j].measure not in _CHANGE_MEASURES + ("multiple",):
            a, b = (claims[j], c) if j < k else (c, claims[j])
            if not _NEW_SERIES.search(_between(c.sentence, a, b)) and claims[j].checkable:
                return j
    return None


def link_series(claims: list[Claim]) -> list[Claim]:
    """One sentence's claims (in order) with their roles, links and baselines' own periods."""
    if len(claims) < 2 or any(c.quantity is None for c in claims):
        return claims
    roles = ["main"] * len(claims)
    main_of: list[int | None] = [None] * len(claims)
    for k in range(len(claims)):
        j = _baseline_main(claims, k)
        if j is not None and roles[j] == "main":
            roles[k], main_of[k] = "baseline", j
    for k in range(len(claims)):
        if roles[k] == "main" and main_of[k] is None:
            j = _change_main(claims, k, roles)
            if j is not None:
                roles[k], main_of[k] = "change", j
    out = list(claims)
    for k, j in enumerate(main_of):
        if j is None:
            continue
        main, c = claims[j], claims[k]
        period = c.period
        offset = year_offset(c.text) if roles[k] == "baseline" else None
        if offset is not None and main.period and main.period.isdigit():
            period = str(int(main.period) - offset)  # "the year before" a 2023 figure: 2022
        # A baseline counts the same group as its main figure ("83% of households ..., up from 60%").
        population = c.population or (main.population if roles[k] == "baseline" else "")
        c = _with_main_unit(c, main) if roles[k] == "baseline" else c
        out[k] = replace(c, role=roles[k], related_start=main.start, period=period, population=population)
    return out


def _with_main_unit(c: Claim, main: Claim) -> Claim:
    """A bare baseline figure is in its series' unit: "to 61.2 admissions per 1,000 from 63.5" gives
    63.5 per 1,000, "to 3.8% from 4.1" gives 4.1%. Only a plain number takes it, never one with a
    unit, currency or scale of its own."""
    q, mq = c.quantity, main.quantity
    if q is None or mq is None or q.unit != "count" or mq.unit == "count" or q.scale != 1 or q.kind not in ("number", ""):
        return c
    if main.measure not in ("level", "share") or (mq.unit != "percent" and not mq.unit.startswith("per ")):
        return c  # the baseline of a change ("2% lower than in 2019, when there were 1,752") is a level
    return replace(c, quantity=replace(q, unit=mq.unit), measure=main.measure)
