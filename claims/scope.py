"""Whom a figure covers, as fields: a population's head noun, its qualifiers, its places.

"58% of facial plastic surgeons" against a source's "58% of plastic surgeons": the head
is the same (surgeons), but the claim's qualifier ("facial") gives the whole group's
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
    cg, fg = geo_codes(c.population) | geo_codes(c.text), geo_codes(f.population) | geo_codes(f.text)
    if cg and fg == {"WORLD"} and "WORLD" not in cg:  # the source names the world and no narrower place
        return f"the source's figure is worldwide where the claim places it in {', '.join(sorted(cg))}"
    return None
