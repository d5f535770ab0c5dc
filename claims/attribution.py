"""Who says so: the source a sentence attributes its figures to, and the names a source goes by."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from claims.places import REPORTING_VERB, is_place_word

if TYPE_CHECKING:
    from claims.sentences import Sentence

_ATTRIB_PATTERNS = [
    re.compile(r"\baccording\s+to\s+(?:a\s+|an\s+|the\s+|that\s+same\s+|the\s+same\s+|this\s+)?(?P<who>[^,.;]+?)(?=[,.;]|$)", re.I),
    # Possessive `*+`: a name word is never split into pieces. With `\s?` optional, "the " and
    # one long capitalised word ("the AAFPRS.AAFPRS...", an all-caps headline) tried every split
    # into up to 8 pieces: 2 s at 34 letters, minutes beyond (found by benchmarks/fuzz.py).
    re.compile(r"\b(?:a|an|the|this|that\s+same|the\s+same)\s+(?P<who>(?:[A-Z][\w.&'-]*+\s?){1,8})\s+(?:survey|report|study|poll|analysis|data|census|release)\b"),
    re.compile(r"\b(?:survey|report|study|poll|analysis|data|figures)\s+(?:by|from)\s+(?:the\s+)?(?P<who>(?:[A-Z][\w.&'-]*\s?(?:of\s+(?:the\s+)?|and\s+|for\s+)?){1,10})"),
    re.compile(rf"(?P<who>(?:[A-Z][\w.&'-]*+\s){{0,6}}[A-Z][\w.&'-]*+)\s+{REPORTING_VERB}\b"),
]
# What the last attribution pattern needs after the name; checked first (same result, linear).
_SAID = re.compile(rf"\s{REPORTING_VERB}\b")
ANAPHORA = re.compile(r"\b(?:that\s+same|the\s+same|this|that|the)\s+(?:[A-Z][\w.&-]*\s+)?(?:survey|report|study|poll|analysis|academy|organi[sz]ation|group|data|figures|researchers)\b", re.I)
GENERIC_SOURCE = re.compile(r"(?:(?:that|the|this)\s+)?(?:same\s+)?(?:survey|report|study|poll|analysis|academy|data|figures|researchers|organi[sz]ation)", re.I)
# A sentence's organisation is its source only when the sentence names one of these.
_ORG_CUE = re.compile(r"\b(?:survey|report|study|poll|data)\b", re.I)
_ORG_CUE_ANYWHERE = re.compile(r"survey|report|study|poll|data", re.I)
_PRONOUN = re.compile(r"(?:It|This|That|They|He|She|We|I|The|A|An)")
# Words of a source's name that do not tell sources apart ("the National ... Survey").
_ALIAS_STOP = frozenset({"the", "of", "and", "for", "in", "on", "a", "an", "survey", "report", "study", "poll", "annual", "data",
                         "same", "that", "this", "new", "research", "center", "centre", "institute", "national", "american",
                         "association", "academy", "based"})


def attribution(sent: Sentence) -> str | None:
    """The source a sentence names for its figures ('according to Gallup', 'a Pew survey'), or None."""
    if sent.in_quote:
        return None
    for pat in _ATTRIB_PATTERNS:
        if pat is _ATTRIB_PATTERNS[3] and not _SAID.search(sent.text):
            continue  # no "X said": skip a search that tries every capital letter as a start
        m = pat.search(sent.text)
        if m:
            who = re.sub(r"(?<=[a-z]{3})\.$", "", re.sub(r"\s+(?:of|and|for)(?:\s+the)?$", "", m.group("who").strip()))
            # An attribution names someone: a capitalised name or acronym, not "their populations".
            if who and re.match(r"[A-Z]", who) and not is_place_word(who.lower()) and not _PRONOUN.fullmatch(who) \
                    and not _data_status_word(sent.text, m.start("who"), who, sent.orgs):
                return who
    orgs = [o for o in sent.orgs if not is_place_word(o.lower())]
    return orgs[0] if orgs and _ORG_CUE.search(sent.text) else None


# Words that say what state figures are in, not whose they are: "Provisional data show…".
_DATA_STATUS = frozenset({"provisional", "preliminary", "final", "revised", "latest", "new", "official", "early",
                          "recent", "annual", "monthly", "quarterly", "weekly", "updated", "initial", "flash"})


def _data_status_word(text: str, at: int, who: str, orgs: tuple[str, ...]) -> bool:
    """A single word capitalised only because it opens the sentence or a list item, and that
    says what state the figures are in ("Provisional data show…"): no name."""
    return (" " not in who and who.lower() in _DATA_STATUS and who not in orgs
            and not text[:at].strip(" \t-\u2013\u2014\u2022*\"\u201c'"))


def may_read_organisations(text: str) -> bool:
    """Whether `attribution` could read the organisations (spaCy's entities) of a sentence
    in `text`: only one that names a survey, report, study, poll or data does. A superset
    (no word boundaries), so a caller that runs the entity recogniser only where this is
    true gets the same attributions (`claimdesk extract`, issue #16)."""
    return bool(_ORG_CUE_ANYWHERE.search(text))


def attribution_aliases(text: str | None) -> set[str]:
    """Names an organisation goes by: its words, its acronym, a parenthesised short form."""
    if not text:
        return set()
    return set(_aliases(text))


# Cached: the judge compares every claim's and candidate's attribution (and the source's
# title) once per pair and again for the calibrated model's options, ~100 µs a call: a
# quarter of the judge's time (issue #16 profile). Pure; callers get a set of their own.
@lru_cache(maxsize=1 << 16)
def _aliases(text: str) -> frozenset[str]:
    aliases = set()
    for paren in re.findall(r"\(([^)]+)\)", text):
        aliases.add(paren.strip().lower())
    base = re.sub(r"\([^)]*\)", " ", text)
    # "WMO (World Meteorological Organization)": the long form's words count too.
    words = re.findall(r"[A-Za-z][\w&.'-]*", base) + re.findall(r"[A-Za-z][\w&.'-]*", " ".join(re.findall(r"\(([^)]+)\)", text)))
    caps = [w for w in words if w[0].isupper() and w.lower() not in {"the", "of", "and", "for", "in", "on"}]
    if len(caps) >= 2:
        aliases.add("".join(w[0] for w in caps).lower())
    # "the Paris-based agency's outlook" names the International Energy Agency (Paris) too.
    parts = {p for w in words for p in re.split(r"[-]", re.sub(r"['’]s$", "", w.lower().strip(".")))}
    aliases |= {p for p in parts if p not in _ALIAS_STOP and len(p) > 2 and not p.isdigit()}
    return frozenset(aliases)
