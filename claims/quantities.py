"""Numbers as news prose writes them, turned into values with the interval they commit to.

A dedicated parser rather than spaCy's NER: the NER tags "58%" but not "nine in ten",
"three-quarters" or "more than half", and has no notion of the interval a hedge
implies. Each match yields a `Quantity` with character offsets into the input, so the
caller can build claim spans. Years, times, dates, ages, phone numbers, model names and
list numbering are recognised and skipped: they are not statistics by themselves.

Conventions (the table in tests/quantity_cases.tsv pins each of them):

- Rounding: a figure covers half a unit of its last written digit either side, times its
  scale word: "58%" -> [57.5, 58.5], "1.4 million" -> [1.35M, 1.45M], "£2bn" -> [£1.5bn,
  £2.5bn]. Trailing zeros are taken as written ("1,400" -> ±0.5), and so is "hundred"
  ("three hundred" -> ±0.5); thousand, million, billion and trillion (k, m, bn, ...) round.
  A non-negative figure never gets a negative lower bound ("0%" -> [0, 0.5]).
- Number words ("fifty-eight", "two hundred and fifty") are exact like digits; "two
  million" rounds like "2 million". Fraction words are a rounding of their own, ±1 point
  ("three-quarters" -> [74, 76]); "n in d" ratios ±min(2.5 points, a quarter of the value), "n in ten"
  ±min(5 points, a quarter of the value) (rounded to the nearest tenth).
- Hedges (`hedge_interval`, phrases in claims/lexicon/hedges.tsv): nearly -> [v - 8%, v) for percentages (at most 5 points below), [v - v/16, v) otherwise;
  ; about -> ± v/20 (± min(2.5 points, v/10) for percentages), never narrower
  than the rounding; more than -> (v, 100] for percentages below 100, else (v, inf);
  at least -> [v, ...]; up to -> [0, v]; less than -> [0, v). Infinite bounds are open.
- Negative numbers ("-3.2%", "−3.2%" with U+2212) parse with a negative value and a
  negative interval. Direction words ("fell 4%") do not change the sign: direction is
  the extractor's business, the written number stays as written.
- Ranges ("20 to 29", "35–50", "between $10 and $20") are exact: [a, b], value the
  midpoint. "from 25 to 32" and "by 12,000 to 350,000" are two figures, not a range.
- Vague amounts ("millions of") are flagged `vague`; value and low are the least the
  words allow ("millions" -> [2M, 1000M)).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import replace

from claims.exclusions import _AGE_AFTER, _AGE_BEFORE, _PHONE_RE, _YEAR_RE, _attached_word_ok, _excluded
from claims.intervals import (
    _HEDGE_RE,
    hedge_interval,
    interval_contains,
    intervals_overlap,
    render_interval,
    with_tolerance,
)
from claims.lexicon import load_list, load_table
from claims.measures import _CHANGE_VERB_BEFORE
from claims.model import Quantity
from claims.numbers import (
    _BIG_WORDS,
    _DIGITS,
    _ORDINALS,
    _PCT,
    _POINTS,
    _SIGN,
    _W1,
    _WORDNUM,
    _dec,
    _is_digits,
    _scale_re,
    _value_and_half,
    parse_number,
)
from claims.units import _CUR_PREFIX, _CUR_WORD_RE, _FLOW_UNITS, _PER_DENOMINATOR, _PER_TIME, _unit_for

__all__ = [
    "find_quantities", "hedge_interval", "interval_contains", "intervals_overlap", "parse_number", "render_interval",
    "with_tolerance",
]

# --- vocabulary (claims/lexicon/) -----------------------------------------------------

_FRACTION_WORDS = {r["phrase"]: int(r["value"].split("/")[0]) / int(r["value"].split("/")[1]) for r in load_table("fractions")}
# Vague amounts: the least the words allow, and the next scale up (exclusive).
_VAGUE_ROWS = {r["word"]: r for r in load_table("vague_amounts")}
_VAGUE_SCALES = {w: (float(r["least"]), float(r["below"])) for w, r in _VAGUE_ROWS.items()}
_VAGUE_UNIT = {w: float(r["unit"]) for w, r in _VAGUE_ROWS.items()}
_MULTIPLES = {r["word"]: float(r["factor"]) for r in load_table("multiples")}
_MULTIPLE_VERBS = "|".join(r["word"] for r in load_table("multiples") if r["form"] == "verb")
_MULTIPLE_ADVERBS = "|".join(r["word"] for r in load_table("multiples") if r["form"] == "adverb")
_SUPERLATIVES = "(?:" + "|".join(load_list("superlatives")) + ")"
_ORD_RE = "(?:" + "|".join(w for w, v in _ORDINALS.items() if v > 1) + r"|\d+(?:st|nd|rd|th))"

# --- the token pattern ----------------------------------------------------------------

def _token_re(with_range: bool, with_words: bool = True) -> re.Pattern[str]:
    """The token pattern; without ranges or without the ratio/fraction alternatives for re-reads."""
    rng = (
        rf"""(?:(?P<pct1>%)?(?P<rangesep>\s?[-–—]\s?|\s+to\s+)(?:(?P<cur2>{_CUR_PREFIX})\s?)?
             (?P<num2>(?:{_DIGITS})(?![\d,])|{_WORDNUM})(?(pct1)(?=\s?%)))?"""
        if with_range else "(?P<pct1>(?!))?(?P<rangesep>(?!))?(?P<cur2>(?!))?(?P<num2>(?!))?"
    )
    fractions = "|".join(sorted((re.escape(f).replace(r"\ ", r"\s+") for f in _FRACTION_WORDS), key=len, reverse=True))
    return re.compile(
        rf"""
        (?P<hedge>\b(?:{_HEDGE_RE})\s+)?
        (?:
            {"" if with_words else "(?!)"}(?P<inratio>\b(?P<in_a>{_WORDNUM}|\d+)[\s-]+(?:in|out[\s-]+of)[\s-]+(?P<in_b>\d{{1,3}}(?:,\d{{3}})+|\d+|{_WORDNUM})\b(?![.,]\d))
          | (?P<fracscale>\b(?:(?:a|one)[\s-]+)?(?P<fs_frac>half|a\s+quarter|three[-\s]quarters|a\s+third|two[-\s]thirds)
                [\s-]+(?:of[\s-]+)?(?:an?[\s-]+)?(?P<fs_mult>thousand|million|billion|trillion)\b)
          | (?P<fraction>\b(?:{fractions})\b)
          | (?P<sign>(?<![\w.,)\-−–—]){_SIGN}(?=\.?\d))?
            (?:(?P<cur>(?<![\w$]){_CUR_PREFIX})\s?)?
            (?P<num>(?<![\w.:])(?:{_DIGITS})|{_WORDNUM})
            (?P<andhalf>[\s-]+and[\s-]+a[\s-]+half\b(?![\s-]+(?:of|a|an)\b))?
            {rng}
            {_scale_re('scale', 'cur')}?
            (?P<pct>{_PCT})?
            (?P<pts>{_POINTS})?
        )
        """,
        re.IGNORECASE | re.VERBOSE,
    )


_TOKEN_RE = _token_re(with_range=True)
_SINGLE_RE = _token_re(with_range=False)
_NUMBER_RE = _token_re(with_range=True, with_words=False)

_VAGUE_RE = re.compile(
    rf"\b(?:(?P<pre>tens|hundreds)\s+of\s+)?(?P<w>{'|'.join(_VAGUE_SCALES)})\s+of\b", re.I
)
_TIMES_FOLLOW = (
    r"(?=\s+(?:as|more|less|higher|lower|greater|larger|bigger|smaller|faster|slower|likelier|likely|fewer|"
    r"the|that|what|its|their|his|her|over|above|below|cheaper|dearer|costlier|longer|shorter)\b)"
)
_MULTIPLE_RE = re.compile(
    rf"(?P<hedge>\b(?:{_HEDGE_RE})\s+)?\b(?P<m>{_MULTIPLE_VERBS}"
    rf"|(?:{_MULTIPLE_ADVERBS})(?=\s+(?:as|the|that|its|their|his|her|what)\b)"
    rf"|(?P<fold>\d+(?:\.\d+)?|{_W1})[-\s]?fold"
    rf"|(?P<times>(?:\d+(?:\.\d+)?|{_WORDNUM})(?:[\s-]+and[\s-]+a[\s-]+half)?)[-\s]times{_TIMES_FOLLOW})\b",
    re.I,
)
_MOST_WHAT = (
    r"(?:requested|popular|common|frequent|performed|used|visited|watched|downloaded|sought[-\s]after|searched|"
    r"populous|profitable|expensive|valuable|streamed|viewed|prescribed|spoken)"
)
# A bare superlative ("the highest ...") is a rank only with a scope that makes it checkable.
_RANK_SCOPE = re.compile(
    r"^[^.;!?]{0,60}?\b(?:since|on\s+record|in\s+history|ever|of\s+any|in\s+(?:the\s+)?(?:world|country|UK|US|EU|Europe|"
    r"Britain|England|America|nation|region|city|state|OECD|G7)\b|in\s+(?:\w+\s+){0,2}(?:years|decades|months|generations)\b)",
    re.I,
)
_RANK_RE = re.compile(
    rf"(?:\b(?:the\s+)?(?:(?P<ord>{_ORD_RE})[-\s])?most[-\s]+(?:(?:widely|commonly|frequently|heavily|often)[-\s]+)?{_MOST_WHAT}\b"
    rf"|\b(?:the\s+)?(?P<ord2>{_ORD_RE})[-\s]+{_SUPERLATIVES}\b"
    rf"|\bthe\s+(?P<bare>{_SUPERLATIVES})\b(?=\s+(?!one\b)[a-z]))",
    re.I,
)
_BETWEEN_RE = re.compile(
    rf"\bbetween\s+(?:(?P<cur>{_CUR_PREFIX})\s?)?(?P<a>(?<![\w.])(?:{_DIGITS})|{_WORDNUM}){_scale_re('sa', 'cur')}?(?P<pa>{_PCT})?"
    rf"\s+and\s+(?:(?P<cur2>{_CUR_PREFIX})\s?)?(?P<b>(?:{_DIGITS})|{_WORDNUM}){_scale_re('sb', 'cur')}?(?P<pb>{_PCT})?",
    re.I,
)
_FRACTION_ARTICLE_OK = re.compile(
    r"^(?:\s*$|\s*[,.;:!?)\]—–\"”’']|\s+(?:of|more|less|fewer|lower|higher|as|since|in|on|last|this|over|from|"
    r"to|and|or|but|after|before|while|compared|than|between|during|among|each|every|a|per|the|year-on-year)\b)",
    re.I,
)


# --- main entry -----------------------------------------------------------------------

class _Spans:
    """Character spans already taken by an earlier pass; later passes skip overlaps.

    Spans never overlap each other, so a sorted list and its two neighbours decide.
    """

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def free(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.spans, (s, s))
        if i > 0 and self.spans[i - 1][1] > s:
            return False
        return not (i < len(self.spans) and self.spans[i][0] < e)

    def blocking_end(self, s: int, e: int) -> int:
        """The end of the last taken span overlapping [s, e)."""
        end = s + 1
        for a, b in self.spans[max(0, bisect.bisect_left(self.spans, (s, s)) - 1):]:
            if a >= e:
                break
            if b > s:
                end = max(end, b)
        return end

    def take(self, s: int, e: int) -> None:
        bisect.insort(self.spans, (s, e))


def find_quantities(text: str) -> list[Quantity]:
    """Every statistic-like quantity in `text`, in order, with offsets into `text`.

    Passes run from the most specific reading to the least (phone numbers, "between"
    ranges, multiples, ranks, vague amounts, then single tokens); a later pass skips any
    span an earlier one took.
    """
    taken = _Spans()
    out: list[Quantity] = []
    for s, e in _phone_spans(text):
        taken.take(s, e)
    for bq, bs, be in _between_ranges(text):
        if taken.free(bs, be):
            if bq is not None:
                out.append(bq)
            taken.take(bs, be)
    for q in [*_multiples(text), *_ranks(text)]:
        if taken.free(q.start, q.end):
            out.append(q)
            taken.take(q.start, q.end)
    for q, match_end in _vague_amounts(text):
        if taken.free(q.start, match_end):
            out.append(q)
            taken.take(q.start, q.end)
    out.extend(_tokens(text, taken))
    out.sort(key=lambda q: q.start)
    return out


def precise_figure(q: Quantity | None) -> bool:
    """Whether a written figure is specific enough that a second one equal to it is unlikely to
    be chance: three significant digits ("172%", "1,591.3 million") or a decimal ("6.2%").
    Round or short figures ("10%", "59,000", "nearly half") recur for unrelated things."""
    if q is None or q.vague or q.kind not in ("number", "percent", "money"):
        return False
    m = re.search(r"\d[\d,]*(?:\.\d+)?", q.text)
    if m is None:
        return False
    written = m.group(0).replace(",", "")
    whole, _, decimals = written.partition(".")
    digits = (whole.lstrip("0") + decimals).rstrip("0") if decimals else whole.lstrip("0").rstrip("0")
    return len(digits) >= 3 or (bool(decimals.strip("0")) and len(digits) >= 2)


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Phone numbers: digit groups with a leading +, ( or 0, or three groups or more, or 555-0199."""
    spans = []
    for m in _PHONE_RE.finditer(text):
        g = m.group(0)
        groups = re.findall(r"\d+", g)
        si_grouped = re.fullmatch(r"\d{1,3}(?: \d{3})+", g)
        if g[0] in "+(0" or (len(groups) >= 3 and not si_grouped) or re.fullmatch(r"\d{3}-\d{4}", g):
            spans.append((m.start(), m.end()))
    return spans


def _vague_amounts(text: str) -> list[tuple[Quantity, int]]:
    """'millions of', 'tens of thousands of': (quantity without the 'of', end of the match with it)."""
    out = []
    for m in _VAGUE_RE.finditer(text):
        lo, hi = _VAGUE_SCALES[m.group("w").lower()]
        if m.group("pre"):
            mult = 10 if m.group("pre").lower() == "tens" else 100
            base = _VAGUE_UNIT[m.group("w").lower()]
            lo, hi = 2 * mult * base, 10 * mult * base
        end = m.end() - 2  # drop the "of"
        while text[end - 1].isspace():
            end -= 1
        out.append((Quantity(value=float(lo), low=float(lo), high=float(hi), unit="count", text=text[m.start():end],
                             start=m.start(), end=end, high_inclusive=False, vague=True, kind="vague"), m.end()))
    return out


def _tokens(text: str, taken: _Spans) -> list[Quantity]:
    """The single figures of the text outside the spans already taken (which it extends)."""
    out: list[Quantity] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.search(text, pos)
        if m is None:
            break
        if not taken.free(m.start() + _lead(m), m.end()):
            # Skip past the taken span the match runs into, and try again from there.
            pos = max(taken.blocking_end(m.start(), m.end()), m.start() + 1)
            continue
        q, nxt = _from_match(text, m)
        pos = max(nxt, m.start() + 1)
        if q is not None:
            flow = _PER_TIME.match(text, q.end) if q.unit in _FLOW_UNITS else None
            if flow:
                # "4.2 million barrels per day" is a flow; "4.2 million barrels last year" a total.
                q = replace(q, unit=f"{q.unit}/{flow.group('per').lower()}")
            rate = _PER_DENOMINATOR.match(text, q.end) if q.unit == "count" and not q.vague else None
            if rate:
                # "291.4 thefts per 100,000 inhabitants" is a rate, not a count, and its
                # denominator is not a figure of its own.
                q = replace(q, unit=f"per {rate.group('den').replace(',', '')}")
                taken.take(rate.start("den"), rate.end("den"))
                pos = max(pos, rate.end("den"))
            out.append(q)
            taken.take(q.start, q.end)
    return out


def _between_ranges(text: str) -> list[tuple[Quantity | None, int, int]]:
    """'between $10 and $20', 'between 35 and 50 percent': one range, not two numbers.

    Yields (None, start, end) for spans that are not quantities at all ("aged between 18 and 24").
    """
    out: list[tuple[Quantity | None, int, int]] = []
    for m in _BETWEEN_RE.finditer(text):
        at, bt = m.group("a"), m.group("b")
        if _YEAR_RE.match(at) and _YEAR_RE.match(bt):
            continue
        has_unit = any(m.group(g) for g in ("cur", "cur2", "sa", "sa1", "sb", "sb1", "pa", "pb"))
        if not has_unit:
            # "aged between 18 and 24", "between 18 and 24 years old": ages, not a range.
            if _AGE_BEFORE.search(text[max(0, m.start() - 30):m.start()] + "between ") or _AGE_AFTER.match(text[m.end():m.end() + 30]):
                out.append((None, m.start("a"), m.end()))
                continue
            if not _is_digits(at) and not re.match(r"^\s+[a-z]", text[m.end():m.end() + 20]):
                continue  # "between one and two" alone is not a figure
        sb = (m.group("sb") or m.group("sb1") or "").lower()
        sa = (m.group("sa") or m.group("sa1") or sb).lower()
        va, vb = _value_and_half(at, sa), _value_and_half(bt, sb)
        if va is None or vb is None:
            continue
        a, b = va[0], vb[0]
        if b <= a or not math.isfinite(b):
            continue
        cur = m.group("cur") or m.group("cur2")
        after = text[m.end():m.end() + 30]
        cur_word = _CUR_WORD_RE.match(after) if not cur else None
        unit = "percent" if (m.group("pa") or m.group("pb")) else _unit_for(cur, cur_word, after, False)
        start = m.start("cur") if m.group("cur") else m.start("a")
        end = m.end() + (len(cur_word.group(0)) if cur_word else 0)
        out.append((Quantity(_mid(a, b), a, b, unit, text[start:end], start, end, kind="range"), start, end))
    return out


def _mid(a: float, b: float) -> float:
    return float((_dec(a) + _dec(b)) / 2)


def _multiples(text: str) -> list[Quantity]:
    out = []
    for m in _MULTIPLE_RE.finditer(text):
        word = m.group("m").lower()
        factor = _MULTIPLES.get(word)
        if factor is None:
            ftxt = m.group("fold") or m.group("times") or ""
            half = re.search(r"[\s-]+and[\s-]+a[\s-]+half$", ftxt, re.I)
            factor = parse_number(ftxt[: half.start()] if half else ftxt)
            if factor and half:
                factor += 0.5
        if not factor or not math.isfinite(factor):
            continue
        hedge = (m.group("hedge") or "").strip() or None
        low, high, li, hi = hedge_interval(float(factor), float(factor), float(factor), hedge, percent=False)
        start = m.start() if hedge else m.start("m")
        out.append(Quantity(value=float(factor), low=low, high=high, unit="times", text=text[start:m.end()],
                            start=start, end=m.end(), hedge=hedge, low_inclusive=li, high_inclusive=hi, kind="multiple"))
    return out


def _ranks(text: str) -> list[Quantity]:
    out = []
    for m in _RANK_RE.finditer(text):
        if re.search(r"\b(?:one|some|several|many|few|two|three|four|five)\s+of\s*$|\bamong\s*$", text[max(0, m.start() - 20):m.start()], re.I):
            continue  # "one of the most requested" is not a rank
        if m.group("bare") and (m.group("bare").lower() == "worst" or not _RANK_SCOPE.match(text[m.end():m.end() + 120])):
            continue
        o = (m.group("ord") or m.group("ord2") or "").lower()
        try:
            rank = int(re.match(r"\d+", o).group(0)) if o[:1].isdigit() else _ORDINALS.get(o, 1)
            float(rank)
        except (ValueError, OverflowError):
            continue  # "the 10^400th largest" (hostile text): more digits than a float or int() takes
        out.append(Quantity(value=float(rank), low=float(rank), high=float(rank), unit="rank", text=m.group(0),
                            start=m.start(), end=m.end(), kind="rank"))
    return out


def _from_match(text: str, m: re.Match[str], inherit: re.Match[str] | None = None) -> tuple[Quantity | None, int]:
    """The quantity of one token match (or None), and where scanning resumes.

    `inherit`: the two-number match this single number was split from ("from 17 to 6
    percent", "from 1.2 to 1.5 million"); the first number takes its scale and percent.
    """
    hedge = (m.group("hedge") or "").strip() or None
    start = m.start() + _lead(m)
    if m.group("inratio"):
        return _ratio(text, m, hedge, start)
    if m.group("fracscale"):
        return _fraction_of_scale(text, m, hedge, start)
    if m.group("fraction"):
        return _fraction(text, m, hedge, start)
    return _number(text, m, hedge, start, inherit)


def _ratio(text: str, m: re.Match[str], hedge: str | None, start: int) -> tuple[Quantity | None, int]:
    """'nine in ten', '3 out of 4': a share in percent, ±min(2.5 points, a quarter of it); in tenths ±min(5, a quarter)."""
    a, b = parse_number(m.group("in_a")), parse_number(m.group("in_b"))
    if not a or not b or a > b or b > 1e6 or _YEAR_RE.match(m.group("in_b")):
        # "measured at 5400 in 2012": not a ratio; read the first number on its own.
        m1 = _NUMBER_RE.match(text, m.start())
        if m1 is None or not m1.group("num"):
            return None, m.end("in_a")
        return _from_match(text, m1)
    v = 100 * a / b
    # "Nine in ten" is a share rounded to the nearest tenth (a writer says it of 86% to 94%);
    # other denominators ("two out of three") are read more tightly.
    half = min(5.0 if b == 10 else 2.5, v / 4)
    low, high, li, hi = hedge_interval(v, v - half, v + half, hedge, percent=True)
    return Quantity(v, low, high, "percent", text[start:m.end()], start, m.end(), hedge, li, hi, kind="fraction"), m.end()


def _fraction_of_scale(text: str, m: re.Match[str], hedge: str | None, start: int) -> tuple[Quantity | None, int]:
    """'half a million', 'three-quarters of a billion dollars': a count or an amount."""
    frac = _FRACTION_WORDS[re.sub(r"\s+", " ", m.group("fs_frac").lower())]
    scale = _BIG_WORDS[m.group("fs_mult").lower()]
    v = frac * scale
    # "half a million" reads like "0.5 million": a twentieth of the scale either side.
    half = 0.05 * scale
    low, high, li, hi = hedge_interval(v, v - half, v + half, hedge, percent=False)
    cur_word = _CUR_WORD_RE.match(text[m.end():m.end() + 30])
    end = m.end() + (len(cur_word.group(0)) if cur_word else 0)
    unit, kind = (_unit_for(None, cur_word, "", False), "money") if cur_word else ("count", "word")
    return Quantity(v, low, high, unit, text[start:end], start, end, hedge, li, hi, scale=scale, kind=kind), end


def _fraction(text: str, m: re.Match[str], hedge: str | None, start: int) -> tuple[Quantity | None, int]:
    """'three-quarters', 'a third': a share in percent; 'the first half', 'a third term' are not."""
    ftxt = m.group("fraction")
    key = re.sub(r"\s+", " ", ftxt.lower())
    after = text[m.end():m.end() + 40]
    before = text[max(0, m.start("fraction") - 20):m.start("fraction")]
    if key in ("half", "a half") and (re.search(r"\b(?:first|second|latter|former|other|the|this|next|last)\s+$", before, re.I)
                                      or re.match(r"^(?:[-\s](?:time|term|hour|day|year|century|decade|price|an?\b))", after, re.I)):
        return None, m.end()
    if key.startswith("a ") and not _FRACTION_ARTICLE_OK.match(after):
        return None, m.end()  # "a third term", "a fifth consecutive month": ordinals
    v = 100 * _FRACTION_WORDS[key]
    # A fraction word is a rounding of its own: "three-quarters" fits 74-76%.
    low, high, li, hi = hedge_interval(v, v - 1.0, v + 1.0, hedge, percent=True)
    return Quantity(v, low, high, "percent", text[start:m.end()], start, m.end(), hedge, li, hi, kind="fraction"), m.end()


def _number(text: str, m: re.Match[str], hedge: str | None, start: int,
            inherit: re.Match[str] | None) -> tuple[Quantity | None, int]:
    """A number in digits or words, with its currency, scale, percent or points, or a range of two."""
    num_text = m.group("num")
    if m.group("num2"):
        verdict = _range_verdict(text, m)
        if verdict == "drop":
            return None, m.end()
        if verdict in ("single", "split"):
            m1 = _SINGLE_RE.match(text, m.start())
            if m1 is None:
                return None, m.end("num")
            q, _ = _from_match(text, m1, inherit=m if verdict == "split" else None)
            return q, m1.end()
    is_word = not _is_digits(num_text)
    scale_word = m.group("scale") or m.group("scale1") or ""
    inherit_pct = False
    if inherit is not None and not (scale_word or m.group("pct") or m.group("pts") or m.group("cur")):
        scale_word = inherit.group("scale") or inherit.group("scale1") or ""
        inherit_pct = bool(inherit.group("pct")) and not inherit.group("pts")
    vh = _value_and_half(num_text, scale_word, bool(m.group("andhalf")))
    if vh is None:
        return None, m.end()
    value, half, scale = vh
    if not math.isfinite(value):
        return None, m.end()
    has_scale = bool(scale_word) or (is_word and scale > 1e2)
    pct = (bool(m.group("pct")) and not m.group("pts")) or inherit_pct
    pts_text = (m.group("pts") or "").strip().lower()
    cur = m.group("cur") or m.group("cur2")
    after = text[m.end():m.end() + 30]
    cur_word = _CUR_WORD_RE.match(after)
    has_unit = bool(pct or m.group("pts") or cur or cur_word or has_scale)
    if is_word and not has_unit:
        # Number words alone ("one of the", "two friends") are counts only before a noun.
        if value <= 1 or not re.match(r"^\s+[a-z]", after):
            return None, m.end()
    if not has_unit:
        reason = _excluded(text, m.start("num"), m.end("num"), num_text)
        if reason:
            return None, m.end()
    if not _attached_word_ok(text, m.end()):
        return None, m.end()
    if is_word and value == 0 and not (pct or m.group("pts")):
        return None, m.end()
    sign = -1.0 if m.group("sign") else 1.0
    if pts_text:
        unit = "basis points" if ("basis" in pts_text or pts_text == "bps") else "points"
    else:
        unit = "percent" if pct else _unit_for(cur, cur_word, after, False)
    end = m.end() + (len(cur_word.group(0)) if cur_word else 0)
    if m.group("num2"):
        v2h = _value_and_half(m.group("num2"), scale_word)
        if v2h is None or not math.isfinite(v2h[0]):
            return None, m.end()
        lo, hi_ = sign * value, v2h[0]
        return Quantity(_mid(lo, hi_), lo, hi_, unit, text[start:end], start, end, hedge, kind="range"), end
    value *= sign
    base_low, base_high = (float(_dec(value) - _dec(half)), float(_dec(value) + _dec(half)))
    percentish = unit in ("percent", "points")
    low, high, li, hi = hedge_interval(value, base_low, base_high, hedge, percent=percentish)
    kind = "percent" if pct else "money" if unit.startswith("currency") else "word" if is_word else "number"
    return Quantity(value, low, high, unit, text[start:end], start, end, hedge, li, hi, scale=scale, kind=kind), end


def _range_verdict(text: str, m: re.Match[str]) -> str:
    """'keep' a range, 'drop' it (a period, a score line), or read it as two figures.

    'split': two figures sharing the second one's scale and percent ("from 17 to 6 percent");
    'single': two unrelated figures ("in 1963 to 1.8 million", "outnumbered us 64 to 36").
    """
    a, b = m.group("num"), m.group("num2")
    sep = m.group("rangesep").strip().lower()
    percent_after = bool(m.group("pct") or m.group("pts"))
    if _YEAR_RE.match(a) and (_YEAR_RE.match(b) or (re.fullmatch(r"\d{2}", b) and not percent_after)):
        return "drop"  # "2012–13", "2019-2022", "2019 to 2022": periods ("in 2004 to 41 percent" is not)
    if _YEAR_RE.match(a) and percent_after and sep == "to":
        return "single"  # "from 2004 to 41 percent": a year, then a figure
    va, vb = parse_number(a), parse_number(b)
    if va is None or vb is None:
        return "drop"
    if m.group("sign"):
        va = -va
    if sep == "to" and re.search(r"\b(?:from|by)\s+(?:about\s+|around\s+)?(?:" + _CUR_PREFIX + r")?\s*$", text[max(0, m.start("num") - 25):m.start("num")], re.I):
        return "split"  # "rose from 25 to 32", "by 12,000 to 350,000": a change and a level
    if sep == "to" and m.group("pct1") and _CHANGE_VERB_BEFORE.search(text[max(0, m.start("num") - 40):m.start("num")]):
        return "split"  # "grew 3% to 41.26%": the change, then the level it reached
    if vb <= va:
        # "3-1": a score line; "asked in 2021 – 41% said yes": a spaced dash between a year and a
        # figure is punctuation, and the figure stands alone.
        spaced_dash = sep in ("\u2013", "\u2014") and m.group("rangesep") != sep and _YEAR_RE.match(a)
        return "single" if sep == "to" or spaced_dash else "drop"
    if sep == "to" and va > 0 and vb / va > 100:
        return "single"  # "6 to $7,000": not one range
    return "keep"


def _lead(m: re.Match[str]) -> int:
    """Offset of the first non-space character of the match (the hedge or the number)."""
    g = m.group(0)
    return len(g) - len(g.lstrip())
