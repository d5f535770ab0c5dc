"""Number-parsing benchmark: claimdesk's quantity parser and quantulum3 on the same table.

    python -m benchmarks.quantities [--cases tests/quantity_cases.tsv] [--repeat 5]
                                    [--quantulum-mode auto|classifier|plain] [--show-failures]

The table is the one tests/test_quantities.py pins (one row per expected quantity; a
phrase with no quantity is an exclusion: years, times, dates, ages, phone numbers, model
names, list numbering). Per phrase, and for each parser:

- value exact: the parser finds exactly the expected quantities, in order, with the
  expected values (relative tolerance 1e-9). Exclusions count as exact when nothing is
  found. For quantulum3, a dimensionless value v <= 1 also matches an expected
  percentage of 100*v ("three-quarters" -> 0.75 counts as 75%), to compare like with like.
- interval exact: value exact, and each interval (low, high, inclusivity) as expected.
  quantulum3 has no notion of rounding or hedges; its interval is value ± its reported
  uncertainty (ranges such as "20 to 29"), else the single value.
- exclusions clean: exclusion phrases where the parser finds nothing.
- phrases/s: the table's phrases over the median time of --repeat passes, after one
  warm-up pass (model and unit loading excluded, and reported separately for quantulum3).

quantulum3 is installed only with the `bench` extra. Its shipped unit classifier is a
scikit-learn pickle that does not load with the scikit-learn this project pins, so in
"classifier" mode (the default when its classifier extra is installed) it is retrained
once, offline, from the training data inside the package, and cached under
~/.cache/claimdesk-bench/. "plain" mode uses quantulum3's rule-based fallback. The last
line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claims.quantities import find_quantities
from tests.test_quantities import CASES_PATH, Expected, close, load_cases

CACHE_DIR = Path.home() / ".cache" / "claimdesk-bench"


@dataclass(frozen=True)
class Found:
    """One parser's quantity, reduced to what the table checks."""

    text: str
    values: tuple[float, ...]  # the value, and any equivalent reading (0.75 -> 75 for quantulum3)
    low: float
    high: float
    low_inclusive: bool
    high_inclusive: bool
    scale_for: tuple[float, ...]  # the factor that turns low/high into each reading of `values`


Parser = Callable[[str], list[Found]]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ours(text: str) -> list[Found]:
    return [Found(q.text, (q.value,), q.low, q.high, q.low_inclusive, q.high_inclusive, (1.0,)) for q in find_quantities(text)]


def quantulum_parser(mode: str) -> tuple[Parser, str, float]:
    """quantulum3's parse in the requested mode, a description of the mode, and its load time."""
    from quantulum3 import classifier, parser  # the bench extra only

    if mode == "auto":
        # Retraining needs quantulum3's classifier extra (scikit-learn and stemming).
        mode = "classifier" if classifier.USE_CLF and importlib.util.find_spec("stemming") else "plain"
    kwargs: dict[str, str] = {}
    t0 = time.perf_counter()
    if mode == "classifier":
        if not classifier.USE_CLF or not importlib.util.find_spec("stemming"):
            raise SystemExit("quantulum3's classifier extra is not installed: pip install 'quantulum3[classifier]'")
        import quantulum3
        import sklearn

        version = getattr(quantulum3, "__version__", "0")
        path = CACHE_DIR / f"quantulum3-{version}-sklearn-{sklearn.__version__}-clf.joblib"
        if not path.exists():
            log(f"quantulum3: retraining its unit classifier offline from the package's training data -> {path}")
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                classifier.train_classifier(store=True, output_path=str(path))
        kwargs["classifier_path"] = str(path)
        desc = "classifier (retrained offline from quantulum3's own training data)"
    else:
        classifier.USE_CLF = False  # rule-based disambiguation
        desc = "plain (no classifier)"

    def parse(text: str) -> list[Found]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            qs = sorted(parser.parse(text, **kwargs), key=lambda q: q.span[0])
        out = []
        for q in qs:
            v = float(q.value)
            u = float(q.uncertainty or 0.0)
            values, scales = [v], [1.0]
            if q.unit.name == "dimensionless" and 0 < v <= 1:
                values.append(100 * v)
                scales.append(100.0)
            out.append(Found(q.surface, tuple(values), v - u, v + u, True, True, tuple(scales)))
        return out

    parse("warm-up: 58% of 1.4 million people paid $11.8 billion.")
    return parse, desc, time.perf_counter() - t0


def judge(expected: list[Expected], found: list[Found]) -> tuple[bool, bool]:
    """(value exact, interval exact) for one phrase."""
    if len(expected) != len(found):
        return False, False
    value_ok = interval_ok = True
    for e, f in zip(expected, found, strict=True):
        readings = [i for i, v in enumerate(f.values) if close(v, e.value)]
        if not readings:
            return False, False
        k = f.scale_for[readings[0]]
        lo, hi = f.low * k, f.high * k
        if not (close(lo, e.low) and close(hi, e.high) and f.low_inclusive == e.low_inclusive
                and f.high_inclusive == e.high_inclusive):
            interval_ok = False
    return value_ok, interval_ok


def phrase_kind(expected: list[Expected]) -> str:
    return expected[0].kind if expected else "exclusion"


def evaluate(name: str, parse: Parser, cases: dict[str, list[Expected]], repeat: int) -> dict:
    results = {}
    for phrase, expected in cases.items():
        results[phrase] = (parse(phrase), *judge(expected, parse(phrase)))
    passes = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        for phrase in cases:
            parse(phrase)
        passes.append(time.perf_counter() - t0)
    elapsed = statistics.median(passes)  # the median pass: robust to a busy machine
    n = len(cases)
    with_q = [p for p, e in cases.items() if e]
    excl = [p for p, e in cases.items() if not e]
    by_kind: dict[str, list[bool]] = {}
    for p, e in cases.items():
        by_kind.setdefault(phrase_kind(e), []).append(results[p][1])
    return {
        "name": name,
        "value_exact": sum(r[1] for r in results.values()) / n,
        "interval_exact": sum(r[2] for r in results.values()) / n,
        "value_exact_quantities": sum(results[p][1] for p in with_q) / max(1, len(with_q)),
        "interval_exact_quantities": sum(results[p][2] for p in with_q) / max(1, len(with_q)),
        "exclusions_clean": sum(not results[p][0] for p in excl) / max(1, len(excl)),
        "phrases_per_s": n / elapsed if elapsed > 0 else math.inf,
        "by_kind": {k: (sum(v), len(v)) for k, v in sorted(by_kind.items())},
        "results": results,
    }


def show_failures(report: dict, cases: dict[str, list[Expected]], limit: int) -> None:
    bad = [(p, r[0]) for p, r in report["results"].items() if not r[2]]
    print(f"\n{report['name']}: {len(bad)} phrases not interval-exact (showing {min(limit, len(bad))})")
    for p, found in bad[:limit]:
        want = [(e.text, e.value, e.low, e.high) for e in cases[p]] or "nothing"
        got = [(f.text, f.values[0], f.low, f.high) for f in found] or "nothing"
        print(f"  {p}\n      want {want}\n      got  {got}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.quantities", description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=Path, default=CASES_PATH, help="the phrase table (default: tests/quantity_cases.tsv)")
    p.add_argument("--repeat", type=int, default=5, help="timed passes over the table per parser (default 5)")
    p.add_argument("--quantulum-mode", choices=("auto", "classifier", "plain"), default="auto",
                   help="quantulum3 with its (retrained) unit classifier, or rule-based only (default: classifier if installed)")
    p.add_argument("--show-failures", type=int, nargs="?", const=40, default=0, metavar="N",
                   help="list up to N phrases each parser gets wrong")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cases = load_cases(args.cases)
    try:
        shown = args.cases.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = args.cases
    n = len(cases)
    n_excl = sum(1 for e in cases.values() if not e)
    n_rows = sum(max(1, len(e)) for e in cases.values())
    print(f"quantity parsing: {n} phrases ({n - n_excl} with quantities, {n_excl} exclusions; {n_rows} table rows) from {shown}")

    reports = [evaluate("claimdesk", ours, cases, args.repeat)]
    q_desc, q_load = None, None
    try:
        q_parse, q_desc, q_load = quantulum_parser(args.quantulum_mode)
    except ImportError:
        log("quantulum3 is not installed (it comes with the bench extra: pip install -e '.[bench]'); claimdesk only")
    else:
        reports.append(evaluate("quantulum3", q_parse, cases, args.repeat))
        print(f"quantulum3 mode: {q_desc}; load and first parse {q_load:.2f}s")

    def row(label: str, key: str, fmt: str = "{:.3f}") -> None:
        print(f"  {label:<34}" + "".join(f"{fmt.format(r[key]):>14}" for r in reports))

    print(f"  {'':<34}" + "".join(f"{r['name']:>14}" for r in reports))
    row("value exact (all phrases)", "value_exact")
    row("interval exact (all phrases)", "interval_exact")
    row("value exact (phrases w/ quantities)", "value_exact_quantities")
    row("interval exact (phrases w/ quant.)", "interval_exact_quantities")
    row("exclusions clean", "exclusions_clean")
    row("phrases/s", "phrases_per_s", "{:,.0f}")
    print("  value exact by kind of phrase:")
    for kind in reports[0]["by_kind"]:
        cells = "".join(f"{'{}/{}'.format(*r['by_kind'][kind]):>14}" for r in reports)
        print(f"    {kind:<32}{cells}")
    if args.show_failures:
        for r in reports:
            show_failures(r, cases, args.show_failures)

    def figures(r: dict) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()
                if k in ("value_exact", "interval_exact", "value_exact_quantities", "interval_exact_quantities",
                         "exclusions_clean", "phrases_per_s")}

    result = {
        "benchmark": "quantities",
        "cases": str(shown),
        "phrases": n,
        "rows": n_rows,
        "exclusions": n_excl,
        "claimdesk": figures(reports[0]),
        "quantulum3": ({**figures(reports[1]), "mode": q_desc, "load_s": round(q_load or 0.0, 2)} if len(reports) > 1 else None),
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
