"""The field-by-field comparison of a claim with an evidence statement.

A claim and a source statement share the same fields (the claim model), so the
editor sees them side by side. The rows, their headings and descriptions come from the
judge's own table of field comparisons (`claims/rules.py` FIELDS), so a field the judge
compares is a row here without a second list. For the statement the judge used, the
judge's own agree/disagree lists decide each row; for other candidates a plain
comparison (overlapping intervals, same words) gives a hint, labelled as such.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from claims.relative_time import periods_overlap
from claims.rules import DESK_FIELDS
from claims.rules import FIELDS as JUDGED_FIELDS

# (field, label) of each row, in the judge's table order.
FIELDS: tuple[tuple[str, str], ...] = tuple((f.name, f.label) for f in DESK_FIELDS)
_DESCRIPTIONS = {f.name: f.description for f in DESK_FIELDS}
# A judged field shown inside another field's row (the unit in the value's, the direction in
# the measure's); "quantity", "who" and "when" are names early verdict rows may carry.
_ALIASES = {f.name: f.shown_in for f in JUDGED_FIELDS} | {"quantity": "value", "who": "population", "when": "period"}
_UNITS = {"percent": "%", "percentage points": " pp", "count": ""}
_CURRENCIES = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥"}


def _num(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"


def quantity(row: Mapping[str, Any]) -> str | None:
    """How the figure reads: the claim's own words if stored, else value, unit and range."""
    if row.get("quantity_text"):
        text = str(row["quantity_text"])
    elif row.get("value") is not None:
        unit = row.get("unit") or ""
        number = _num(float(row["value"]))
        if unit.startswith("currency:"):
            code = unit.removeprefix("currency:")
            symbol = _CURRENCIES.get(code)
            text = f"{symbol}{number}" if symbol else f"{number} {code}"
        else:
            text = number + _UNITS.get(unit, f" {unit}" if unit else "")
        if row.get("hedge"):
            text = f"{row['hedge']} {text}"
    else:
        return None
    if row.get("direction"):
        text += f" ({row['direction']})"
    return text


def period(row: Mapping[str, Any]) -> str | None:
    """The claim's period as the judge compares it, beside the words it was resolved from:
    "2022 (last year)"; the words alone when the article has no publication date."""
    words, resolved = row.get("period_words"), row.get("period_resolved")
    if resolved:
        return f"{resolved} ({words})" if words else str(resolved)
    if words and not row.get("period"):
        return f"{words} (no publication date to resolve it)"
    return row.get("period")


def _norm(value: Any) -> str:
    return re.sub(r"[^a-z0-9%.]+", " ", str(value).lower()).strip()


def _interval(row: Mapping[str, Any]) -> tuple[float, float] | None:
    if row.get("value") is None and row.get("low") is None:
        return None
    low = row.get("low") if row.get("low") is not None else row.get("value")
    high = row.get("high") if row.get("high") is not None else row.get("value")
    return float(low), float(high)


def _plain_status(field: str, claim: Mapping[str, Any], evidence: Mapping[str, Any]) -> str:
    if field == "value":
        a, b = _interval(claim), _interval(evidence)
        if a is None and b is None:
            return "n/a"
        if a is None or b is None:
            return "missing"
        if claim.get("unit") and evidence.get("unit") and claim["unit"] != evidence["unit"]:
            return "disagree"
        return "agree" if max(a[0], b[0]) <= min(a[1], b[1]) else "disagree"
    if field == "period" and claim.get("period_resolved"):
        overlap = periods_overlap(claim["period_resolved"], evidence.get("period"))
        return "missing" if overlap is None else "agree" if overlap else "disagree"
    a_text, b_text = _norm(claim.get(field) or ""), _norm(evidence.get(field) or "")
    if not a_text and not b_text:
        return "n/a"
    if not a_text or not b_text:
        return "missing"
    return "agree" if a_text == b_text or a_text in b_text or b_text in a_text else "disagree"


def compare(
    claim: Mapping[str, Any],
    evidence: Mapping[str, Any] | None,
    agree: Sequence[str] | None = None,
    disagree: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per field: the claim's value, the evidence's value, and agree/disagree/missing/n/a.

    `agree`/`disagree` are the judge's lists for this very statement; pass None for
    any other candidate.
    """
    judged_agree = {_ALIASES.get(f, f) for f in agree or ()}
    judged_disagree = {_ALIASES.get(f, f) for f in disagree or ()}
    rows = []
    for field, label in FIELDS:
        claim_value = (quantity(claim) if field == "value" else period(claim) if field == "period"
                       else claim.get(field)) or None
        if evidence is None:
            rows.append(
                {
                    "field": field,
                    "label": label,
                    "description": _DESCRIPTIONS[field],
                    "claim": claim_value,
                    "evidence": None,
                    "status": "missing" if claim_value else "n/a",
                    "basis": "no evidence",
                }
            )
            continue
        evidence_value = (quantity(evidence) if field == "value" else evidence.get(field)) or None
        if field in judged_disagree:
            status, basis = "disagree", "judge"
        elif field in judged_agree:
            status, basis = "agree", "judge"
        else:
            status, basis = _plain_status(field, claim, evidence), "compared"
        rows.append(
            {
                "field": field,
                "label": label,
                "description": _DESCRIPTIONS[field],
                "claim": claim_value,
                "evidence": evidence_value,
                "status": status,
                "basis": basis,
            }
        )
    return rows
