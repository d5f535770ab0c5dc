"""Time-budgeted fuzzing of the quantity parser and the claim extractor.

    python -m benchmarks.fuzz --seconds 60 [--budget 2.0] [--seed 1] [--no-spacy] [--save DIR]

Why: claimdesk reads whatever lands in a newsroom inbox. Hostile text (random Unicode,
huge numbers, thousands of digits, deeply nested brackets, one fragment repeated
thousands of times) must never raise and never stall a batch. tests/test_fuzz.py pins
the invariants with a few hypothesis examples; this harness runs for as long as you
give it, with a time budget per input, and prints the slowest inputs and every failure.

Each input is run in a worker process, so a runaway regular expression (which Python
cannot interrupt) is killed after ten budgets (at most a minute) and reported as a hang
instead of freezing the run. Per input, the worker runs `find_quantities` and, unless --no-spacy,
`extract_claims` with the configured spaCy pipeline, and checks what they return:
offsets index the input, values are finite, low <= value <= high.

A failure is an exception, a broken invariant, a hang, or an input slower than the
budget: --budget seconds for an input of up to 5,000 characters or 1,000 tokens (a
long paragraph), growing linearly for longer ones (at most ~20,000 characters). The exit status is 1 when there
was any. Every input is reproducible from --seed and its number, and --save writes
each failing or slowest input to a file.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import random
import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

# --- generators -------------------------------------------------------------------------

_DIGIT_SETS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗", "⁰¹²³⁴⁵⁶⁷⁸⁹"]
_ODD_CHARS = (
    "\u00a0\u202f\u2009\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"  # spaces, zero-width, bidi
    "\u0301\u0308\u20dd\u0489"  # combining marks
    "%‰‱٪％﹪$£€¥₹¢"  # percent and currency signs
    "“”‘’«»„‟‹›\"'`"  # quotes
    "—–‐‑‒―−-"  # dashes and minus
    "()[]{}<>⟨⟩（）【】"  # brackets
    ".,;:!?…·•/\\|#+*=&@~^_"
    "\n\r\t\x0b\x0c\x85\u2028\u2029"  # line breaks of every kind
    "😀👩‍👩‍👧🇬🇧𒀱ﷺ\U0010fffd"  # astral, ligatures, flags
)
_WORDS = (
    "about around nearly almost more than less than at least up to just over close to roughly some "
    "percent per cent percentage points basis points pp bps % million billion trillion thousand hundred bn m k "
    "rose fell increased decreased doubled tripled halved times fold up down from to between and or of among in "
    "the a an survey report study according to said reported found surgeons teens adults members Americans "
    "one two three twenty fifty-eight hundred half a quarter three-quarters two-thirds in out of "
    "2019 2022 1990s 5th second largest most $ £ € US$ dollars euros pounds year month week day hours "
    "“ ” \" ' ( ) , ; : . - — –"
).split()
_REPEAT_UNITS = [
    "1,", "1 ", "1.", "1-", "1/", "1 to ", "5% or ", "more than ", "about ", "nearly ", "and a half ", "thousand ",
    "twenty ", "fifty-", "between 1 and ", "$", "-", "(", "((", "[", "“", '"', "'", "percent ", "% ", "0", "9",
    "one in ", "1 in ", "times ", "-fold ", "up from ", "a, ", " of the ", "Mr. ", "U.S. ", "e.g. ", "...", "\n",
    "\u00a0", "1\u2009", "٥٨٪ ", "twice as ", "the most ", "5th largest ", "according to ", "2019-", "' ",
]


def _digits(rng: random.Random, n: int) -> str:
    ds = rng.choice(_DIGIT_SETS) if rng.random() < 0.2 else "0123456789"
    return "".join(rng.choice(ds) for _ in range(n))


def gen_unicode(rng: random.Random) -> str:
    """Random code points, weighted towards the ones that break text code."""
    out = []
    for _ in range(rng.randint(1, 600)):
        r = rng.random()
        if r < 0.35:
            out.append(chr(rng.randint(32, 126)))
        elif r < 0.6:
            out.append(rng.choice(_ODD_CHARS))
        elif r < 0.75:
            out.append(rng.choice(rng.choice(_DIGIT_SETS)))
        elif r < 0.95:
            cp = rng.randint(0xA0, 0x2FFFF)
            if 0xD800 <= cp <= 0xDFFF:  # lone surrogates cannot come out of a decoded file
                cp = 0xFFFD
            out.append(chr(cp))
        else:
            out.append(" " + rng.choice(_WORDS) + " ")
    return "".join(out)


def gen_huge_number(rng: random.Random) -> str:
    """Numbers with hundreds or thousands of digits, in every syntax the parser knows."""
    n = rng.choice([20, 50, 308, 309, 400, 1000, 5000])
    num = _digits(rng, n)
    if rng.random() < 0.3:
        num = ",".join(num[i:i + 3] for i in range(0, len(num), 3))
    if rng.random() < 0.3:
        num += "." + _digits(rng, rng.choice([1, 5, 400]))
    shape = rng.choice([
        "{n}%", "{n} percent", "${n} billion", "about {n} people", "{h} {n} million", "between 1 and {n}%",
        "from 1 to {n} percent", "1-{n}%", "{n} in {n}", "one in {n}", "{n} times more", "{n}-fold", "the {n}th largest",
        "-{n}%", "{n} percentage points", "{n} and a half million", "rose {n}% to ${n}", "{n}/{n}", "{n}e{n}",
        "0.{n}%", "{n}k", "£{n}m", "{n} {n} {n}%", "{n}st most popular",
    ])
    hedge = rng.choice(["nearly", "more than", "about", "up to", "at least", "almost"])
    body = shape.replace("{n}", num).replace("{h}", hedge)
    return f"{rng.choice(['', 'Prices ', 'The survey found '])}{body}{rng.choice(['', '.', ' of surgeons said so.'])}"


def gen_nested(rng: random.Random) -> str:
    """Deeply nested brackets and quotes around a figure."""
    depth = rng.choice([10, 100, 1000, 5000])
    pairs = [("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"), ("«", "»"), ('"', '"'), ("<", ">"), ("(", "")]
    opens, closes = [], []
    for _ in range(depth):
        a, b = rng.choice(pairs)
        opens.append(a)
        closes.append(b)
    core = rng.choice(["58% of surgeons", "about 3 million", "a 58% increase, up from 40%", "nearly half", ""])
    return "Survey: " + "".join(opens) + core + "".join(reversed(closes)) + " in 2022."


def gen_repeat(rng: random.Random) -> str:
    """One fragment repeated thousands of times: the classic regex-backtracking trap."""
    unit = rng.choice(_REPEAT_UNITS)
    times = rng.choice([100, 1000, 3000, 6000])
    body = unit * times
    return (rng.choice(["", "About ", "58% "]) + body + rng.choice(["", "5%", "58% of surgeons.", "million"]))[:20_000]


def gen_soup(rng: random.Random) -> str:
    """Newsy tokens in random order, with random figures mixed in."""
    toks = []
    for _ in range(rng.randint(3, 400)):
        r = rng.random()
        if r < 0.25:
            toks.append(_digits(rng, rng.randint(1, 7)) + rng.choice(["", "%", ".5", ",000", "m", "th"]))
        else:
            toks.append(rng.choice(_WORDS))
    return " ".join(toks)


def gen_mutated(rng: random.Random, seeds: list[str]) -> str:
    """A real news sentence with random edits: inserted digits, duplicated spans, odd characters."""
    s = list(rng.choice(seeds))
    for _ in range(rng.randint(1, 20)):
        if not s:
            break
        i = rng.randrange(len(s))
        op = rng.random()
        if op < 0.3:
            s.insert(i, rng.choice(_ODD_CHARS))
        elif op < 0.5:
            s[i:i] = list(_digits(rng, rng.randint(1, 40)))
        elif op < 0.7:
            j = min(len(s), i + rng.randint(1, 30))
            s[i:i] = s[i:j] * rng.randint(2, 50)
        elif op < 0.85:
            del s[i]
        else:
            s.insert(i, " " + rng.choice(_WORDS) + " ")
    return "".join(s)[:20_000]


_SEED_SENTENCES = [
    "Over the past year, 58% of the facial plastic surgeons surveyed reported an increase in bookings and treatments.",
    "Facial plastic surgeons saw a 58% increase in bookings, up from 40% in 2019, according to the AAFPRS.",
    "Nearly three-quarters (74%) of U.S. teens ages 13 to 17 say they use YouTube, down from 85% in 2014-15.",
    "The population grew by 3.5 million, or 6.3%, to 66.0 million between 2011 and 2021, the ONS said.",
    "Prices rose 6.5% in the 12 months ending December, after peaking at 9.1% in June 2022.",
    "“I think about 80% of my patients are under 30,” said Dr. Smith, who has practised for 12 years.",
    "Texas added nearly 4 million residents, the most of any state, and its population rose 15.9% to 29,145,505.",
    "Obesity prevalence was 41.9% among US adults in 2017–March 2020, more than double the 1980 rate of 15%.",
]

Generator = Callable[[random.Random], str]
GENERATORS: dict[str, Generator] = {
    "unicode": gen_unicode,
    "huge_number": gen_huge_number,
    "nested": gen_nested,
    "repeat": gen_repeat,
    "soup": gen_soup,
    "mutated": lambda rng: gen_mutated(rng, _SEED_SENTENCES),
}


def make_input(seed: int, n: int) -> tuple[str, str]:
    """Input number n of a run: (generator name, text). Same seed and n, same text."""
    rng = random.Random(f"{seed}:{n}")
    name = list(GENERATORS)[n % len(GENERATORS)]
    return name, GENERATORS[name](rng)


# --- checks (run in the worker) ---------------------------------------------------------

def check_quantities(text: str) -> str | None:
    """Run the quantity parser; return what is wrong with its answer, or None."""
    from claims.quantities import find_quantities

    for q in find_quantities(text):
        if not (0 <= q.start <= q.end <= len(text)) or text[q.start:q.end] != q.text:
            return f"quantity offsets do not index the input: {q.text!r} at {q.start}:{q.end}"
        if not math.isfinite(q.value):
            return f"quantity value is not finite: {q.text[:60]!r} -> {q.value}"
        if not q.low <= q.value <= q.high:
            return f"interval does not hold its value: {q.text[:60]!r} -> [{q.low}, {q.high}] value {q.value}"
    return None


def check_claims(text: str, nlp: object) -> str | None:
    """Run the extractor end to end (spaCy + rules); return what is wrong, or None."""
    from claims.extract import extract_claims

    for c in extract_claims(text, nlp):  # type: ignore[arg-type]
        if text[c.start:c.end] != c.text:
            return f"claim offsets do not index the input: {c.text[:60]!r} at {c.start}:{c.end}"
        if text[c.sentence_start:c.sentence_end] != c.sentence:
            return f"sentence offsets do not index the input: {c.sentence[:60]!r}"
        if c.quantity is not None and not math.isfinite(c.quantity.value):
            return f"claim value is not finite: {c.text[:60]!r}"
    return None


def _worker(conn: Connection, spacy_name: str | None) -> None:
    """Receive texts, run both targets, send back (target, seconds, problem) per target."""
    nlp = None
    if spacy_name:
        from claims.extract import load_nlp

        nlp = load_nlp(spacy_name)
    conn.send("ready")
    while True:
        text = conn.recv()
        if text is None:
            return
        results = []
        targets: list[tuple[str, Callable[[], str | None]]] = [("find_quantities", lambda t=text: check_quantities(t))]
        if nlp is not None:
            targets.append(("extract_claims", lambda t=text: check_claims(t, nlp)))
        for name, fn in targets:
            conn.send(("start", name))
            t0 = time.perf_counter()
            try:
                problem = fn()
            except Exception as exc:  # noqa: BLE001 - the point is to catch everything
                tb = traceback.extract_tb(exc.__traceback__)[-1]
                problem = f"{type(exc).__name__}: {str(exc)[:200]} (at {Path(tb.filename).name}:{tb.lineno})"
            results.append((name, time.perf_counter() - t0, problem))
        conn.send(("done", results))


# --- the loop ---------------------------------------------------------------------------

@dataclass
class Outcome:
    n: int
    generator: str
    target: str
    seconds: float
    chars: int
    problem: str | None
    text: str


class _Worker:
    """A worker process with a pipe; restarted after a hang."""

    def __init__(self, spacy_name: str | None) -> None:
        self.spacy_name = spacy_name
        self._start()

    def _start(self) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, self.spacy_name), daemon=True)
        self.proc.start()
        if not self.conn.poll(300) or self.conn.recv() != "ready":
            raise SystemExit("fuzz: the worker did not start")

    def run(self, text: str, hard_limit: float) -> list[tuple[str, float, str | None]]:
        self.conn.send(text)
        current, t0 = "find_quantities", time.perf_counter()
        while True:
            if not self.conn.poll(max(0.0, hard_limit - (time.perf_counter() - t0))):
                elapsed = time.perf_counter() - t0
                self.proc.kill()
                self.proc.join()
                self._start()
                return [(current, elapsed, f"hang: killed after {hard_limit:.0f}s")]
            msg = self.conn.recv()
            if msg[0] == "start":
                current, t0 = msg[1], time.perf_counter()
            else:
                return list(msg[1])

    def close(self) -> None:
        try:
            self.conn.send(None)
            self.proc.join(5)
        finally:
            if self.proc.is_alive():
                self.proc.kill()


_TOKEN = re.compile(r"\w+|[^\w\s]")


def budget_for(text: str, budget: float) -> float:
    """The time one input may take: the budget for a long paragraph (5,000 characters or
    1,000 words and signs), growing linearly beyond, as spaCy's own time does. Counting
    signs matters: 9,000 brackets are 9,000 tokens for spaCy, five times normal prose."""
    return budget * max(1.0, len(text) / 5000, len(_TOKEN.findall(text)) / 1000)


def fuzz(seconds: float, budget: float, seed: int, spacy_name: str | None, progress: bool = True) -> list[Outcome]:
    """Run inputs until the time is up; return one outcome per (input, target)."""
    worker = _Worker(spacy_name)
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + seconds
    n = 0
    try:
        while time.monotonic() < deadline:
            gen, text = make_input(seed, n)
            allowed = budget_for(text, budget)
            for target, secs, problem in worker.run(text, hard_limit=min(max(10 * allowed, 5.0), 60.0)):
                if problem is None and secs > allowed:
                    problem = f"slow: {secs:.2f}s over the {allowed:.1f}s budget"
                outcomes.append(Outcome(n, gen, target, secs, len(text), problem, text))
            n += 1
            if progress and n % 50 == 0:
                bad = sum(1 for o in outcomes if o.problem)
                print(f"fuzz: {n} inputs, {bad} problems", file=sys.stderr, flush=True)
    finally:
        worker.close()
    return outcomes


def _show(text: str, width: int = 100) -> str:
    r = repr(text)
    return r if len(r) <= width else r[: width - 20] + " ... " + r[-15:]


def report(outcomes: list[Outcome], seed: int, top: int, save: Path | None) -> int:
    """Print the summary, the slowest inputs and the failures; return the exit status."""
    inputs = {o.n for o in outcomes}
    print(f"fuzz: {len(inputs)} inputs (seed {seed}), {len(outcomes)} runs")
    for target in sorted({o.target for o in outcomes}):
        runs = [o for o in outcomes if o.target == target]
        worst = max(runs, key=lambda o: o.seconds)
        per_kchar = sum(o.seconds for o in runs) / max(1, sum(o.chars for o in runs)) * 1000
        print(f"  {target}: {len(runs)} runs, slowest {worst.seconds:.3f}s, mean {per_kchar * 1000:.2f} ms per 1,000 chars")
    by_gen: dict[str, int] = {}
    for o in outcomes:
        by_gen[o.generator] = by_gen.get(o.generator, 0) + 1
    print("  runs per generator: " + ", ".join(f"{k} {v}" for k, v in sorted(by_gen.items())))
    print(f"\nslowest {top}:")
    for o in sorted(outcomes, key=lambda o: o.seconds, reverse=True)[:top]:
        print(f"  {o.seconds:7.3f}s  {o.target:<15} #{o.n:<6} {o.generator:<11} {o.chars:>6} chars  {_show(o.text)}")
    failures = [o for o in outcomes if o.problem]
    print(f"\nfailures: {len(failures)}")
    for o in failures:
        print(f"  {o.target:<15} #{o.n:<6} {o.generator:<11} {o.problem}\n      input ({o.chars} chars): {_show(o.text)}")
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        keep = failures + sorted(outcomes, key=lambda o: o.seconds, reverse=True)[:top]
        for o in keep:
            (save / f"seed{seed}-{o.n}-{o.target}.txt").write_text(o.text, encoding="utf-8", errors="surrogatepass")
        print(f"\ninputs written to {save}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    p.add_argument("--budget", type=float, default=2.0, help="seconds one input may take per target (default 2)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-spacy", action="store_true", help="fuzz the quantity parser only (no model load)")
    p.add_argument("--spacy", default=None, help="spaCy pipeline (default: models.spacy from config.yaml)")
    p.add_argument("--top", type=int, default=10, help="how many of the slowest inputs to list")
    p.add_argument("--save", type=Path, help="folder to write failing and slowest inputs to")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    spacy_name = None
    if not args.no_spacy:
        from claimdesk.settings import load_settings

        spacy_name = args.spacy or load_settings().models.spacy
    outcomes = fuzz(args.seconds, args.budget, args.seed, spacy_name, progress=not args.quiet)
    return report(outcomes, args.seed, args.top, args.save)


if __name__ == "__main__":
    sys.exit(main())
