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
RECORD = re.compile(
    r"\bon\s+record\b|\brecords?\s+began\b|\ball-time\s+(?:high|low)s?\b|\b\d+-(?:year|month|decade)\s+(?:high|low)s?\b"
    r"|\brecord(?:-|\s+)(?:highs?|lows?|levels?|rises?|falls?|numbers?|years?|breaking)\b"
    r"|\b(?:a|new|another)\s+(?:[a-z]+\s+)?records?\b(?!\s+(?:of|label|company|player|store|shop))"
    rf"|\b{_EXTREME}\b[^.;:]{{0,60}}?\b(?:since\s+(?:[A-Z][a-z]+\s+)?(?:\d{{4}}|records|the\s+\d{{4}}s)"
    r"|ever\s+(?:recorded|measured)|in\s+(?:recorded\s+)?history"
    r"|(?:in|for)\s+(?:at\s+least\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+)?(?:the\s+(?:last|past)\s+)?[\d,]+\s+(?:years|decades))\b",
    re.I)
_BREAK = re.compile(r"[,;:()]|\s[—–-]\s?|\s--\s")


def record_span(sentence: str) -> tuple[int, int] | None:
    """The clause of `sentence` that claims a record or an extreme, or None."""
    m = RECORD.search(sentence)
    if m is None:
        return None
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
    if ev is None or f is None or ev.similarity < t.supported_similarity or not RECORD.search(f.sentence):
        return False
    mine = _stems(claim.text)
    return not mine or len(mine & _stems(f.sentence)) / len(mine) >= 0.5
