"""The one translation between the claim model and database rows, both ways.

`check` judges fresh claims against statements read back from the database, and
`recheck` judges claims read back against the same statements; if a row lost part of a
`Quantity` (whether a bound is inclusive, its kind, scale, or whether it is vague), the
two could judge one claim differently ("well over 40%" against "at most 40%": a
conflict fresh, a match after the round trip, issue #13). So every field is written
and read here, and nowhere else: `claim_to_row(c)` and `claim_from_row(row)` give back
an equal `Claim`, and `quantity_from_row(quantity_to_row(q))` an equal `Quantity`.

Pure functions over dicts keyed by column name; the column types are listed next to
them so the writer can declare its bulk input without repeating the names.

Rows written before the lossless columns existed (migration 2) hold NULL there; they
are read as they always were: inclusiveness guessed from the hedge, the quantity's span
taken to be the claim's, kind "number", scale 1, not vague. Re-checking or re-indexing
rewrites them whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from claims.model import Claim, Quantity

Row = Mapping[str, Any]

# Column -> DuckDB type, in the order the columns are written.
QUANTITY_TYPES: dict[str, str] = {
    "quantity_text": "VARCHAR", "value": "DOUBLE", "low": "DOUBLE", "high": "DOUBLE", "unit": "VARCHAR",
    "hedge": "VARCHAR", "quantity_start": "INTEGER", "quantity_end": "INTEGER", "low_inclusive": "BOOLEAN",
    "high_inclusive": "BOOLEAN", "vague": "BOOLEAN", "scale": "DOUBLE", "quantity_kind": "VARCHAR",
}
ROLE_TYPES: dict[str, str] = {
    "measure": "VARCHAR", "direction": "VARCHAR", "subject": "VARCHAR", "predicate": "VARCHAR",
    "population": "VARCHAR", "period": "VARCHAR", "attribution": "VARCHAR", "measured": "VARCHAR",
}
# `claims`, without its keys (claim_id, article_id) and bookkeeping (extractor, created_at).
CLAIM_TYPES: dict[str, str] = {
    "sentence": "VARCHAR", "sentence_start": "INTEGER", "sentence_end": "INTEGER", "claim_text": "VARCHAR",
    "start_char": "INTEGER", "end_char": "INTEGER", "claim_type": "VARCHAR", "checkworthiness": "DOUBLE",
    "checkable": "BOOLEAN", "not_checkable_reason": "VARCHAR", "in_quote": "BOOLEAN",
    **QUANTITY_TYPES, **ROLE_TYPES, "period_words": "VARCHAR", "period_resolved": "VARCHAR",
    "role": "VARCHAR", "related_start": "INTEGER",
}
# `source_statements`, likewise. A statement keeps what the judge compares: the finding's
# span and sentence, its quantity and roles (a source's findings are all checkable).
STATEMENT_TYPES: dict[str, str] = {
    "text": "VARCHAR", "start_char": "INTEGER", "end_char": "INTEGER", "finding_text": "VARCHAR",
    "sentence_start": "INTEGER", "sentence_end": "INTEGER", **QUANTITY_TYPES, **ROLE_TYPES,
}

# How rows written before migration 2 were read: inclusiveness guessed from the hedge.
_OPEN_LOW = re.compile(r"more than|over|above|just over|in excess")
_OPEN_HIGH = re.compile(r"nearly|almost|just under|less than|fewer than|under|below")


# --- quantities ---------------------------------------------------------------------------

def quantity_to_row(q: Quantity | None) -> dict[str, Any]:
    """Every field of `q` as columns (all NULL for no quantity). An infinite upper bound is NULL."""
    if q is None:
        return dict.fromkeys(QUANTITY_TYPES)
    return {
        "quantity_text": q.text, "value": q.value, "low": q.low, "high": None if q.high == math.inf else q.high,
        "unit": q.unit, "hedge": q.hedge, "quantity_start": q.start, "quantity_end": q.end,
        "low_inclusive": q.low_inclusive, "high_inclusive": q.high_inclusive, "vague": q.vague, "scale": q.scale,
        "quantity_kind": q.kind,
    }


def quantity_from_row(row: Row, span: tuple[int, int] = (0, 0)) -> Quantity | None:
    """The `Quantity` of a row, or None when it has no value.

    `span` is the claim's (start, end): where a row written before migration 2 says the
    quantity is, since it did not record the quantity's own offsets.
    """
    value = row["value"]
    if value is None:
        return None
    hedge = row["hedge"]
    legacy = (hedge or "").lower()
    return Quantity(
        value=value,
        low=value if row["low"] is None else row["low"],
        high=math.inf if row["high"] is None else row["high"],
        unit=row["unit"] or "",
        text=row["quantity_text"] or "",
        start=_or(row.get("quantity_start"), span[0]),
        end=_or(row.get("quantity_end"), span[1]),
        hedge=hedge,
        low_inclusive=_or(row.get("low_inclusive"), not _OPEN_LOW.match(legacy)),
        high_inclusive=_or(row.get("high_inclusive"), not _OPEN_HIGH.match(legacy)),
        vague=_or(row.get("vague"), False),
        scale=_or(row.get("scale"), 1.0),
        kind=_or(row.get("quantity_kind"), "number"),
    )


def _or(stored: Any, fallback: Any) -> Any:
    return fallback if stored is None else stored


# --- claims and statements -------------------------------------------------------------------

def _roles_to_row(c: Claim) -> dict[str, Any]:
    return {"measure": c.measure, "direction": c.direction, "subject": c.subject, "predicate": c.predicate,
            "population": c.population, "period": c.period, "attribution": c.attribution, "measured": c.measured or None}


def _roles_from_row(row: Row) -> dict[str, Any]:
    return {"measure": row["measure"] or "none", "direction": row["direction"], "subject": row["subject"] or "",
            "predicate": row["predicate"] or "", "population": row["population"] or "", "period": row["period"],
            "attribution": row["attribution"], "measured": row.get("measured") or ""}


def claim_to_row(c: Claim) -> dict[str, Any]:
    """A claim as its `claims` columns (keys and bookkeeping aside)."""
    return {
        "sentence": c.sentence, "sentence_start": c.sentence_start, "sentence_end": c.sentence_end,
        "claim_text": c.text, "start_char": c.start, "end_char": c.end, "claim_type": c.claim_type,
        "checkworthiness": c.checkworthiness, "checkable": c.checkable, "not_checkable_reason": c.reason or None,
        "in_quote": c.in_quote, **quantity_to_row(c.quantity), **_roles_to_row(c),
        "period_words": c.period_words, "period_resolved": c.period_resolved,
        "role": c.role, "related_start": c.related_start,
    }


def claim_from_row(row: Row) -> Claim:
    """The `Claim` a `claims` row holds; equal to the one `claim_to_row` was given."""
    start, end = row["start_char"], row["end_char"]
    return Claim(
        text=row["claim_text"], start=start, end=end, sentence=row["sentence"],
        sentence_start=row["sentence_start"], sentence_end=row["sentence_end"],
        quantity=quantity_from_row(row, (start, end)), **_roles_from_row(row),
        claim_type=row["claim_type"], checkworthiness=row["checkworthiness"] or 0.0, checkable=bool(row["checkable"]),
        reason=row["not_checkable_reason"] or "", in_quote=bool(row.get("in_quote")),
        period_words=row.get("period_words"), period_resolved=row.get("period_resolved"),
        role=row.get("role") or "main", related_start=row.get("related_start"),
    )


def statement_to_row(f: Claim) -> dict[str, Any]:
    """A source finding as its `source_statements` columns (keys and bookkeeping aside)."""
    return {
        "text": f.sentence, "start_char": f.start, "end_char": f.end, "finding_text": f.text,
        "sentence_start": f.sentence_start, "sentence_end": f.sentence_end,
        **quantity_to_row(f.quantity), **_roles_to_row(f),
    }


def statement_from_row(row: Row) -> Claim:
    """The finding a `source_statements` row holds, as a `Claim` the judge compares with claims.

    Rows written before migration 2 have no sentence offsets: the finding's span stands in.
    """
    start, end = row["start_char"], row["end_char"]
    return Claim(
        text=row["finding_text"] or row["text"], start=start, end=end, sentence=row["text"],
        sentence_start=_or(row.get("sentence_start"), start), sentence_end=_or(row.get("sentence_end"), end),
        quantity=quantity_from_row(row, (start, end)), **_roles_from_row(row),
    )
