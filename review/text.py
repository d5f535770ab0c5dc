"""Cutting an article's stored text around claims, for highlighting.

`start_char`/`end_char` index the article's stored text. The functions here return
plain strings split at those offsets; the templates escape every piece, so a claim
is marked up without ever trusting the article text as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _span(text: str, claim: Mapping[str, Any]) -> tuple[int, int] | None:
    """The claim's offsets if they are usable, else where its text occurs, else None."""
    start, end = claim.get("start_char"), claim.get("end_char")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return start, end
    claim_text = claim.get("claim_text") or ""
    found = text.find(claim_text) if claim_text else -1
    return (found, found + len(claim_text)) if found >= 0 else None


def paragraph_around(text: str, claim: Mapping[str, Any]) -> dict[str, Any]:
    """The paragraph holding the claim, split into before / claim / after.

    Paragraphs are separated by blank lines, or by single newlines in texts that
    have no blank lines. If the offsets do not fit the text, the claim's sentence
    is shown unhighlighted and `located` is False.
    """
    span = _span(text, claim)
    if span is None:
        return {
            "before": claim.get("sentence") or "",
            "claim": "",
            "after": "",
            "located": False,
            "start": None,
            "end": None,
        }
    start, end = span
    seps = [(m.start(), m.end()) for m in _BLANK_LINE.finditer(text)] or [
        (m.start(), m.end()) for m in re.finditer(r"\n", text)
    ]
    p_start = max((e for s, e in seps if e <= start), default=0)
    p_end = min((s for s, e in seps if s >= end), default=len(text))
    return {
        "before": text[p_start:start].lstrip(),
        "claim": text[start:end],
        "after": text[end:p_end].rstrip(),
        "located": True,
        "start": start,
        "end": end,
    }


def segments(text: str, claims: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The whole text as a list of pieces, each either plain or one claim.

    Claims are taken in text order; a claim overlapping an earlier one is left
    unmarked in the text (it is still listed under the article).
    """
    spans: list[tuple[int, int, Mapping[str, Any]]] = []
    for c in claims:
        span = _span(text, c)
        if span is not None:
            spans.append((span[0], span[1], c))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[dict[str, Any]] = []
    pos = 0
    for start, end, c in spans:
        if start < pos:
            continue
        if start > pos:
            out.append({"text": text[pos:start], "claim_id": None, "verdict": None})
        out.append(
            {
                "text": text[start:end],
                "claim_id": c["claim_id"],
                "verdict": c.get("verdict"),
                "reviewed": bool(c.get("reviewed")),
            }
        )
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "claim_id": None, "verdict": None})
    return out
