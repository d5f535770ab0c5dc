"""The claim's own context that a statement never states: its month, its place, its group.

Why: a different figure contradicts a source only when the source speaks of the same thing.
On real published text most of the judge's contradictions were a neighbouring figure: the
same series in another month ("2.9 weeks in March" against a release's "3.4 weeks in
April"), another region ("Nordic ferry traffic" against "total ferry traffic"), another
group ("8 percent of adults 75 and over" against "19% of adults overall"). The
statement shares the claim's measure and topic, so retrieval ranks it first, and what
tells them apart is one qualifier the claim states and the statement does not. On the
labelled real-text development sets 3 of 16 such contradictions were right; the team's own
sets, whose planted errors restate the source's qualifiers, never showed it.

One way only, as `claims.measured.unstated_words` is: a statement often leaves implicit what
the claim spells out (its document is about one month, one country), so a qualifier the
statement lacks only keeps it from contradicting the claim; it never supports anything.
Pure functions over the claim's fields and the statement's text.
"""

from __future__ import annotations

import re

from claims.lexicon import load_words
from claims.measured import unstated_words
from claims.model import Claim
from claims.places import PLACES, claim_geo_codes, geo_codes, geo_overlap, is_place_word

# Full month names only: "May" the modal verb and "Mar." the abbreviation are too ambiguous.
_MONTH_NAMES = frozenset(w for w in load_words("months") if len(w) > 3 or w == "May")
_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\b")
_FUNCTION_WORDS = load_words("function_words")


def unstated_months(claim_text: str, statement_text: str) -> list[str]:
    """Months the claim names that a statement naming months never names (any month it names
    counts as said: "from June to July" states both). A statement that names no month may be
    dated by its document or name the time otherwise ("the fourth quarter" for
    "October-December"), so it leaves the claim's month open."""
    said = set(_MONTH.findall(statement_text or ""))
    if not said:
        return []
    return list(dict.fromkeys(m for m in _MONTH.findall(claim_text or "") if m not in said))


def unstated_places(claim_text: str, statement_text: str) -> list[str]:
    """The places the claim is about (as it names them) when the statement covers none of them."""
    claimed = claim_geo_codes(claim_text)
    if not claimed or geo_overlap(claimed, geo_codes(statement_text)):
        return []
    low = claim_text.lower()
    names = [next((n for n, c in PLACES.items() if c == code and re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", low)), code)
             for code in sorted(claimed)]
    return list(dict.fromkeys(names))


def unstated_group(population: str, statement_text: str) -> list[str]:
    """Words of the claim's group that the statement never says (places are left to
    `unstated_places`, function words and numbers carry no group)."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", population or "")
             if w.lower() not in _FUNCTION_WORDS and not is_place_word(w.lower())]
    return unstated_words(" ".join(words), statement_text)


def unstated_context(claim: Claim, statement_text: str) -> list[str]:
    """Everything the claim qualifies its figure by that the statement does not state."""
    return (unstated_months(claim.text, statement_text) + unstated_places(claim.text, statement_text)
            + unstated_group(claim.population, statement_text))
