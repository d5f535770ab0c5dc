"""Records and extremes without a figure: "the hottest year on record", "a 30-year high",
"rents rose at their quickest pace since 1989".

Coverage of a statistics release leans on such claims, and the release seldom states them:
a bulletin gives this month's figure, not the ranking of every month since 1977. A record
claim is checkable (a series either did or did not reach it), so it is judged: supported
when a statement of the same topic states a record or an extreme itself, otherwise
unverifiable (the sources do not say it), never contradicted from a figure alone. The
extraction and the judgement live here, as they do for directions (claims/direction_only.py).
"""

from __future__ import annotations

import re

from claims.model import Claim, Evidence
from claims.thresholds import Thresholds

_EXTREME = r"(?:highest|lowest|fastest|slowest|largest|biggest|smallest|sharpest|steepest|strongest|weakest|warmest|hottest|coldest|wettest|driest|worst|best)"
# A record stated in words: "on record", "record high", "all-time low", "a 30-year high",
# "since records began", or an extreme with the time it is measured against.
# "a 30-year high", "a four-year low", "a two-decade high": the count in digits or in words.
_SPAN_COUNT = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
               r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)")
RECORD = re.compile(
    r"\bon\s+record\b|\brecords?\s+began\b|\ball-time\s+(?:high|low)s?\b"
    rf"|\b{_SPAN_COUNT}-(?:year|month|decade)\s+(?:high|low)s?\b"
    r"|\brecord(?:-|\s+)(?:highs?|lows?|levels?|rises?|falls?|numbers?|years?|breaking)\b"
    r"|\b(?:a|new|another)\s+(?:[a-z]+\s+)?records?\b(?!\s+(?:of|label|company|player|store|shop))"
    rf"|\b{_EXTREME}\b[^.;:]{{0,60}}?\b(?:since\s+(?:[A-Z][a-z]+\s+)?(?:\d{{4}}|records|the\s+\d{{4}}s)"
    r"|ever\s+(?:recorded|measured)|in\s+(?:recorded\s+)?history"
    r"|(?:in|for)\s+(?:at\s+least\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+)?(?:the\s+(?:last|past)\s+)?[\d,]+\s+(?:years|decades))\b",
    re.I)


def streak(text: str) -> tuple[int, str] | None:
    """(count, unit) of the run of periods a text claims ("the fourth straight year" -> (4, 'year'))."""
    m = STREAK.search(text)
    if m is None:
        return None
    word = (m.group("count") or m.group("count2")).lower()
    unit = (m.group("unit") or m.group("unit2")).lower()
    digits = re.match(r"\d+", word)
    count = int(digits.group(0)) if digits else (
        _ORDINALS.index(word) + 1 if word in _ORDINALS else _CARDINALS.index(word) + 1)
    return count, unit


_UP_WORDS = re.compile(r"\b(?:grow\w*|growth|increas\w*|ris(?:e|es|ing)|rose|gain\w*|climb\w*|up)\b", re.I)
_DOWN_WORDS = re.compile(r"\b(?:declin\w*|decreas\w*|fall\w*|fell|drop\w*|los(?:s|ses|t)|down|contract\w*)\b", re.I)


def _way(text: str) -> str | None:
    """'up' or 'down' when the text moves one way only ("…of growth", "fell for …")."""
    up, down = bool(_UP_WORDS.search(text)), bool(_DOWN_WORDS.search(text))
    return "up" if up and not down else "down" if down and not up else None


def _record(text: str) -> re.Match[str] | None:
    return RECORD.search(text) or STREAK.search(text)
# A streak: "the sixth consecutive year of gains", "rose for 8 months in a row", "the fourth
# straight quarterly fall". A record of its kind (the longest run so far), checked by its
# count and unit: a source must state the same run.
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
             "thirteenth fourteenth fifteenth").split()
_CARDINALS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split()
_COUNT = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{'|'.join(_ORDINALS)}|{'|'.join(_CARDINALS)})"
_UNIT = r"(?P<unit>year|month|quarter|week|day|session)(?:s|ly)?"
STREAK = re.compile(
    rf"\b(?P<count>{_COUNT})\s+(?:consecutive|straight|successive)\s+{_UNIT}\b"
    rf"|\b(?P<count2>{_COUNT})\s+(?P<unit2>year|month|quarter|week|day)s?\s+(?:in\s+a\s+row|running)\b", re.I)
_BREAK = re.compile(r"[,;:()]|\s[—–-]\s?|\s--\s")


def record_span(sentence: str) -> tuple[int, int] | None:
    """The clause of `sentence` that claims a record or an extreme, or None. A streak that
    opens the sentence ("For the third year in a row, Asia grew fastest") is about the
    whole sentence: its clause alone names no series."""
    m = _record(sentence)
    if m is None:
        return None
    if m.re is STREAK and not _BREAK.search(sentence, 0, m.start()):
        return 0, len(sentence)
    return _clause_around(sentence, m)


def record_clause(sentence: str) -> tuple[int, int] | None:
    """The clause of `sentence` that claims a record or a run ("…, a 30-year low",
    "…, the fourth consecutive year of growth"), or None."""
    m = _record(sentence)
    return _clause_around(sentence, m) if m else None


def _clause_around(sentence: str, m: re.Match[str]) -> tuple[int, int]:
    lefts = [b.end() for b in _BREAK.finditer(sentence, 0, m.start())]
    right = next((b.start() for b in _BREAK.finditer(sentence, m.end())), len(sentence))
    return (lefts[-1] if lefts else 0), right


def _stems(text: str) -> set[str]:
    from claims.comparisons import _stems as topic_stems  # comparisons imports the extractor

    return topic_stems(text)


def states_record(claim: Claim, ev: Evidence | None, t: Thresholds) -> bool:
    """A statement that states a record or an extreme itself, about the claim's topic: similar
    enough to support, and sharing half of the claim's content words."""
    f = ev.finding if ev else None
    if ev is None or f is None or not _record(f.sentence):
        return False
    run = streak(claim.text)
    if run is not None:
        # A run is stated only by the same run ("the fourth straight year" is not the third), the
        # same way ("of growth" is not "of decline"). That is specific enough to need only the
        # retrieval floor: "It is the sixth straight year of gains" names little else.
        way_c, way_f = _way(claim.text), _way(f.sentence)
        return (streak(f.sentence) == run and ev.similarity >= t.min_similarity
                and not (way_c and way_f and way_c != way_f))
    if ev.similarity < t.supported_similarity:
        return False
    mine = _stems(claim.text)
    return not mine or len(mine & _stems(f.sentence)) / len(mine) >= 0.5
