"""Direction words without a figure: "a slight uptick", "a steady increase since 2005".

Such a sentence claims which way a series moved. Where a source states the direction of
the same series (a finding about the same topic that rose, fell, or did not change
significantly), the claim is judged against it; otherwise it is not a checkable
statistic. Both the extraction (which sentences are such claims) and the judgement live
here, so the figure-based rules in `claims/rules.py` never see a claim without a figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claims.lexicon import alternation
from claims.measures import change_words
from claims.model import Claim, Evidence
from claims.periods import is_relative, own_years
from claims.sentences import Token
from claims.thresholds import Thresholds

# Adverbs and verbs of change that only mean something next to a figure ("up 5%", "added 3").
_NEEDS_FIGURE = frozenset({"up", "down", "added", "gained", "lost", "higher", "lower", "more", "less", "cut", "gain"})


def _words(direction: str) -> str:
    return alternation(tuple(w for w in change_words("move", direction) if w.lower() not in _NEEDS_FIGURE),
                       ordered=True, any_space=True)


_MOVE = re.compile(rf"\b(?P<up>{_words('up')})\b|\b(?P<down>{_words('down')})\b", re.I)
# A source sentence that says a series did not move.
_NO_CHANGE = re.compile(r"\b(?:no\s+(?:statistically\s+)?significant\s+(?:change|difference|increase|decrease|trend)"
                        r"|(?:did|has|have)\s+not\s+(?:change|changed)(?:\s+significantly)?|remained\s+(?:stable|flat|unchanged)"
                        r"|(?:was|were|is|are)\s+(?:stable|flat|unchanged)|held\s+steady|little\s+changed)\b", re.I)
# A time the movement is placed in: a claim about a series, not a passing remark.
_SINCE = re.compile(r"\b(?:since|over\s+the\s+(?:past|last)|in\s+recent\s+years|this\s+year|last\s+year)\b", re.I)
_NEGATED = re.compile(r"\b(?:no|not|never|without|nor)\b", re.I)


def direction_claim(sentence: str, tokens: Sequence[Token] = ()) -> tuple[str, int, int] | None:
    """(direction, start, end) of the change word of a figureless sentence that claims a series
    moved in a stated time ("a steady increase since 2005"), or whose main verb says its
    subject moved ("the number of hospital beds decreased"), or None."""
    m = _MOVE.search(sentence)
    if m is None or _NEGATED.search(sentence[max(0, m.start() - 25):m.start()]):
        return None
    if not (own_years(sentence) or is_relative(sentence) or _SINCE.search(sentence)
            or _subject_moved(tokens, m.start())):
        return None
    return ("up" if m.group("up") else "down"), m.start(), m.end()


def _subject_moved(tokens: Sequence[Token], at: int) -> bool:
    """The change word at offset `at` is the sentence's root verb and has a subject: the
    sentence is about a series that moved, not a passing mention of a rise."""
    for i, t in enumerate(tokens):
        if t.start == at:
            return t.dep == "ROOT" and any(u.head == i and u.dep in ("nsubj", "nsubjpass") for u in tokens)
    return False


def finding_direction(f: Claim) -> str | None:
    """Which way a source finding's series moved: its figure's direction, or "flat" when the
    source says there was no significant change."""
    return f.direction or ("flat" if _NO_CHANGE.search(f.sentence) else None)


def series_direction(claim: Claim, ev: Evidence | None, t: Thresholds) -> bool | None:
    """Whether a statement states the same direction for the claim's series (True), another one
    (False: the opposite, or no significant change), or does not state the series' direction (None).

    Same series: similar enough to contradict, a period that fits, and the same topic in the
    finding's own clause (a source sentence often holds several series moving different ways,
    and with no figure to compare, the clause is all that ties the claim to one of them).
    """
    from claims.comparisons import _stems, compare_period  # comparisons imports the extractor

    f = ev.finding if ev else None
    if ev is None or f is None or ev.similarity < t.contradicted_similarity:
        return None
    fdir = finding_direction(f)
    mine = _stems(claim.text)
    overlap = len(mine & _stems(f.text + " " + (f.population or "") + " " + (f.subject or ""))) / len(mine) if mine else 0.0
    if fdir is None or compare_period(claim, f) is False or overlap < max(t.contradiction_topic_overlap, 0.5):
        return None
    return fdir == claim.direction


def said(f: Claim) -> str:
    """How a source's series moved, in words: 'went up', 'did not change significantly'."""
    fdir = finding_direction(f)
    return "did not change significantly" if fdir == "flat" else f"went {fdir}"
