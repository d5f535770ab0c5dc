"""Table-driven tests of the quantity parser against real-world news phrasings.

The table (tests/quantity_cases.tsv) has one row per expected quantity. Every phrase must
yield exactly the quantities listed for it, in order, with the exact text, value,
interval (bounds and inclusivity), unit, hedge and kind; a row whose text is "-" says
the phrase holds no quantity at all. `benchmarks/quantities.py` reads the same table.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from claims.quantities import find_quantities, hedge_interval, parse_number, render_interval

CASES_PATH = Path(__file__).with_name("quantity_cases.tsv")
COLUMNS = ("phrase", "text", "value", "interval", "unit", "hedge", "kind", "note")

_OPS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.USub: operator.neg, ast.UAdd: operator.pos,
}


def number(cell: str) -> float:
    """A table number: '58', '11.8e9', 'inf', '-inf' or simple arithmetic such as '100/3-1'."""
    cell = cell.strip()
    if cell.lstrip("+-") == "inf":
        return -math.inf if cell.startswith("-") else math.inf

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.operand))
        raise ValueError(f"not a table number: {cell!r}")

    return ev(ast.parse(cell, mode="eval"))


@dataclass(frozen=True)
class Expected:
    text: str
    value: float
    low: float
    high: float
    low_inclusive: bool
    high_inclusive: bool
    unit: str
    hedge: str | None
    kind: str
    note: str


def parse_interval(cell: str) -> tuple[float, float, bool, bool]:
    cell = cell.strip()
    if cell[0] not in "[(" or cell[-1] not in "])":
        raise ValueError(f"bad interval {cell!r}")
    lo, hi = cell[1:-1].split(",")
    return number(lo), number(hi), cell[0] == "[", cell[-1] == "]"


def load_cases(path: Path = CASES_PATH) -> dict[str, list[Expected]]:
    """Phrase -> the quantities it must yield, in table order (an empty list: none)."""
    cases: dict[str, list[Expected]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("phrase\t"):
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{path.name}:{lineno}: {len(cells)} columns, expected {len(COLUMNS)}")
        row = dict(zip(COLUMNS, cells, strict=True))
        expected = cases.setdefault(row["phrase"], [])
        if row["text"] == "-":
            continue
        low, high, li, hi = parse_interval(row["interval"])
        expected.append(Expected(row["text"], number(row["value"]), low, high, li, hi, row["unit"],
                                 row["hedge"] or None, row["kind"], row["note"]))
    return cases


def close(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


CASES = load_cases()


def test_table_is_big_enough():
    rows = sum(max(1, len(v)) for v in CASES.values())
    assert rows >= 150
    assert sum(1 for v in CASES.values() if not v) >= 40, "exclusions are a large part of the table"


@pytest.mark.parametrize("phrase", list(CASES), ids=[p[:60] for p in CASES])
def test_phrase(phrase: str):
    expected = CASES[phrase]
    got = find_quantities(phrase)
    assert [q.text for q in got] == [e.text for e in expected]
    for q, e in zip(got, expected, strict=True):
        assert phrase[q.start:q.end] == q.text
        fields = (q.value, q.low, q.high, q.low_inclusive, q.high_inclusive, q.unit, (q.hedge or "").lower(), q.kind)
        want = (e.value, e.low, e.high, e.low_inclusive, e.high_inclusive, e.unit, (e.hedge or "").lower(), e.kind)
        ok = all(close(a, b) if isinstance(a, float) and not isinstance(a, bool) else a == b
                 for a, b in zip(fields, want, strict=True))
        assert ok, f"{q.text!r}: got {q.value} {render_interval(q)} {q.unit} {q.hedge} {q.kind}, want {want} ({e.note})"


# --- behaviours the pipeline relies on, pinned separately from the table ------------

def test_seed_increase_is_one_quantity():
    qs = find_quantities("plastic surgeons reported a 58% increase in bookings and treatments in 2022.")
    assert len(qs) == 1
    q = qs[0]
    assert (q.value, q.low, q.high, q.unit) == (58, 57.5, 58.5, "percent")


@pytest.mark.parametrize(("text", "low", "high", "li", "hi"), [
    ("Three-quarters", 74, 76, True, True),
    ("Nearly 80%", 75, 80, True, False),
    ("close to 75%", 72.5, 77.5, True, True),
    ("More than 75%", 75, 100, False, True),
])
def test_pinned_intervals(text, low, high, li, hi):
    (q,) = find_quantities(text)
    assert (q.low, q.high, q.low_inclusive, q.high_inclusive) == (low, high, li, hi)


def test_millions_of_is_vague():
    (q,) = find_quantities("With millions of views on TikTok")
    assert q.vague and q.text == "millions"


def test_between_money_is_one_range():
    (q,) = find_quantities("between $10 and $20")
    assert (q.low, q.high, q.unit, q.kind) == (10, 20, "currency:USD", "range")


@pytest.mark.parametrize(("text", "value"), [
    ("1,234.5", 1234.5), ("fifty-eight", 58), ("twenty one", 21), ("two hundred and five", 205), ("nope", None),
    ("-3.5", -3.5), ("−3.5", -3.5),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_hedge_interval_keeps_value_inside():
    # Percentages above 100 (changes) and negative values are not clipped past the value itself.
    assert hedge_interval(150, 149.5, 150.5, "more than", percent=True)[:2] == (150, math.inf)
    lo, hi, _, _ = hedge_interval(-4, -4.5, -3.5, "up to", percent=True)
    assert lo <= -4 <= hi


@pytest.mark.parametrize("text", [
    "one hundred " * 500,  # a chain of number words that is not one number (once overflowed)
    "9" * 400 + " people",  # digits beyond float range
    "1" * 500 + "%",
    "1-2-3-" * 500,
    "between 1 and " * 500,
])
def test_pathological_inputs(text: str):
    for q in find_quantities(text):
        assert math.isfinite(q.value) and q.low <= q.value <= q.high
        assert text[q.start:q.end] == q.text
