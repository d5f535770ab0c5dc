"""Whom a figure covers, as fields: a population's head noun, its qualifiers, its places.

"41% of rural dentists" against a source's "41% of dentists": the head is the same
(dentists), but the claim's qualifier ("rural") gives the whole group's
figure to a part of it, which the source did not count on its own. "In Canada alone"
against a worldwide figure narrows the place. These are compared as fields of the
two populations (head, qualifiers, places), not as lists of example words.
"""

from __future__ import annotations

import re

from claims.lexicon import load_words
from claims.model import Claim
from claims.places import _PLACE_RES, geo_codes, is_place_word
from claims.populations import _HEAD_CUT, _POPULATION_MODIFIERS, is_generic_head, population_head, singular

# Words in front of a head noun that qualify nothing ("the", "all", "those", "surveyed").
_NOT_QUALIFIERS = frozenset({"the", "all", "those", "these", "of", "and", "or", "a", "an", "some", "many", "most",
                             "every", "each", "any", "its", "their", "our", "his", "her", "my", "your", "such", "other", "total", "overall",
                             "both", "whole", "entire", "only", "just", "alone", "also", "now", "still", "even", "to", "aged",
                             "ages", "in", "at", "from", "between"})


def qualifiers(population: str | None) -> frozenset[str]:
    """The words that narrow a population's head ('facial plastic surgeons' -> {'facial', 'plastic'}).

    Only the words before the head, within its noun phrase: places are compared as places,
    and filler words ("surveyed", "polled") count nobody out.
    """
    if not population or population_head(population) is None:
        return frozenset()
    phrase = _HEAD_CUT.split(population.lower())[0]
    for pattern, _code in _PLACE_RES:  # "U.S. adults": places are compared as places
        phrase = pattern.sub(" ", phrase)
    words = [w for w in re.findall(r"[a-z][a-z'’-]*", phrase) if len(w) > 1]
    # A possessor ("the country's adults", "Britain's workers") says whose group it is, like a
    # determiner, not which part of it: only the words after the last possessive can narrow.
    possessive = [i for i, w in enumerate(words) if w.endswith(("'s", "’s", "s'", "s’"))]
    if possessive:
        words = words[possessive[-1] + 1:]
    while words and (words[-1] in _POPULATION_MODIFIERS or words[-1] in load_words("population_filler_words")):
        words.pop()
    if len(words) < 2:
        return frozenset()
    return frozenset(singular(w) for w in words[:-1]
                     if w not in _NOT_QUALIFIERS and not is_place_word(w) and w not in _POPULATION_MODIFIERS
                     and w not in load_words("population_filler_words") and not w.isdigit())


# A figure's group restricted by a relative clause: "41% of drivers who have tried the app",
# "Among those who have tried it, 27% ...". The clause's first verb is what the claim must keep.
_AUX = r"(?:(?:have|has|had|are|were|is|was|do|does|did|ever|now|also|currently)\s+)*"
_WHO = re.compile(rf"\bwho\s+{_AUX}(?:not\s+)?(?P<verb>[a-z][a-z-]+)(?P<rest>[^,;.]{{0,40}})", re.I)
# Verbs that say someone took part in the survey: every respondent did, so they restrict no one.
_TOOK_PART = frozenset({"responded", "answered", "participated", "took", "completed", "were", "surveyed", "polled",
                        "asked", "interviewed", "replied"})
_CONTENT = re.compile(r"[a-z][a-z-]{3,}", re.I)


def base_condition(sentence: str, at: int) -> tuple[str, str] | None:
    """(verb, clause) of a relative clause that restricts the group of the figure at offset `at`
    of `sentence` ("who have tried the app"), or None.

    The clause counts when it follows the figure within its noun phrase (no comma or verb of
    saying between) or opens the sentence's group before it ("Among those who ...")."""
    after = sentence[at:at + 80]
    m = _WHO.search(after)
    between = after[:m.start()].split()[1:] if m else []  # the words after the figure's own
    # A group noun between the figure and "who" ("32% of adults who…"); with none, the clause
    # is what the figure's people did ("16% who report…"), not a restriction of them.
    if m and any(w.lower() not in ("of", "the", "all", "percent", "per", "cent", "%") for w in between) \
            and not re.search(r"[,;:]|\b(?:say|says|said|report|reported)\b", after[:m.start()]) and len(between) <= 6:
        return _condition(m)
    for m in re.finditer(r"\bamong\s+(?:those|people|\w+s)\s+(?=who\b)", sentence[:at], re.I):
        w = _WHO.match(sentence, m.end())
        if w and w.start() < at:
            return _condition(w)
    return None


def _condition(m: re.Match[str]) -> tuple[str, str] | None:
    verb = m.group("verb").lower()
    if verb in _TOOK_PART:
        return None
    return verb, re.split(r"\s+(?:say|says|said|report|reported|think|thinks)\b", m.group(0))[0].strip()


def _keeps_condition(claim: Claim, condition: tuple[str, str]) -> bool:
    """Whether the claim's sentence says the condition: its verb ('tried'), or the clause's other words."""
    verb, clause = condition
    text = claim.sentence.lower()
    if verb[:4] in text:
        return True
    words = [w.lower() for w in _CONTENT.findall(clause)[1:]]
    return bool(words) and all(w[:5] in text for w in words)


def dropped_condition(c: Claim, f: Claim) -> str | None:
    """The restricting clause of the source's group that the claim leaves out, or None."""
    if f.quantity is None:
        return None
    at = f.quantity.start - f.sentence_start
    if not 0 <= at <= len(f.sentence):
        return None
    condition = base_condition(f.sentence, at)
    if condition is None or _keeps_condition(c, condition) or c.quantity is None:
        return None
    # The claim restricts its group in words of its own ("…who are aware of it"): a paraphrase.
    if _WHO.search(c.sentence) or re.search(r"\bamong\b", c.sentence, re.I):
        return None
    # Only for the statement's own figure, not one a hedge allows ("23%" for "roughly a quarter").
    if not c.quantity.low <= f.quantity.value <= c.quantity.high:
        return None
    return condition[1]


def scope_difference(c: Claim, f: Claim) -> str | None:
    """How the source's scope is narrower or other than the claim's, in an editor's words, or None.

    Only the same head noun is compared (a different head is the population field's job). A
    qualifier the claim has and the source lacks ("facial plastic surgeons" for the source's
    "plastic surgeons") gives a whole group's figure to a part of it. The reverse, a source
    qualifier the claim drops, is shorthand unless the claim says "all" (the population
    field's rule, `compare_population`).
    """
    ch, fh = population_head(c.population), population_head(f.population)
    # A generic head ("members", "respondents") is "the people asked": its words name the
    # asking body ("academy members"), not a narrower group.
    if ch is not None and ch == fh and not is_generic_head(ch):
        extra = qualifiers(c.population) - qualifiers(f.population)
        if extra and qualifiers(f.population) <= qualifiers(c.population):
            return (f"the source's figure is for '{f.population}', not only '{c.population}'"
                    f" (the claim's qualifier '{' '.join(sorted(extra))}' narrows who is counted)")
        dropped = qualifiers(f.population) - qualifiers(c.population)
        if dropped and c.population and re.search(rf"\ball\s+(?:the\s+)?{re.escape(c.population)}", c.text, re.I):
            return (f"the claim says all '{c.population}' where the source counts only '{f.population}'"
                    f" (its qualifier '{' '.join(sorted(dropped))}')")
    dropped_base = dropped_condition(c, f)
    if dropped_base:
        return f"the source's figure counts only those '{dropped_base}', which the claim leaves out"
    cg, fg = geo_codes(c.population) | geo_codes(c.text), geo_codes(f.population) | geo_codes(f.text)
    if cg and fg == {"WORLD"} and "WORLD" not in cg:  # the source names the world and no narrower place
        return f"the source's figure is worldwide where the claim places it in {', '.join(sorted(cg))}"
    return None
