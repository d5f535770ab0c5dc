"""Whom a figure covers, as fields: a population's head noun, its qualifiers, its places.

"58% of plastic surgeons" against a source's "58% of facial plastic surgeons": the head
is the same (surgeons), but the source's qualifier ("facial") narrows who was counted, so
the claim widens the figure to a group the source did not count. "In the United States
alone" against a worldwide figure narrows the place. These are compared as fields of the
two populations (head, qualifiers, places), not as lists of example words.
"""

from __future__ import annotations

import re

from claims.lexicon import load_words
from claims.model import Claim
from claims.places import geo_codes, is_place_word
from claims.populations import _HEAD_CUT, _POPULATION_MODIFIERS, population_head, singular

# Words in front of a head noun that qualify nothing ("the", "all", "those", "surveyed").
_NOT_QUALIFIERS = frozenset({"the", "all", "those", "these", "of", "and", "or", "a", "an", "some", "many", "most",
                             "every", "each", "any", "its", "their", "our", "such", "other", "total", "overall",
                             "both", "whole", "entire", "only", "just", "alone", "also", "now", "still", "even"})


def qualifiers(population: str | None) -> frozenset[str]:
    """The words that narrow a population's head ('facial plastic surgeons' -> {'facial', 'plastic'}).

    Only the words before the head, within its noun phrase: places are compared as places,
    and filler words ("surveyed", "polled") count nobody out.
    """
    if not population or population_head(population) is None:
        return frozenset()
    phrase = _HEAD_CUT.split(population.lower())[0]
    words = re.findall(r"[a-z][a-z'’-]*", phrase)
    while words and (words[-1] in _POPULATION_MODIFIERS or words[-1] in load_words("population_filler_words")):
        words.pop()
    if len(words) < 2:
        return frozenset()
    return frozenset(singular(w) for w in words[:-1]
                     if w not in _NOT_QUALIFIERS and not is_place_word(w) and w not in _POPULATION_MODIFIERS
                     and w not in load_words("population_filler_words") and not w.isdigit())


def scope_difference(c: Claim, f: Claim) -> str | None:
    """How the source's scope is narrower or other than the claim's, in an editor's words, or None.

    Only the same head noun is compared (a different head is the population field's job):
    a qualifier the source has and the claim lacks means the source counted fewer.
    """
    ch, fh = population_head(c.population), population_head(f.population)
    if ch is not None and ch == fh:
        extra = qualifiers(f.population) - qualifiers(c.population)
        if extra and qualifiers(c.population) <= qualifiers(f.population):
            return (f"the source counts only '{f.population}' where the claim says '{c.population}'"
                    f" (the source's qualifier '{' '.join(sorted(extra))}' narrows who is counted)")
    cg, fg = geo_codes(c.population) | geo_codes(c.text), geo_codes(f.population) | geo_codes(f.text)
    if cg and fg == {"WORLD"} and "WORLD" not in cg:  # the source names the world and no narrower place
        return f"the source's figure is worldwide where the claim places it in {', '.join(sorted(cg))}"
    return None
