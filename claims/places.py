"""Where a claim is about: place names, adjectives and demonyms mapped to one code each.

The table is `claims/lexicon/places.tsv` (name, code, kind): "Britain", "British" and
"Britons" all read as their code, so a claim about "British adults" and a finding about
"the UK" can be compared. Parts of the UK have codes of their own: census and road
statistics are published for England and Wales, and "the UK" is not "England and Wales".
"""

from __future__ import annotations

import re
from functools import lru_cache

from claims.lexicon import alternation, load_list, load_table

# name (lower case) -> code; the file's order, as the names were written.
PLACES: dict[str, str] = {r["name"]: r["code"] for r in load_table("places")}
# Plural demonyms that stand for a whole national population ("Americans" = the people of the US).
WHOLE_POPULATION_DEMONYMS = frozenset(load_list("whole_population_demonyms"))
_PLACE_RES = tuple((re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])"), code) for name, code in PLACES.items())

# What a source "says": the words after which a sentence gives its figures.
REPORTING_VERB = alternation(load_list("reporting_verbs"), ordered=True, any_space=True)
_SAID = re.compile(rf"\s{REPORTING_VERB}\b")
# Geography only counts on the claim's own side: "according to the UK's statistics office"
# names a source, "than in Britain" a comparison.
_NOT_SCOPE = re.compile(r"\baccording\s+to\b[^,;]*[,;]?|\b(?:than|compared\s+(?:with|to)|versus|vs\.?)\s+[^,;]*", re.I)


# A currency named by its country ("US$20.2 billion", "Canadian dollars") is money, not a place:
# read as one, every figure in US dollars would be about the United States.
_CURRENCY_NAME = re.compile(
    r"(?<![\w.])(?:u\.?s\.?|us|a|c|nz|hk|s)\$"
    r"|(?<![\w.])(?:u\.?s\.?|us|american|canadian|australian|new\s+zealand|hong\s+kong|singapore)\s+dollars?\b")


def is_place_word(word: str) -> bool:
    """A place name or demonym ('british', 'americans'): a place, never a source or a head noun."""
    return word in PLACES or word in WHOLE_POPULATION_DEMONYMS


def geo_codes(text: str | None) -> set[str]:
    """The codes of every place named in the text ('British adults' -> {'UK'})."""
    if not text:
        return set()
    return set(_geo_codes(text))


def claim_geo_codes(text: str) -> set[str]:
    """Places the claim itself is about, from its wording (not its source or comparisons)."""
    return set(_claim_geo_codes(text))


# Cached because the judge asks again for the same few texts: every claim is compared with
# each of its candidate statements, and every statement with the claims of every article, and
# one call is a search with each of the table's patterns (~1 ms; issue #16 profile: 40 % of
# the judge). The functions are pure; callers get a fresh set of their own.
@lru_cache(maxsize=1 << 16)
def _geo_codes(text: str) -> frozenset[str]:
    low = _CURRENCY_NAME.sub(" ", text.lower())
    return frozenset(code for pattern, code in _PLACE_RES if pattern.search(low))


@lru_cache(maxsize=1 << 16)
def _claim_geo_codes(text: str) -> frozenset[str]:
    said = list(_SAID.finditer(text))
    if said:
        text = text[said[-1].end():]
    return _geo_codes(_NOT_SCOPE.sub(" ", text)) if text else frozenset()


def geo_overlap(claimed: set[str], found: set[str]) -> bool:
    """Colloquial "Britain" covers UK figures; a claim about "the UK" is not covered by Great Britain's."""
    return bool(claimed & found) or ("GB" in claimed and "UK" in found)
