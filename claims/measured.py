"""What a figure measures, read from the dependency parse: the words that name what it counts.

Why: a different value contradicts a source only when the source states the same quantity.
On real published text most of the judge's "contradictions" were another figure of the same
topic: a component of an index ("furniture prices rose 8.3%" against "the CPI rose
6.1%"), a subgroup ("70% of men" against the world's 67%), another series ("earnings rose
11 cents" against "employment increased by 339,000"). A bag of the claim's words cannot tell
these apart, since most of them are the frame the two share (prices, rose, the year to March).
The parse can: what a figure counts is the noun it modifies ("339,000 jobs"), the subject of
the verb it completes ("the price of garden furniture rose by 8.3%"), the thing a change noun
is about ("a 0.1% fall in house prices"), or, for a share, its group and what the group did
("58% of surgeons reported an increase"). Those words, and only those, must be in the source.

Pure functions over `claims.sentences.Token` tuples (offsets, word, stop flag, dependency
label, head index); spaCy runs once, in `claims.sentences`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claims.lexicon import load_table, load_words
from claims.sentences import Token

# A unit word after a number is not what is counted ("0.27 degrees", "11 cents", "9.7 per cent"):
# the thing is further up the tree.
_UNIT_WORDS = frozenset(r["word"].lower() for r in load_table("units")) | load_words("unit_words")
# A change noun ("a 0.1% fall in house prices", "an increase of 1.48°C") is about its object.
_CHANGE_WORDS = frozenset(r["word"].lower() for r in load_table("change_verbs") if r["use"] == "move" and " " not in r["word"])
# Labels of a word that hangs its figure on a noun ("339,000 jobs", "a 58% increase").
_NOUN_MODIFIER = frozenset({"nummod", "quantmod", "compound", "amod", "nmod", "npadvmod", "det", "poss"})
# Labels a verb's head carries; a noun's head carries the others.
_VERB_LIKE = frozenset({"ROOT", "conj", "xcomp", "ccomp", "advcl", "relcl", "acl", "pcomp", "parataxis"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_PRONOUNS = frozenset({"it", "they", "this", "that", "these", "those", "which", "who", "he", "she", "we", "you",
                       "i", "there", "its", "their", "them", "one", "what"})
# Parts of a noun phrase that say more about the sentence than about the thing counted.
_SKIP_BRANCHES = frozenset({"relcl", "acl", "advcl", "punct", "appos", "cc", "det", "case", "prep_time"})
_MONTHS = frozenset(load_words("months"))
# Words that say how much of the thing, not which thing ("the overall pass rate", "total employment").
_WHOLE = frozenset({"overall", "total", "whole", "entire", "combined", "aggregate", "all"})


def _children(tokens: Sequence[Token]) -> list[list[int]]:
    kids: list[list[int]] = [[] for _ in tokens]
    for i, t in enumerate(tokens):
        if t.head != i and 0 <= t.head < len(tokens):
            kids[t.head].append(i)
    return kids


def _subject(tokens: Sequence[Token], kids: list[list[int]], verb: int) -> list[int]:
    """The subject of a verb, climbing through coordinated and embedded verbs; none for a
    pronoun. The group an 'among' names is part of it ("obesity was highest among black adults")."""
    for _ in range(4):
        subj = [k for k in kids[verb] if tokens[k].dep in _SUBJECTS]
        group = [k for p in kids[verb] if tokens[p].dep == "prep" and tokens[p].word == "among"
                 for k in kids[p] if tokens[k].dep == "pobj"]
        if subj:
            return ([] if tokens[subj[0]].word in _PRONOUNS else subj[:1]) + group
        t = tokens[verb]
        if t.dep in ("relcl", "acl"):
            return [t.head]  # "persons who completed ...": the noun the clause hangs on
        if t.dep not in ("conj", "xcomp", "advcl", "ccomp", "pcomp") or t.head == verb:
            return []
        verb = t.head
    return []


def _objects(tokens: Sequence[Token], kids: list[list[int]], noun: int, skip: set[int]) -> list[int]:
    """The nouns a change noun is about: the objects of its 'in' and 'of' and its compounds."""
    out = [k for k in kids[noun] if tokens[k].dep in ("compound", "amod", "nmod") and k not in skip]
    for p in kids[noun]:
        if tokens[p].dep == "prep" and tokens[p].word in ("in", "of", "for", "among") and p not in skip:
            out += [k for k in kids[p] if tokens[k].dep == "pobj" and k not in skip]
    return out


def _heads(tokens: Sequence[Token], kids: list[list[int]], figure: set[int]) -> list[int]:
    """The words whose phrases name what the figure counts (see the module docstring)."""
    n = next((i for i in sorted(figure) if tokens[i].head not in figure or tokens[i].head == i), max(figure))
    for _ in range(6):
        t = tokens[n]
        h = t.head
        if h == n:
            return []
        head = tokens[h]
        if t.dep in ("conj", "appos") and h not in figure:
            n = h  # "63%, 60%, and 59% of teens": a list hangs on its first figure
            continue
        if t.dep in _NOUN_MODIFIER and h not in figure:
            if head.word in _UNIT_WORDS:
                n = h
                figure = figure | {h}
                continue
            if head.word in _CHANGE_WORDS:
                return _objects(tokens, kids, h, figure)
            return [h]
        if t.dep == "pobj":
            g = head.head
            if g == h:
                return []
            if tokens[g].dep in _VERB_LIKE:
                return _subject(tokens, kids, g) + ([] if head.word != "of" else [])
            if tokens[g].word in _CHANGE_WORDS or head.word == "of":
                # "an increase of 1.48°C in temperature", "a total of 5,000 people"
                objs = _objects(tokens, kids, g, figure | {h})
                return objs or ([] if tokens[g].word in _CHANGE_WORDS else [g])
            return [g]
        if t.dep in _SUBJECTS:
            # "58% of surgeons reported an increase": the group, and what it did.
            group = [k for p in kids[n] if tokens[p].word in ("of", "among") for k in kids[p] if tokens[k].dep == "pobj"]
            did = [k for k in kids[h] if tokens[k].dep in ("dobj", "attr", "acomp", "prep", "xcomp", "ccomp")]
            return group + did
        if t.dep in ("dobj", "attr", "acomp", "oprd", "npadvmod", "advmod", "ccomp", "xcomp", "dep", "nmod"):
            return _subject(tokens, kids, h) if tokens[h].dep in _VERB_LIKE or tokens[h].dep == "ROOT" else [h]
        if t.dep == "prep":
            n = h
            continue
        return []
    return []


_CHANGE_DIRECTION = {r["word"].lower(): r["direction"] for r in load_table("change_verbs")
                     if r["use"] == "move" and " " not in r["word"]}


def change_word(tokens: Sequence[Token], start: int, end: int) -> tuple[str, str | None] | None:
    """The change word the figure at [start, end) hangs on in the parse, with its direction, or None.

    Why: the words right before and after a figure miss a change the tree shows plainly: "a 0.1%
    month-on-month fall" (a modifier between figure and noun), "an increase of 1.48°C" (the
    figure is the noun's object), "employers added 339,000 jobs" (the counted noun is the
    object of a verb of change). Such a figure is the size of a change, not a level.
    """
    figure = {i for i, t in enumerate(tokens) if t.start < end and t.end > start}
    if not figure:
        return None
    n = next((i for i in sorted(figure) if tokens[i].head not in figure or tokens[i].head == i), max(figure))
    for _ in range(4):
        t = tokens[n]
        h = t.head
        if h == n:
            return None
        head = tokens[h]
        if t.dep in _NOUN_MODIFIER and head.word in _UNIT_WORDS:
            n = h
            continue
        if t.dep in _NOUN_MODIFIER and head.word in _CHANGE_DIRECTION and head.dep not in _SUBJECTS:
            return head.word, _direction(head.word)
        if t.dep == "pobj" and head.word in ("by", "of"):
            g = tokens[head.head]
            return (g.word, _direction(g.word)) if g.word in _CHANGE_DIRECTION else None
        if t.dep in _NOUN_MODIFIER and head.dep == "dobj" and tokens[head.head].word in _CHANGE_DIRECTION:
            verb = tokens[head.head].word
            return verb, _direction(verb)
        return None
    return None


def _direction(word: str) -> str | None:
    d = _CHANGE_DIRECTION.get(word, "-")
    return d if d in ("up", "down") else None


def _phrase_words(tokens: Sequence[Token], kids: list[list[int]], roots: list[int], figure: set[int]) -> list[int]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        i = stack.pop()
        if i in seen or i in figure:
            continue
        seen.add(i)
        for k in kids[i]:
            if tokens[k].dep not in _SKIP_BRANCHES:
                stack.append(k)
    return sorted(seen)


def _content(t: Token) -> bool:
    w = t.word
    return (len(w) > 2 and bool(re.fullmatch(r"[a-z][a-z'’-]*[a-z]", w)) and not t.stop and w not in _UNIT_WORDS
            and w not in _CHANGE_WORDS and w not in _MONTHS and w not in _PRONOUNS and w not in _WHOLE
            and w not in load_words("topic_stopwords"))


def _refers_back(tokens: Sequence[Token], kids: list[list[int]], roots: list[int]) -> bool:
    """A bare definite noun ("the region", "this group") names its thing by reference to an
    earlier sentence, so its word says nothing about what the source must count."""
    if len(roots) != 1:
        return False
    r = roots[0]
    dets = [k for k in kids[r] if tokens[k].dep in ("det", "poss")]
    others = [k for k in kids[r] if tokens[k].dep not in ("det", "poss", "punct", "case")]
    return bool(dets) and not others and tokens[dets[0]].word in ("the", "this", "that", "these", "those", "its", "their")


def measured_words(tokens: Sequence[Token], start: int, end: int) -> str:
    """The content words naming what the figure at [start, end) of the sentence counts, space
    separated in sentence order ("" when the parse does not say)."""
    figure = {i for i, t in enumerate(tokens) if t.start < end and t.end > start}
    if not figure:
        return ""
    kids = _children(tokens)
    roots = _heads(tokens, kids, figure)
    if _refers_back(tokens, kids, roots):
        return ""
    words: list[str] = []
    for i in _phrase_words(tokens, kids, roots, figure):
        w = tokens[i].word
        if _content(tokens[i]) and w not in words:
            words.append(w)
    return " ".join(words)


def _stem(word: str) -> str:
    """A light stem: without a possessive and one inflection, cut to five letters ("used" and
    "use", "prices" and "price", "living" and "live" meet; a dictionary is not needed)."""
    w = word.replace("’", "'").split("'")[0]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    else:
        for suffix in ("ing", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= (2 if suffix == "ed" else 3):
                w = w[: -len(suffix)]
                break
    if w.endswith("e") and len(w) >= 3:
        w = w[:-1]
    return w[:5]


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z][a-z'’-]*", text.lower())}


def unstated_words(measured: str, other_text: str) -> list[str]:
    """The words of `measured` (what one side's figure counts) that the other side never says.

    Compared by five-letter stems, as topic overlap is ("prices" finds "price"); a hyphenated
    word counts as said when each of its parts is ("private-sector" needs both).
    """
    have = _stems(other_text)
    missing = []
    for w in measured.split():
        parts = [p for p in re.split(r"[-]", w) if len(p) > 2]
        if parts and not all(_stem(p) in have for p in parts):
            missing.append(w)
    return missing
