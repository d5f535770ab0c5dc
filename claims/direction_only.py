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

from claims.lexicon import alternation, load_list
from claims.measured import _children
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
                        r"|(?:was|were|is|are)\s+(?:stable|flat|unchanged)|held\s+steady|little\s+changed|changed\s+little"
                        r"|(?:stayed|remained)\s+(?:about\s+|roughly\s+|largely\s+|much\s+)?the\s+same)\b", re.I)
# A time the movement is placed in: a claim about a series, not a passing remark.
_SINCE = re.compile(r"\b(?:since|(?:over|in|during)\s+(?:the\s+)?(?:past|last|recent|previous)|this\s+year|last\s+year"
                    # a month or quarter named as the time of the move: "fell in January", "from December"
                    r"|(?:in|during|from|since|through|by)\s+(?:early\s+|late\s+|mid-)?(?:January|February|March|April|May"
                    r"|June|July|August|September|October|November|December)"
                    r"|in\s+the\s+(?:first|second|third|fourth|last)\s+quarter"
                    r"|(?:month|year|quarter)[\s-](?:on|over)[\s-](?:month|year|quarter))\b", re.I)
# A claim that a series did not move: "the index has stayed flat", "changed little".
_FLAT = re.compile(r"\b(?:(?:remained|remains|stayed|stays|held|holds|was|were|is|are|has\s+been|have\s+been)\s+"
                   r"(?:broadly\s+|largely\s+|relatively\s+|virtually\s+|essentially\s+|roughly\s+)?"
                   r"(?:flat|stable|steady|unchanged)|little\s+changed|changed\s+little|plateau(?:ed|s)?"
                   r"|level(?:l)?ed\s+off|broadly\s+flat"
                   # "remains roughly the same", "saw no change", "haven't risen much": no move either
                   r"|(?:stayed|remained|stays|remains)\s+(?:about\s+|roughly\s+|largely\s+|much\s+)?the\s+same"
                   r"|(?:saw|showed|recorded|had|with)\s+no\s+(?:significant\s+|real\s+|notable\s+|major\s+)?change"
                   r"|(?:has|have|had|did)(?:n['’]t|\s+not)\s+(?:changed|dropped|fallen|risen|grown|declined|increased|decreased)\s+much)\b",
                   re.I)
# A move that has not happened: "expected to rise", "will fall", "could increase".
_FORECAST = re.compile(r"\b(?:(?<!continued\s)(?<!continues\s)(?<!began\s)(?<!started\s)(?<!begun\s)to"
                       r"|will|would|could|may|might|should|shall|won['’]t)\s+(?:\w+ly\s+)?(?:continue\s+to\s+)?$", re.I)
_NEGATED = re.compile(r"\b(?:no|not|never|without|nor)\b|n['’]t\b", re.I)


def direction_claim(sentence: str, tokens: Sequence[Token] = ()) -> tuple[str, int, int] | None:
    """(direction, start, end) of the change word of a figureless sentence that claims a series
    moved in a stated time ("a steady increase since 2005"), or whose main verb says its
    subject moved ("the number of hospital beds decreased"), or None."""
    moved, flat = _MOVE.search(sentence), _FLAT.search(sentence)
    # The first of the two: "hasn't dropped much" is a claim of no move, not a denied drop.
    m = flat if flat and (moved is None or flat.start() <= moved.start()) else moved
    if m is None:
        return _copula_direction(sentence, tokens)
    if m.re is not _FLAT and _NEGATED.search(sentence[max(0, m.start() - 25):m.start()]):
        return None
    if _FORECAST.search(sentence[max(0, m.start() - 30):m.start()]):
        return None  # "prices are expected to rise in March": a forecast, not a move
    timed = own_years(sentence) or is_relative(sentence) or _SINCE.search(sentence)
    # A time alone does not make a subheading ("Year-Over-Year Growth") a claim about a series.
    if not ((timed and len(sentence.split()) >= 5) or _subject_moved(tokens, m.start())):
        return None
    if m.re is _FLAT:
        return "flat", m.start(), m.end()
    return ("up" if m.group("up") else "down"), m.start(), m.end()


# What a source does with its figures ("the agency said exports fell"): a reported clause is the claim.
_REPORTING = frozenset(load_list("reporting_verbs")) | {"say", "report", "show", "showed", "shows", "find"}
_COPULA = frozenset({"is", "are", "was", "were", "been", "be", "remain", "remained", "remains", "stayed"})


def _copula_direction(sentence: str, tokens: Sequence[Token]) -> tuple[str, int, int] | None:
    """"Ferry crossings were slightly down in 2021": "up" or "down" as the predicate of a
    copula with a subject, the main clause or a reported one ("…, the agency said"); the parse
    says so ("set up a company" is a particle, not this)."""
    for t in tokens:
        if t.word not in ("up", "down") or t.dep not in ("advmod", "acomp"):
            continue
        head = tokens[t.head]
        if head.dep in ("ROOT", "ccomp") and head.word in _COPULA and any(
                u.head == t.head and u.dep in ("nsubj", "nsubjpass") for u in tokens):
            if _NEGATED.search(sentence[max(0, head.start - 10):t.start]):
                return None
            return ("up" if t.word == "up" else "down"), t.start, t.end
    return None


def moved_subject(sentence: str, tokens: Sequence[Token], at: int) -> str:
    """The words of what moved: the subject of the change word at offset `at` ("admissions" in
    "the agency expects that admissions declined"), or of the verb a change noun hangs on ("births
    saw a decline"); "" when the parse gives none.

    Why: the sentence's own subject is often the speaker, and a whole sentence's words dilute
    the few that name the series, so the series is compared on these words."""
    at_token = next((i for i, t in enumerate(tokens) if t.start == at), None)
    if at_token is None:
        return ""
    for head in (at_token, tokens[at_token].head):
        subj = [i for i, u in enumerate(tokens) if u.head == head and u.dep in ("nsubj", "nsubjpass") and i != head]
        if subj:
            lo, hi = _subtree(tokens, subj[0])
            return sentence[tokens[lo].start:tokens[hi].end]
    return ""


def _subtree(tokens: Sequence[Token], root: int) -> tuple[int, int]:
    """First and last token index of the subtree under `root` (spaCy subtrees are contiguous)."""
    kids, inside, todo = _children(tokens), [], [root]
    while todo:
        i = todo.pop()
        inside.append(i)
        todo.extend(kids[i])
    return min(inside), max(inside)


def _subject_moved(tokens: Sequence[Token], at: int) -> bool:
    """The change word at offset `at` is the sentence's root verb and has a subject: the
    sentence is about a series that moved, not a passing mention of a rise."""
    for i, t in enumerate(tokens):
        if t.start == at:
            # "births saw a decline": the change noun is the object of a main verb with a subject;
            # "the agency said exports fell": a reported clause's verb.
            verb = t.head if t.dep == "dobj" else i
            main = tokens[verb].dep == "ROOT" or (
                tokens[verb].dep == "ccomp" and tokens[tokens[verb].head].word in _REPORTING)
            return main and any(u.head == verb and u.dep in ("nsubj", "nsubjpass") for u in tokens)
    return False


def finding_direction(f: Claim) -> str | None:
    """Which way a source finding's series moved: its figure's direction, or "flat" when the
    source says there was no significant change."""
    return f.direction or ("flat" if _NO_CHANGE.search(f.sentence) else None)


# A statement this close to a figureless claim of direction says the same thing, whatever its
# words (measured on the dev sets' direction claims; cosine of the shipped MiniLM model).
SAME_SERIES_SIMILARITY = 0.7


def series_direction(claim: Claim, ev: Evidence | None, t: Thresholds) -> bool | None:
    """Whether a statement states the same direction for the claim's series (True), another one
    (False: the opposite, or no significant change), or does not state the series' direction (None).

    Same series: similar enough to contradict, a period that fits, and the same topic in the
    finding's own clause (a source sentence often holds several series moving different ways,
    and with no figure to compare, the clause is all that ties the claim to one of them).
    """
    from claims.comparisons import _stems, compare_period  # comparisons imports the extractor

    f = ev.finding if ev else None
    if ev is None or f is None or ev.similarity < t.supported_similarity or f.measure == "comparison":
        return None  # a comparison between groups says nothing of which way a series moved
    fdir = finding_direction(f)
    if fdir is None or compare_period(claim, f) is False:
        return None
    # The series is named by what moved: its words in the statement, or the statement says the
    # same in other words ("traffic deaths" and "fatalities"), which only a close match shows.
    mine = _stems(claim.subject) or _stems(claim.text)
    overlap = len(mine & _stems(f.sentence + " " + (f.subject or ""))) / len(mine) if mine else 0.0
    named = overlap >= max(t.contradiction_topic_overlap, 0.5)
    agrees = fdir == claim.direction
    if claim.direction == "flat" and not agrees:
        return None  # "plateaued" beside a 0.5% rise: a writer's "flat" allows a small move
    if agrees:
        return True if named or ev.similarity >= SAME_SERIES_SIMILARITY else None
    # Saying it moved the other way is a flag: only on the words themselves, and as close as a contradiction.
    return False if named and ev.similarity >= t.contradicted_similarity else None


def said(f: Claim) -> str:
    """How a source's series moved, in words: 'went up', 'did not change significantly'."""
    fdir = finding_direction(f)
    return "did not change significantly" if fdir == "flat" else f"went {fdir}"
