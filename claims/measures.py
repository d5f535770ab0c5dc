"""What a figure measures (a level, a share, a change, an amount, a count) and which way it moved.

The words of change live in `claims/lexicon/change_verbs.tsv`, one row per word and use
(a word like "lost" has several: "lost 5%", "lost £7,500", "lost 5% of its value"); the
patterns here are built from those rows, so a new verb is one data line. What stays in
code is the grammar around the words: where the figure sits, "by", "to", "of", "than".
"""

from __future__ import annotations

import re
from functools import lru_cache

from claims.lexicon import alternation, load_list, load_table
from claims.model import Quantity
from claims.patterns import YEAR

# The end-anchored patterns below ("rose by about X") only need the words just before a
# figure. Searching the whole sentence before every figure was quadratic (a 20,000-
# character sentence of figures took a minute, found by benchmarks/fuzz.py); a match
# longer than this is not prose.
_TAIL = 400


def change_words(use: str, direction: str | None = None) -> tuple[str, ...]:
    """The words of change_verbs.tsv with this use (and direction), in file order."""
    return tuple(r["word"] for r in load_table("change_verbs")
                 if r["use"] == use and (direction is None or r["direction"] == direction))


def _words_re(use: str, direction: str | None = None) -> str:
    return alternation(change_words(use, direction), ordered=True, any_space=True)


def _normal(word: str) -> str:
    return " ".join(word.lower().split())


# The direction of a word a change pattern captured; a "-" direction ("a loss of") is left
# open. Comparatives ("warmer than") are read by `_comparative_after`, not here.
_DIRECTIONS = {_normal(r["word"]): r["direction"] for r in load_table("change_verbs")
               if r["direction"] in ("up", "down") and r["use"] != "comparative"}

# "rose", "a 5% rise", "up 5%": a figure that is the size of a change (judge.py reads these two).
_UP = _words_re("move", "up")
_DOWN = _words_re("move", "down")
_CHANGE_NOUN_AFTER = re.compile(rf"^\s*(?:year-on-year\s+|annual\s+|overall\s+)?(?P<dir>{_UP}|{_DOWN})\b", re.I)
_FILLER = r"(?:(?:about|around|nearly|almost|some|roughly|more\s+than|over|just\s+over|just\s+under|close\s+to|just|only|a|an|another|a\s+further)\s+)*"
_CHANGE_VERB_BEFORE = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN})\s+(?:by\s+)?{_FILLER}$", re.I)
_CHANGE_NOUN_BEFORE = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN}|{_words_re('of_noun')})\s+of\s+{_FILLER}$", re.I)
_BASELINE_CLAUSE = re.compile(
    rf"^[\s,;:—–-]*(?:and\s+)?(?:(?P<dir>{_words_re('baseline')})\s+from|compared\s+(?:with|to)|when\s+(?:it|there|they)\s+(?:was|were)|versus|from)\b", re.I)
# "$212 billion, or 6 percent, lower than in 2021", "3% above its level before the pandemic":
# a figure followed by a comparative is the size of a change, whatever its unit.
_COMPARATIVE_AFTER = re.compile(
    r"^\s*(?:,\s*or\s+[^,;]{1,40},\s*|\s*\([^()]{1,40}\)\s*)?(?:degrees?\s+(?:celsius|fahrenheit)\s+|[°º]?\s?[CF]\s+)?"
    rf"(?P<dir>{_words_re('comparative')})"
    rf"\s+(?:than|on|from|the|its|their|a|last|pre-|{YEAR}\b|(?:where|what)\s+(?:it|they|prices|the\s+\w+)\s+(?:was|were|stood))", re.I)
_COMPARATIVE_UP = frozenset(change_words("comparative", "up"))
_MONEY_MOVED_BEFORE = re.compile(rf"\b(?P<dir>{_words_re('money')})\s+(?:off\s+)?{_FILLER}$", re.I)
# "cut the region's coffee harvest by 12.4%", "raised its forecast by 0.1 points"
_CHANGE_VERB_OBJECT_BY = re.compile(rf"\b(?P<dir>{_words_re('object_by')})\s+(?:[\w'’-]+\s+){{1,6}}by\s+{_FILLER}$", re.I)
# "lost 5% of its value": a part that moved, not a share.
_PART_OF = re.compile(_words_re("part_of"), re.I)
_TO_LEVEL_BEFORE = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN})\s+to\s+(?:(?:about|around|nearly|almost|roughly|more\s+than|over|close\s+to)\s+)?$", re.I)
# "two more seats", "9,000 fewer jobs": a number of things gained or lost (not "more than": a bound).
_MORE_OR_FEWER_AFTER = re.compile(r"^\s+(more|fewer|additional|extra)\s+(?!than\b)[a-z]", re.I)
_RATE_OF_CHANGE = re.compile(r"\b(?:inflation|growth(?:\s+rate)?|rate\s+of\s+(?:growth|increase|inflation)|annual\s+(?:increase|rise))\b", re.I)
_SHARE_AFTER = re.compile(r"^\s*(?:of|among)\b", re.I)
# "40% said", "63% believe": a share of the people asked.
_SHARE_VERB_AFTER = re.compile(rf"^\s*{alternation(load_list('share_verbs'))}\b", re.I)
# Units of a stated level ("12 hours", "3.5 km"), never a share or a change by themselves.
_LEVEL_UNITS = ("hours", "minutes", "days", "weeks", "months", "years", "km", "miles", "kg", "degrees", "litres", "tonnes")


def direction(word: str) -> str | None:
    """'rose' -> 'up', 'halved' -> 'down', '3-fold' -> 'up': the way a change word points, or None."""
    w = word.lower()
    found = _DIRECTIONS.get(_normal(w))
    if found == "up" or "times" in w or "fold" in w:
        return "up"
    return found



def is_baseline_clause(text: str) -> bool:
    """'up from 47% a year earlier', 'compared with 2021': a clause giving the figure's baseline."""
    return _BASELINE_CLAUSE.match(text) is not None


def _comparative_after(after: str) -> tuple[str, str] | None:
    m = _COMPARATIVE_AFTER.match(after)
    return ("change", "up" if m.group("dir").lower() in _COMPARATIVE_UP else "down") if m else None


def _dir_of(m: re.Match[str] | None) -> str | None:
    return direction(m.group("dir")) if m else None


def measure_of(sentence: str, q: Quantity) -> tuple[str, str | None]:
    """(measure, direction) of one figure, read from the words around it in its sentence."""
    before, after = sentence[max(0, q.start - _TAIL): q.start], sentence[q.end:]
    if q.kind == "rank":
        return "rank", None
    if q.kind == "multiple":
        return "multiple", direction(q.text)
    compared = _comparative_after(after)
    if compared:
        return ("change_points", compared[1]) if q.unit == "points" else compared
    signed = _explicit_sign(sentence, q)
    if signed:
        return ("change_points" if q.unit == "points" else "change"), signed
    if q.unit == "points" and re.search(r"percentage[\s-]+points?\b", sentence[q.start:q.end + 20], re.I):
        # A level is never in percentage points: they are the difference of two percentages.
        m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_BEFORE.search(before) or _CHANGE_NOUN_AFTER.match(after)
        return "change_points", _dir_of(m) if m else None
    if q.unit == "points":
        m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_BEFORE.search(before) or _CHANGE_NOUN_AFTER.match(after)
        return ("change_points", _dir_of(m)) if m else ("level", None)
    if q.unit == "percent":
        return _percent_measure(sentence, q, before, after)
    if q.unit.startswith("currency"):
        # "decreased £0.9bn", "grew by $3bn", "a £24.4 billion increase", "$2bn more than":
        # a change word right before or after the money (not "rose to $5bn": a level reached).
        m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_AFTER.match(after)
        if m:
            return "change", _dir_of(m)
        # "a fall of $547 billion", "the typical flat lost about £4,200": money moved.
        m = _CHANGE_NOUN_BEFORE.search(before) or _MONEY_MOVED_BEFORE.search(before)
        return ("change", _dir_of(m)) if m else ("amount", None)
    if q.unit.startswith("per "):
        return "level", _dir_of(_TO_LEVEL_BEFORE.search(before))  # a rate: "6.3 per 100,000"
    if q.unit in _LEVEL_UNITS:
        # "warmed by 0.2 degrees", "an increase of 1.2 degrees": a level unit moved is a change.
        m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_BEFORE.search(before)
        return ("change", _dir_of(m)) if m else ("level", None)
    m = _CHANGE_VERB_BEFORE.search(before)
    if m:
        return "change", _dir_of(m)  # "grew by 3.5 million people", "payrolls fell 12,000"
    m = _MORE_OR_FEWER_AFTER.match(after)
    if m:
        return "change", "down" if m.group(1).lower() == "fewer" else "up"  # "two more seats", "9,000 fewer jobs"
    return "count", _dir_of(_TO_LEVEL_BEFORE.search(before))


def _explicit_sign(sentence: str, q: Quantity) -> str | None:
    """"Spain (+16.3%)", "+0.4 percentage points": a percent written with its sign is a change."""
    if q.unit not in ("percent", "points"):
        return None
    sign = q.text[:1] if q.text[:1] in "+\u2212" else sentence[q.start - 1:q.start] if q.start else ""
    if sign == "+":
        return "up"
    if sign == "\u2212":  # the minus sign proper; a hyphen is too often a range or a dash
        return "down"
    return None


def _percent_measure(sentence: str, q: Quantity, before: str, after: str) -> tuple[str, str | None]:
    m = _CHANGE_NOUN_AFTER.match(after)
    if m and not _SHARE_AFTER.match(after):
        return "change", _dir_of(m)
    m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_BEFORE.search(before) or _CHANGE_VERB_OBJECT_BY.search(before)
    if m and (not re.match(r"^\s*of\b", after, re.I) or _PART_OF.fullmatch(m.group("dir"))):
        return "change", _dir_of(m)
    if _rate_of_change_before(sentence, q.start) and not _SHARE_AFTER.match(after):
        # "inflation ran at 5.9%": a rate of change stated as a level. Its direction is the
        # sign of the rate, not the verb's: "inflation eased to 10.5%" says prices still rose
        # 10.5%, which is what a release's "the CPI rose by 10.5%" states.
        return "change", ("down" if q.value < 0 else "up")
    if _SHARE_AFTER.match(after) or _SHARE_VERB_AFTER.match(after):
        return "share", None
    return "level", _dir_of(_TO_LEVEL_BEFORE.search(before))



@lru_cache(maxsize=16)
def _first_rate_of_change(sentence: str) -> int | None:
    m = _RATE_OF_CHANGE.search(sentence)
    return m.end() if m else None


_RATE_WORD_AT_END = re.compile(r"(?:inflation|rate|growth|increase|rise)\Z", re.I)


def _rate_of_change_before(sentence: str, start: int) -> bool:
    """Exactly `_RATE_OF_CHANGE.search(sentence[:start])`, without rescanning the sentence
    for each of its figures (quadratic on a sentence of thousands of figures).

    A match inside sentence[:start] is a match in the whole sentence too, unless it ends
    right at `start` (where the cut adds a word boundary): so when the sentence's first
    match ends by `start` the answer is yes, when there is none and no rate word ends at
    `start` it is no, and only otherwise is the prefix searched.
    """
    first = _first_rate_of_change(sentence)
    if first is not None and first <= start:
        return True
    if first is None and not _RATE_WORD_AT_END.search(sentence, max(0, start - 9), start):
        return False
    return _RATE_OF_CHANGE.search(sentence, 0, start) is not None
