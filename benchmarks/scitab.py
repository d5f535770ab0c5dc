"""External anchor for tables as evidence: SciTab (scientific claims checked against tables).

    python -m benchmarks.scitab /path/to/scitab               # every row of test.jsonl
    python -m benchmarks.scitab /path/to/scitab --sample 400  # a fixed-seed sample (seed 17)
    python -m benchmarks.scitab DIR --json out.json

SciTab (Lu et al., EMNLP 2023; MIT licence) is read from the folder given (`test.jsonl`);
nothing of it is copied into the repository. It is an evaluation-only set: every row is
scored, the `half` field's two halves are also reported separately, and nothing here was
tuned on it.

What runs, for every row: the table (caption, column names, rows; SciGen markup such as
"[BOLD]" dropped, "[EMPTY]" cells left empty) becomes a `sources.tables.Table` and its
statements, one per cell ("Caption, row header, column header: value."), exactly as a
spreadsheet or PDF table is read by `claimdesk sources add`; the claim goes through the
product's extractor, and each claim is ranked and judged against that row's table
statements by the pipeline's matching and judge (the machinery of
`benchmarks.claim_evidence.judge_items`, unchanged).

Verdicts to SciTab labels, fixed before any run: a row's claims that are not `not_checkable`
decide it; any `contradicted` or `misrepresented` -> refutes (REFUTED); all `supported` ->
supports (SUPPORTED); anything else (`unverifiable`, no checkable claim: most SciTab claims
compare systems in words, "X outperforms Y", with no figure to check) -> not enough info (NEI).

Printed: n, accuracy, macro-F1 over the three labels, the confusion matrix, the majority
baseline, the same on the claims that hold a digit, and the published context from the
data's README. The last stdout line is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path
from typing import Any

from benchmarks.claim_evidence import Item, aggregate, judge_items, majority, score
from benchmarks.claim_evidence import _print_block as print_block
from sources.tables import from_grid, sentence_text, statements

LABELS = ("SUPPORTED", "REFUTED", "NEI")
SEED = 17
_DECISION = {"supported": "SUPPORTED", "refuted": "REFUTED", "not_enough": "NEI"}
_MARKUP = re.compile(r"\[(?:BOLD|ITALIC|EMPTY|CONTINUE)\]\s*")
PUBLISHED = [
    "SciTab (Lu et al. 2023), 3-class macro-F1 on all 1,224 claims: every model except GPT-4 near",
    "random (the README lists no exact figures; an aggregator's best of ~65 macro-F1 is unverified).",
    "Chance with three balanced classes: macro-F1 ~ 33.",
]


def clean_cell(cell: str) -> str:
    return " ".join(_MARKUP.sub("", cell or "").split())


def table_text(row: dict[str, Any]) -> str:
    """A SciTab table as the text of its statements, one per cell, as the readers make them."""
    grid = [[clean_cell(c) for c in row["table_column_names"]]]
    grid += [[clean_cell(c) for c in r] for r in row["table_content_values"]]
    table = from_grid(grid, title=clean_cell(row.get("table_caption") or ""), fmt="scitab", header_count=1)
    if table is None:
        return ""
    return "\n\n".join(sentence_text(s.text) for s in statements(table))


def load_items(folder: Path) -> list[tuple[Item, str]]:
    """Each row as an Item (claim, its table's statements, gold label) with its `half`."""
    out = []
    with (folder / "test.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                claim = clean_cell(r["claim"])
                out.append((Item(r["id"], claim, table_text(r), r["label"], numerical=bool(r.get("has_digit"))),
                            r.get("half", "")))
    return out


def predicted(item: Item) -> str:
    return _DECISION[aggregate(item.verdicts)]


def report(items: list[Item], halves: list[str]) -> dict[str, Any]:
    gold = [it.gold for it in items]
    pred = [predicted(it) for it in items]
    out: dict[str, Any] = {"all": score(gold, pred, LABELS), "majority": majority(gold, LABELS)}
    print_block("scitab, all rows", out["all"], out["majority"], LABELS)
    for name, keep in (("digit", [it.numerical for it in items]), *(
            (f"half={h}", [x == h for x in halves]) for h in sorted(set(halves)) if h)):
        g = [x for x, k in zip(gold, keep, strict=True) if k]
        p = [x for x, k in zip(pred, keep, strict=True) if k]
        out[name], out[name + "_majority"] = score(g, p, LABELS), majority(g, LABELS)
        print_block(f"scitab, {'claims with a digit' if name == 'digit' else name}", out[name], out[name + "_majority"],
                    LABELS)
    out["predicted"] = {k: pred.count(k) for k in LABELS}
    out["rows_with_checkable_claim"] = sum(1 for it in items if any(v != "not_checkable" for v in it.verdicts))
    print(f"\n   predicted {out['predicted']}; rows with a checkable claim: {out['rows_with_checkable_claim']}"
          f" of {len(items)}")
    print("\n   published (from the data set's README):")
    for line in PUBLISHED:
        print("     " + line)
    out["rows"] = [{"id": it.id, "gold": g, "predicted": p, "verdicts": it.verdicts}
                   for it, g, p in zip(items, gold, pred, strict=True)]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scitab", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the SciTab folder (test.jsonl)")
    ap.add_argument("--sample", type=int, help=f"a random sample of N rows (seed {SEED}) when the full set is too slow")
    ap.add_argument("--json", metavar="FILE", help="also write the figures and every row's verdicts here")
    a = ap.parse_args(argv)
    if not (a.folder / "test.jsonl").exists():
        raise SystemExit(f"{a.folder}: no test.jsonl (the SciTab folder)")
    from benchmarks._common import header_lines, write_report
    from claimdesk.settings import REPO_CONFIG, load_settings

    for line in header_lines():
        print(line, flush=True)
    t0 = time.perf_counter()
    rows = load_items(a.folder)
    if a.sample and a.sample < len(rows):
        rows = sorted(random.Random(SEED).sample(rows, a.sample), key=lambda r: r[0].id)
    items, halves = [r[0] for r in rows], [r[1] for r in rows]
    times = judge_items(items, load_settings(REPO_CONFIG))
    print(f"dataset   scitab (test.jsonl), {len(items)} rows{f' (sample, seed {SEED})' if a.sample else ''}; seconds "
          + ", ".join(f"{k} {v:.1f}" for k, v in times.items()), flush=True)
    out = report(items, halves)
    out.update({"sample": a.sample, "seed": SEED if a.sample else None})
    write_report(out, t0, a.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
