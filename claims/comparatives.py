"""Comparisons between groups without a figure: "older adults are more likely than younger
ones to vote", "smoking was higher among men", "the rate was similar for boys and girls".

Survey coverage states many of its findings this way, and the release states them the same
way ("older adults are more likely than younger adults to say so (61% vs. 44%)"). Such a claim
is checkable against a statement that makes the same comparison: the same way round (more
or less, higher or lower, or no difference), about the same groups and topic. Anything less
proves nothing, so it is never a flag: a comparison no statement makes is not a checkable
statistic here (`comparison_not_stated`), as a direction without a source is.
"""

from __future__ import annotations

import re

from claims.model import Claim, Evidence
from claims.thresholds import Thresholds

_UP = r"more|higher|greater|larger|bigger|faster|quicker|stronger"
_DOWN = r"less|fewer|lower|smaller|slower|weaker"
# "more likely (to|than)", "higher among men", "a quicker pace than", "similar for boys and girls".
_COMPARISON = re.compile(
    rf"\b(?P<dir>{_UP}|{_DOWN})\s+likely\b"
    rf"|\b(?P<dir2>{_UP}|{_DOWN})\s+(?:rates?\s+|shares?\s+|prevalence\s+|pace\s+|levels?\s+)?(?:among|for|in|than)\s"
    rf"|\bat\s+a\s+(?P<dir3>{_UP}|{_DOWN})\s+(?:pace|rate)\s+than\b"
    r"|\b(?P<same>similar|no\s+(?:significant\s+|real\s+)?differences?|the\s+same)\s+(?:among|between|for|in|by)\s",
    re.I)


def comparison(sentence: str) -> tuple[str, int] | None:
    """(way, offset) of the sentence's comparison between groups: 'up' (more, higher), 'down'
    (less, lower) or 'flat' (similar, no difference), at the comparative word; or None."""
    m = _COMPARISON.search(sentence)
    if m is None:
        return None
    if m.group("same"):
        return "flat", m.start()
    word = (m.group("dir") or m.group("dir2") or m.group("dir3")).lower()
    return ("up" if re.fullmatch(_UP, word) else "down"), m.start()


def _stems(text: str) -> set[str]:
    from claims.comparisons import _stems as topic_stems  # comparisons imports the extractor

    return topic_stems(text)


def _lead(sentence: str, at: int) -> set[str]:
    """The words that name the leading group: before the comparative and not after it ("rural"
    in "rural homes are less likely than urban homes")."""
    return _stems(sentence[:at]) - _stems(sentence[at:])


def states_comparison(claim: Claim, ev: Evidence | None, t: Thresholds) -> bool:
    """A statement that makes the claim's comparison: similar enough to support, the same way
    round, the same leading group (the words only before the comparative share a stem: "older
    adults are more likely" is not "younger adults are more likely"), and half of the
    claim's content words."""
    f = ev.finding if ev else None
    if ev is None or f is None or ev.similarity < t.supported_similarity:
        return False
    mine, theirs = comparison(claim.sentence), comparison(f.sentence)
    if mine is None or theirs is None or mine[0] != theirs[0]:
        return False
    lead_c, lead_f = _lead(claim.sentence, mine[1]), _lead(f.sentence, theirs[1])
    if lead_c and lead_f and not lead_c & lead_f:
        return False
    words = _stems(claim.sentence)
    return not words or len(words & _stems(f.sentence)) / len(words) >= 0.5
