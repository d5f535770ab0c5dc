"""Vlachos & Riedel (2015) statistical claims: our tolerance rules against the human labels.

    python -m benchmarks.vlachos /work/shared/eval/external/vlachos2015_statistical_claims --split dev
    python -m benchmarks.vlachos /work/shared/eval/external/vlachos2015_statistical_claims --split test
    python -m benchmarks.vlachos DATA_DIR --split test --tolerance 0.05   # a fixed tolerance instead

Each row is a web sentence that states a number for a (region, property) pair, with the
Freebase value for that pair (`kb_value`). The claimed figure is parsed from the
sentence with `claims.quantities.find_quantities` at the `<number>` slot of
`sentence_tagged` (so "about 4.5 million" keeps its hedge and "10.7 million" its
rounding interval); when a row has no slot, the quantity in the sentence whose value
is `claimed_value`; failing both, `claimed_value` as written. The decision is
`agrees()`: the claim's interval, widened by a relative tolerance
(`claims.quantities.with_tolerance`), holds the reference value
(`claims.judge.values_match`).

What the human label means: the data has no true/false verdict on the value. The
authors labelled whether the sentence really states that property for that region
(`claim` / `not_claim`; `unsure` and unlabelled rows are left out). The paper's own
method uses closeness of the number to the knowledge-base value as its signal for
this, so the benchmark asks: how well does "the figure agrees with the reference
value" predict "a human says this sentence states that statistic"? Accuracy, and
precision / recall / F1 of "agree" against `claim`, for relative tolerances 0 … 0.2
(recall is the share of `claim` rows whose figure agrees with the reference). Beside
them, the same decision on the data's bare `relative_error` (no rounding, no hedges).

Without `--tolerance`, the tolerance is the one with the best accuracy on dev (ties:
the smaller), chosen on dev even when `--split test` is asked for; the test table is
printed for reference only. The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from claims.judge import values_match
from claims.model import Quantity
from claims.quantities import find_quantities, with_tolerance

TOLERANCES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)
POSITIVE, NEGATIVE = "claim", "not_claim"

_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_TAG_RE = re.compile(r"</?number>|</?location>|-[LR][RSC]B-")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- the decision --------------------------------------------------------------------


def reference_quantity(value: float, unit: str) -> Quantity:
    """The knowledge-base figure as an exact quantity in the claim's unit (only values are compared)."""
    return Quantity(value=float(value), low=float(value), high=float(value), unit=unit, text=f"{value:g}", start=0, end=0)


def agrees(claim: Quantity, reference: float, tolerance: float = 0.0) -> bool:
    """Whether the claimed figure fits the reference value under our rules.

    The claim's interval comes from its rounding and hedge ("10.7 million" holds
    10,650,000-10,750,000; "about 4.5 million" holds 4.275-4.725 million); a relative
    tolerance widens it by that share of the claimed value either side.
    """
    return values_match(with_tolerance(claim, tolerance), reference_quantity(reference, claim.unit))


# --- the claimed figure --------------------------------------------------------------


def untag(tagged: str) -> tuple[str, list[tuple[int, int]]]:
    """The sentence without slot tags (PTB brackets restored) and the outermost <number> spans in it."""
    out: list[str] = []
    slots: list[tuple[int, int]] = []
    opened: list[int] = []
    pos = n = 0
    for m in _TAG_RE.finditer(tagged):
        out.append(tagged[pos : m.start()])
        n += m.start() - pos
        pos = m.end()
        tag = m.group(0)
        if tag == "<number>":
            opened.append(n)
        elif tag == "</number>":
            if opened:
                start = opened.pop()
                if not opened:
                    slots.append((start, n))
        elif tag in _BRACKETS:
            out.append(_BRACKETS[tag])
            n += 1
    out.append(tagged[pos:])
    return "".join(out), slots


def _rel_diff(q: Quantity, value: float) -> float:
    return abs(q.value - value) / max(abs(value), 1e-12)


def _written(value: float) -> Quantity:
    """A bare value read as if written in digits (its rounding interval from its decimals)."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    found = find_quantities(text)
    if len(found) == 1 and found[0].value == value:
        return found[0]
    return reference_quantity(value, "count")


def claim_quantity(tagged: str | None, claimed_value: float) -> tuple[Quantity, str]:
    """The claimed figure and where it came from: 'slot', 'text' or 'value'.

    'slot': the quantity parsed at a <number> slot (if several, the one nearest the
    extractor's `claimed_value`); 'text': no slot, the quantity in the sentence whose value
    is `claimed_value`; 'value': `claimed_value` itself, read as written digits.
    """
    if tagged:
        text, slots = untag(tagged)
        found = find_quantities(text)
        at_slot = [q for q in found if any(q.start < e and s < q.end for s, e in slots)]
        if at_slot:
            return min(at_slot, key=lambda q: _rel_diff(q, claimed_value)), "slot"
        same = [q for q in found if q.value == claimed_value and not q.vague]
        if same:
            return same[0], "text"
    return _written(claimed_value), "value"


# --- scoring -------------------------------------------------------------------------


def load_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def prepare(rows: list[dict]) -> tuple[list[dict], Counter]:
    """Binary-labelled rows with their claimed quantity; counts of labels and claim sources."""
    out: list[dict] = []
    counts: Counter = Counter()
    for r in rows:
        counts[f"label:{r.get('label')}"] += 1
        if r.get("label") not in (POSITIVE, NEGATIVE) or r.get("kb_value") is None:
            continue
        q, source = claim_quantity(r.get("sentence_tagged") or r.get("sentence"), float(r["claimed_value"]))
        counts[f"source:{source}"] += 1
        if _rel_diff(q, float(r["claimed_value"])) > 0.01:
            counts["parsed_differs_from_claimed_value"] += 1
        if q.hedge:
            counts["hedged"] += 1
        out.append({**r, "_q": q, "_gold": r["label"] == POSITIVE})
    return out, counts


def scores(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(gold), 1)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"accuracy": round(acc, 4), "P": round(p, 4), "R": round(r, 4), "F1": round(f1, 4)}


def raw_relative_error(row: dict) -> float:
    """|claimed_value - kb_value| / |kb_value|, the data's own relative error (no rounding, no hedge)."""
    kb = float(row["kb_value"])
    return abs(float(row["claimed_value"]) - kb) / abs(kb) if kb else float("inf")


def evaluate(rows: list[dict], tolerance: float) -> dict:
    gold = [r["_gold"] for r in rows]
    pred = [agrees(r["_q"], float(r["kb_value"]), tolerance) for r in rows]
    raw = [raw_relative_error(r) <= tolerance for r in rows]
    return {
        "tolerance": tolerance,
        **scores(gold, pred),
        "raw_relative_error": scores(gold, raw),
    }


def table(rows: list[dict], tolerances: tuple[float, ...]) -> list[dict]:
    return [evaluate(rows, t) for t in tolerances]


def choose(dev_table: list[dict]) -> float:
    """The tolerance with the best dev accuracy; ties go to the smaller tolerance."""
    return max(dev_table, key=lambda r: (r["accuracy"], -r["tolerance"]))["tolerance"]


def per_property(rows: list[dict], tolerance: float) -> dict[str, dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["property"]].append(r)
    return {k: {"n": len(v), **evaluate(v, tolerance)} for k, v in sorted(groups.items())}


def _log_table(name: str, tab: list[dict]) -> None:
    log(f"{name}: tolerance  accuracy      P      R     F1   (raw relative error: accuracy    F1)")
    for r in tab:
        raw = r["raw_relative_error"]
        log(
            f"{'':6s}{r['tolerance']:>9.2f}  {r['accuracy']:8.3f} {r['P']:6.3f} {r['R']:6.3f} {r['F1']:6.3f}"
            f"   {'':21s}{raw['accuracy']:.3f} {raw['F1']:.3f}"
        )


def run(data_dir: Path, split: str, tolerance: float | None) -> dict:
    t0 = time.perf_counter()
    rows, counts = prepare(load_rows(data_dir / f"{split}.jsonl"))
    log(f"{data_dir.name} [{split}]: {len(rows)} rows labelled claim/not_claim; {dict(sorted(counts.items()))}")
    tab = table(rows, TOLERANCES)
    if tolerance is None:
        if split == "dev":
            dev_tab = tab
        else:
            dev_rows, _ = prepare(load_rows(data_dir / "dev.jsonl"))
            dev_tab = table(dev_rows, TOLERANCES)
            _log_table("dev", dev_tab)
        chosen, how = choose(dev_tab), "best dev accuracy"
    else:
        chosen, how = tolerance, "given"
    _log_table(split, tab)
    at = evaluate(rows, chosen)
    gold = [r["_gold"] for r in rows]
    majority = max(sum(gold), len(gold) - sum(gold)) / max(len(gold), 1)
    log(f"tolerance {chosen} ({how}): {split} accuracy {at['accuracy']:.3f}  P {at['P']:.3f}  R {at['R']:.3f}  "
        f"F1 {at['F1']:.3f}   (majority class {majority:.3f})")
    props = per_property(rows, chosen)
    log("by property (n, accuracy, F1): " + "; ".join(
        f"{k} {v['n']} {v['accuracy']:.2f} {v['F1']:.2f}" for k, v in props.items()))
    return {
        "dataset": data_dir.name,
        "split": split,
        "n": len(rows),
        "positives": sum(gold),
        "tolerance": chosen,
        "tolerance_choice": how,
        "accuracy": at["accuracy"],
        "P": at["P"],
        "R": at["R"],
        "F1": at["F1"],
        "majority_accuracy": round(majority, 4),
        "raw_relative_error_at_tolerance": at["raw_relative_error"],
        "by_tolerance": [{k: v for k, v in r.items() if k != "raw_relative_error"} for r in tab],
        "counts": dict(sorted(counts.items())),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir", type=Path, help="folder with dev.jsonl / test.jsonl")
    ap.add_argument("--split", choices=("dev", "test"), default="test")
    ap.add_argument("--tolerance", type=float, default=None,
                    help="relative tolerance to report at (default: the best on dev)")
    args = ap.parse_args(argv)
    needed = [args.split] + (["dev"] if args.tolerance is None else [])
    for split in needed:
        if not (args.data_dir / f"{split}.jsonl").exists():
            print(f"{args.data_dir}: no {split}.jsonl", file=sys.stderr)
            return 2
    if args.tolerance is not None and args.tolerance < 0:
        print("--tolerance must be >= 0", file=sys.stderr)
        return 2
    print(json.dumps(run(args.data_dir, args.split, args.tolerance)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
