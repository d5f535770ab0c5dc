"""Who a figure is about: the population of a share, the subject of a change, and their head nouns.

The head-noun lists are data (`claims/lexicon/*_heads.txt`): which nouns name people
("teens", "surgeons"), which are only "the people asked" ("respondents"), which name a
subgroup, and which name a group even in the singular ("staff", "the public").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.lexicon import alternation, load_list, load_table, load_words
from claims.measures import _TAIL
from claims.periods import trim_period
from claims.places import PLACES, WHOLE_POPULATION_DEMONYMS

if TYPE_CHECKING:
    from claims.model import Quantity
    from claims.sentences import Sentence

# Nouns for "whoever was asked": a claim about them is about the survey's whole population.
GENERIC_HEADS = load_words("generic_heads")
# Groups of people a survey or statistic can be "of". Two different heads only disagree
# when both are people ("teens" vs "adults"); "market" vs "cars" says nothing.
PERSON_HEADS = load_words("person_heads")
SUBGROUP_HEADS = load_words("subgroup_heads")
# Nouns that name a group of people even in the singular ("staff", "the public").
COLLECTIVE_HEADS = load_words("collective_heads")
HEAD_SYNONYMS = {r["word"]: r["head"] for r in load_table("head_synonyms")}
# Words after a population noun that are not its head ("surgeons surveyed", "adults overall").
_POPULATION_MODIFIERS = load_words("population_modifiers")
_HEAD_CUT = re.compile(r"\b(?:aged?|ages|between|who|whose|that|from|in|with|across|at|on|for|of|over|under|throughout|saying|say|says)\b")
_HEAD_FUNCTION_WORDS = frozenset({"the", "all", "of", "in", "aged", "ages", "and", "who", "from"})

# Where a population phrase ends: a verb or pronoun of the predicate ("of adults said ..."), or punctuation.
_POP_STOP = re.compile(rf"\b{alternation(load_list('population_end_words'))}\b|[,;:!?()—–]|(?<![A-Z])\.(?=\s|$)", re.I)
_REPORTER_VERB = re.compile(r"\s+(?:reported|saw|recorded|posted|had|experienced|noted)\s+(?:an?\s+|the\s+)?$")
# A lazy noun phrase before the verb; only run on a bounded tail, where the verb is known
# to be (the lazy group makes it quadratic in the text it is given).
_REPORTER_NP = re.compile(r"(?P<np>[\w.'’\- ]+?)" + _REPORTER_VERB.pattern)


def roles(sent: Sentence, q: Quantity, measure: str, a: int, b: int) -> tuple[str, str, str]:
    """(population, subject, predicate) of one quantity, read from its clause."""
    text = sent.text
    after = text[q.end:b]
    population = subject = predicate = ""
    if measure == "share":
        m = re.match(r"^\s*(?:of|among)\s+(?:the\s+|all\s+(?=the\s)?|those\s+)?(?P<pop>.*)", after, re.I)
        if m:
            rest = m.group("pop")
            stop = _POP_STOP.search(rest)
            population = rest[: stop.start()].strip() if stop else rest.strip()
            predicate = rest[stop.start():].strip(" ,;") if stop else ""
        else:
            predicate = after.strip(" ,;")
        subject = predicate
    elif measure in ("change", "change_points"):
        m = re.search(r"\b(?:in|of)\s+(?P<subj>[^,;.]+)", after)
        subject = trim_period(m.group("subj")) if m else ""
        before = text[a:q.start]
        v = _REPORTER_NP.search(before[-_TAIL:]) if _REPORTER_VERB.search(before) else None
        if v:
            population = v.group("np").strip()
        elif not subject:
            subject = sent.subject
    else:
        m = re.match(r"^\s*(?P<noun>(?:[\w'’-]+\s?){1,4})", after)
        subject = trim_period(m.group("noun")) if m else ""
        population = ""
    for tail in re.finditer(r"\bamong\s+(?P<pop>[^,;.]+)", text[a:b]):
        if not population and measure != "share":
            population = tail.group("pop").strip()
    return _clean(population), _clean(subject), _clean(predicate)


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,;:.")[:200]


def population_head(text: str | None) -> str | None:
    """The head noun of a population phrase, singular and lower-case ('plastic surgeons surveyed' -> 'surgeon')."""
    if not text:
        return None
    text = _HEAD_CUT.split(text.lower())[0]
    raw = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if w not in _POPULATION_MODIFIERS]
    words = [w for w in raw if w not in PLACES]
    if not words and raw and raw[-1] in WHOLE_POPULATION_DEMONYMS:
        return "person"  # "Americans", "Britons": the whole population
    words = [w for w in words if w not in _HEAD_FUNCTION_WORDS]
    if not words:
        return None
    last = words[-1]
    if not last.endswith("s") and last not in COLLECTIVE_HEADS:
        return None  # "gross domestic product": not a group of people or things to compare
    return singular(HEAD_SYNONYMS.get(last, last))


def singular(word: str) -> str:
    """'surgeons' -> 'surgeon', 'families' -> 'family': enough to compare head nouns."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def is_person_head(head: str | None) -> bool:
    """Whether a head noun names people ('teen', 'economist', 'Australian'), not things."""
    return head is not None and (head in PERSON_HEADS or head.endswith(("ist", "ian")))


def is_generic_head(head: str | None) -> bool:
    """Whether a head says only "the people asked" (or nothing), so any population fits it."""
    return head is None or head in GENERIC_HEADS
