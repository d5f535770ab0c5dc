"""What text of a claim is embedded to find its evidence, and which texts a batch embeds.

Why not just the claim's clause: a clause often leaves its topic elsewhere in the
sentence ("..., according to 79% of members") or in the sentence before ("That was a
fall of 36%"), and without the topic the embedding only knows a number. These rules
decide the query text; `sources.matching.judge_claims` embeds and ranks with it, and a
re-check rebuilds the same texts from stored claims, so both judge alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claims.extract import is_baseline_clause
from claims.model import Claim

# A sentence that points back ("That was a fall of 36%"): what fell is in the sentence before.
_ANAPHORIC_START = re.compile(r"^\W*(?:That|This|It|These|Those|The\s+(?:figure|number|total|rise|fall|increase|drop|decline))\s+(?:was|is|were|are|represents?|marks?|means?|leaves?)\b")


# Words that name no topic: connectives, prepositions, hedges, months and units of time.
_TOPICLESS = frozenset("""a an the and or but to from of in on at by for with as than up down over under about around
nearly almost roughly some just only more less fewer most least per cent percent point points this that last year years
month months quarter week day reaching reached hitting hit stood respectively compared versus vs while whereas
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec""".split())


def names_a_topic(claim: Claim) -> bool:
    """Whether the claim's clause, without its figure, says what the figure is about.

    "to 12.6%", "to $31.60.", "or 0.3 percent" do not: they continue the clause before
    ("tobacco use fell from 16.5% to 12.6%"), and an embedding of the fragment alone only
    knows a number.
    """
    text = claim.text
    q = claim.quantity
    if q is not None and claim.start <= q.start and q.end <= claim.end:
        text = text[: q.start - claim.start] + " " + text[q.end - claim.start:]
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if w.lower() not in _TOPICLESS]
    return len(words) >= 2


def retrieval_text(claim: Claim, claims: Sequence[Claim]) -> str:
    """The whole sentence when it carries one claim (its topic may sit outside the clause:
    "..., according to 79% of members"); the clause when the sentence holds several.

    `claims` are all the claims of the claim's article, in text order.
    """
    siblings = sum(1 for c in claims if c.sentence_start == claim.sentence_start)
    # A baseline clause ("up from 47% a year earlier") names no topic: its sentence does.
    # Nor does a fragment that only continues the clause before ("..., from 16.5% to 12.6%").
    text = claim.sentence if siblings == 1 or is_baseline_clause(claim.text) or not names_a_topic(claim) else claim.text
    if _ANAPHORIC_START.match(claim.sentence):
        # "That was a fall of 36%": what fell is in the sentence before; without it the
        # embedding only knows "a fall".
        before = [c.sentence for c in claims if c.sentence_end <= claim.sentence_start]
        if before:
            text = before[-1] + " " + text
    return text


def is_retrievable(claim: Claim) -> bool:
    """Only a checkable claim with a figure, or a direction or a record without one ("a steady
    increase since 2005", "the hottest year on record": claims/direction_only.py,
    claims/records.py), is looked up among the sources."""
    return claim.checkable and (claim.quantity is not None or bool(claim.direction) or claim.measure == "rank")


def retrieval_texts(claims: Sequence[Claim]) -> list[str]:
    """The texts embedded to retrieve candidates for an article's retrievable claims, in order."""
    return [retrieval_text(c, claims) for c in claims if is_retrievable(c)]


def texts_to_embed(per_doc: Sequence[Sequence[Claim]], *, retrieval: bool) -> list[str]:
    """Every distinct text a batch of articles needs a vector for: the claim sentences
    (check-worthiness) and, when sources are indexed (`retrieval`), the retrieval texts,
    which are mostly the same sentences. Sorted, so every path encodes the same list."""
    texts = {c.sentence for claims in per_doc for c in claims}
    if retrieval:
        texts.update(t for claims in per_doc for t in retrieval_texts(claims))
    return sorted(texts)
