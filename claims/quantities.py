"""Numbers as news prose writes them, turned into values with the interval they commit to.

A dedicated parser rather than spaCy's NER: the NER tags "58%" but not "nine in ten",
"three-quarters" or "more than half", and has no notion of the interval a hedge
implies. Each match yields a `Quantity` with character offsets into the input, so the
caller can build claim spans. Years, times, dates, ages, phone numbers, model names and
list numbering are recognised and skipped: they are not statistics by themselves.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from claims.model import Quantity

# --- vocabulary -----------------------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "t": 1e12,
}
_FRACTION_WORDS = {
    "half": 1 / 2, "a half": 1 / 2, "one half": 1 / 2,
    "a third": 1 / 3, "one third": 1 / 3, "one-third": 1 / 3, "two thirds": 2 / 3, "two-thirds": 2 / 3,
    "a quarter": 1 / 4, "one quarter": 1 / 4, "one-quarter": 1 / 4,
    "three quarters": 3 / 4, "three-quarters": 3 / 4, "three fourths": 3 / 4, "three-fourths": 3 / 4,
    "a fifth": 1 / 5, "one fifth": 1 / 5, "one-fifth": 1 / 5, "two fifths": 2 / 5, "two-fifths": 2 / 5,
    "three fifths": 3 / 5, "three-fifths": 3 / 5, "four fifths": 4 / 5, "four-fifths": 4 / 5,
    "a tenth": 1 / 10, "one tenth": 1 / 10, "one-tenth": 1 / 10,
}
_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "usd": "USD", "pounds": "GBP", "pound": "GBP",
    "gbp": "GBP", "euros": "EUR", "euro": "EUR", "eur": "EUR", "yen": "JPY", "rupees": "INR",
}
_MEASURE_UNITS = {
    "hours": "hours", "hour": "hours", "hrs": "hours", "minutes": "minutes", "minute": "minutes",
    "days": "days", "day": "days", "weeks": "weeks", "week": "weeks", "months": "months",
    "month": "months", "years": "years", "year": "years", "km": "km", "kilometres": "km",
    "kilometers": "km", "miles": "miles", "kg": "kg", "kilograms": "kg", "tonnes": "tonnes",
    "tons": "tonnes", "degrees": "degrees", "litres": "litres", "liters": "litres",
}
_VAGUE = {"dozens", "hundreds", "thousands", "millions", "billions", "scores", "tens"}

# Hedge phrases, longest first so "more than" wins over "more".
_HEDGES = {
    "nearly": "nearly", "almost": "nearly", "just under": "nearly", "just shy of": "nearly",
    "close to": "about", "about": "about", "around": "about", "approximately": "about",
    "roughly": "about", "some": "about", "an estimated": "about", "estimated": "about",
    "maybe": "about", "perhaps": "about", "approx.": "about", "circa": "about",
    "more than": "more than", "over": "more than", "above": "more than", "upwards of": "more than",
    "just over": "more than", "in excess of": "more than", "greater than": "more than",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "up to": "up to", "as many as": "up to", "as much as": "up to", "at most": "up to",
    "less than": "less than", "fewer than": "less than", "under": "less than", "below": "less than",
}
_HEDGE_RE = "|".join(sorted((re.escape(h) for h in _HEDGES), key=len, reverse=True))

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_WORDNUM = (
    r"(?:(?:" + "|".join(_TENS_WORDS) + r")(?:[-\s](?:" + "|".join(k for k in _UNITS_WORDS if _UNITS_WORDS[k] < 10 and k != "zero") + r"))?"
    r"|" + "|".join(sorted(_UNITS_WORDS, key=len, reverse=True)) + r")"
)
_SCALE_RE = r"(?:hundred|thousand|million|billion|trillion|bn|mn|tn|[kKmMbBtT])\b"
_CUR_PREFIX = r"(?:US\$|\$|£|€|¥|₹)"
_PCT = r"(?:%|\s?per\s?cent\b|\s?percent\b|\s?pct\b)"
_POINTS = r"\s?(?:percentage|per\s?cent(?:age)?)\s+points?\b|\s?points?\b|\s?pp\b"
_DASH = r"\s?(?:-|–|—|to)\s?"

_TOKEN_RE = re.compile(
    rf"""
    (?P<hedge>\b(?:{_HEDGE_RE})\s+)?
    (?:
        (?P<inratio>\b(?P<in_a>{_WORDNUM}|\d+)\s+(?:in|out\s+of)\s+(?P<in_b>{_WORDNUM}|\d+)\b)
      | (?P<fraction>\b(?:{"|".join(sorted((re.escape(f) for f in _FRACTION_WORDS), key=len, reverse=True))})\b)
      | (?P<cur>{_CUR_PREFIX})?\s?
        (?P<num>(?<![\w.]){_NUM}|\b{_WORDNUM}\b)
        (?:(?P<rangesep>{_DASH})(?P<num2>{_NUM}|\b{_WORDNUM}\b))?
        (?:\s?(?P<scale>{_SCALE_RE}))?
        (?P<pct>{_PCT})?
        (?P<pts>{_POINTS})?
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

_VAGUE_RE = re.compile(r"\b(?:(?:tens|hundreds)\s+of\s+)?(?P<w>dozens|hundreds|thousands|millions|billions|scores)\s+of\b", re.I)
_MULTIPLE_RE = re.compile(
    r"\b(?P<m>doubled|doubling|tripled|tripling|quadrupled|halved|twice|(?P<times>\d+(?:\.\d+)?|" + _WORDNUM + r")[-\s]?(?:times|fold))\b",
    re.I,
)
_RANK_RE = re.compile(
    r"\b(?:the\s+)?(?P<ord>(?:second|third|fourth|fifth)[-\s])?most\s+(?P<what>requested|popular|common|frequent|performed|used|visited|watched|downloaded|sought[-\s]after|searched)\b",
    re.I,
)

_YEAR_RE = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_AGE_BEFORE = re.compile(
    r"(?:\bage[sd]?(?:\s+of)?|\bas\s+(?:young|old)\s+as|\bturned|\bturning|\bborn\s+in)\s*$", re.I
)
_PEOPLE_NOUNS = r"(?:people|patients|children|kids|adults|teens|teenagers|women|men|girls|boys|those|anyone|users|voters|youths|students|aged)"
_AGE_UNDER = re.compile(rf"\b{_PEOPLE_NOUNS}\s+(?:under|over|below|above|older\s+than|younger\s+than)\s*$", re.I)
_AGE_AFTER = re.compile(r"^\s*(?:-|\s)?(?:years?[-\s]old|year-old|yrs?\s+old|yo\b)", re.I)
_DECADE_AFTER = re.compile(r"^'?s\b")
_TIME_AFTER = re.compile(r"^\s?(?:[ap]\.?m\.?\b|o'clock)", re.I)
_MODEL_BEFORE = re.compile(r"(?:\b(?:iphone|covid|windows|gpt|version|v|model|type|phase|level|grade|room|route|chapter|section|article|no\.|number|tier|class|pixel|galaxy|ps|xbox|boeing|airbus|mp)[-\s]?)$", re.I)


# --- helpers --------------------------------------------------------------------------

def _word_to_number(text: str) -> float | None:
    t = text.lower().replace("-", " ").split()
    if not t:
        return None
    total = 0.0
    for w in t:
        if w in _UNITS_WORDS:
            total += _UNITS_WORDS[w]
        elif w in _TENS_WORDS:
            total += _TENS_WORDS[w]
        else:
            return None
    return total


def parse_number(text: str) -> float | None:
    """'1,234.5' -> 1234.5, 'fifty-eight' -> 58; None when it is not a number."""
    t = text.strip()
    if re.fullmatch(_NUM, t):
        return float(t.replace(",", ""))
    return _word_to_number(t)


def _decimals(text: str) -> int:
    t = text.replace(",", "")
    return len(t.split(".", 1)[1]) if "." in t else 0


def _rounding_halfwidth(num_text: str, value: float, scale: float) -> float:
    """Half a unit of the last written digit: '58' -> 0.5, '1.4 million' -> 50,000.

    Written words ('fifty-eight') and numbers ending in zeros are treated like digits:
    '1,400' -> ±0.5, since writers who round usually hedge.
    """
    if parse_number(num_text) is not None and not re.fullmatch(_NUM, num_text.strip()):
        return 0.5 * scale
    return 0.5 * (10 ** -_decimals(num_text)) * scale


def hedge_interval(value: float, base_low: float, base_high: float, hedge: str | None, percent: bool) -> tuple[float, float, bool, bool]:
    """The interval a hedge turns a written value into.

    nearly 80%  -> [75, 80)   (up to 5 points, or 1/16 of the value, below)
    about 75%   -> [72.5, 77.5] (2.5 points, or 5% of the value, either side)
    more than X -> (X, inf)   at least X -> [X, inf)   up to X -> [0, X]   less than X -> [0, X)
    Percentages are capped to [0, 100].
    """
    cap = 100.0 if percent else math.inf
    kind = _HEDGES.get(hedge.lower().strip(), hedge) if hedge else None
    near = 5.0 if percent else value / 16
    about = 2.5 if percent else value * 0.05
    if kind == "nearly":
        return (max(0.0, value - near), value, True, False)
    if kind == "about":
        return (max(0.0, min(base_low, value - about)), min(cap, max(base_high, value + about)), True, True)
    if kind == "more than":
        return (value, cap, False, True)
    if kind == "at least":
        return (value, cap, True, True)
    if kind == "up to":
        return (0.0, value, True, True)
    if kind == "less than":
        return (0.0, value, True, False)
    return (base_low, base_high, True, True)


def interval_contains(q: Quantity, x: float, rel_tol: float = 0.0) -> bool:
    """Whether a reported value x fits what the quantity commits to."""
    slack = abs(x) * rel_tol
    lo_ok = x > q.low - slack if not q.low_inclusive else x >= q.low - slack
    hi_ok = x < q.high + slack if not q.high_inclusive else x <= q.high + slack
    return lo_ok and hi_ok


def intervals_overlap(a: Quantity, b: Quantity, rel_tol: float = 0.0) -> bool:
    """Two written figures are compatible when their intervals share a point.

    'nearly 80%' [75, 80) and '78%' [77.5, 78.5] overlap; 'nearly 80%' and '83%' do not.
    An open bound only touching the other interval does not count.
    """
    slack = max(abs(a.value), abs(b.value)) * rel_tol
    lo = max(a.low, b.low) - slack
    hi = min(a.high, b.high) + slack
    if lo < hi:
        return True
    if lo > hi:
        return False
    # Touching at one point: both sides must include it.
    a_has = (a.low_inclusive or a.low < lo) and (a.high_inclusive or a.high > lo)
    b_has = (b.low_inclusive or b.low < lo) and (b.high_inclusive or b.high > lo)
    return a_has and b_has


# --- exclusions -----------------------------------------------------------------------

def _is_excluded(text: str, m: re.Match[str], value: float) -> str | None:
    """Why a bare number is not a statistic (year, time, age, date, model name...), or None."""
    num = m.group("num") or ""
    s, e = m.start("num"), m.end("num")
    before, after = text[max(0, s - 40):s], text[e:e + 20]
    has_unit = bool(m.group("pct") or m.group("cur") or m.group("pts") or m.group("scale"))
    if has_unit:
        return None
    if _YEAR_RE.match(num) and not re.match(r"^\s*(?:people|patients|surgeons|respondents)", after, re.I):
        return "year"
    if re.match(r"^\s?(?:[-–/]\s?\d{2}\b)", after) and _YEAR_RE.match(num):
        return "year range"
    if _DECADE_AFTER.match(after) or re.match(r"^(?:st|nd|rd|th)\b", after, re.I):
        return "decade or ordinal"
    if re.match(r"^[:.]\d{2}\s?(?:[ap]\.?m\.?)", after, re.I) or _TIME_AFTER.match(after) or re.match(r"^:\d{2}", after):
        return "time"
    if re.search(rf"\b{_MONTHS}\s*$", before, re.I) or re.match(rf"^\s*{_MONTHS}\b", after, re.I):
        return "date"
    if _AGE_BEFORE.search(before) or _AGE_AFTER.match(after) or _AGE_UNDER.search(before):
        return "age"
    if re.search(r"[A-Za-z]-$", before) or _MODEL_BEFORE.search(before):
        return "model name"
    if re.match(r"^-(?:step|year|day|hour|minute|page|point|member|person|seat)\b", after, re.I):
        return "compound modifier"
    if re.search(r"(?:^|\n)\s*$", before) and re.match(r"^[.)]\s", after):
        return "list numbering"
    if re.search(r"\d[\s-]$", before) or re.match(r"^[\s-]\d{3,}", after):
        return "phone or code"
    if re.search(r"#\s?$", before):
        return "number sign"
    return None


# --- main entry -----------------------------------------------------------------------

def find_quantities(text: str) -> list[Quantity]:
    """Every statistic-like quantity in `text`, in order, with offsets into `text`."""
    out: list[Quantity] = []
    for m in _TOKEN_RE.finditer(text):
        q = _from_match(text, m)
        if q is not None:
            out.append(q)
    taken = [(q.start, q.end) for q in out]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _VAGUE_RE.finditer(text):
        if free(m.start(), m.end()):
            w = m.group("w").lower()
            scale = {"dozens": 12, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9, "scores": 20}[w]
            out.append(Quantity(value=scale, low=scale * 2, high=scale * 1000, unit="count", text=m.group(0)[: -len(" of")].strip(),
                                start=m.start(), end=m.start() + len(m.group(0)) - 3, vague=True, kind="vague"))
    for m in _MULTIPLE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        word = m.group("m").lower()
        factor = {"doubled": 2, "doubling": 2, "twice": 2, "tripled": 3, "tripling": 3, "quadrupled": 4, "halved": 0.5}.get(word)
        if factor is None:
            factor = parse_number(m.group("times")) or 0
        if factor:
            out.append(Quantity(value=float(factor), low=float(factor), high=float(factor), unit="times", text=m.group(0),
                                start=m.start(), end=m.end(), kind="multiple"))
    for m in _RANK_RE.finditer(text):
        if free(m.start(), m.end()):
            rank = {"second": 2, "third": 3, "fourth": 4, "fifth": 5}.get((m.group("ord") or "").strip(" -").lower(), 1)
            out.append(Quantity(value=float(rank), low=float(rank), high=float(rank), unit="rank", text=m.group(0),
                                start=m.start(), end=m.end(), kind="rank"))
    out.sort(key=lambda q: q.start)
    return out


def _from_match(text: str, m: re.Match[str]) -> Quantity | None:
    hedge = (m.group("hedge") or "").strip() or None
    percent_after = re.match(rf"^{_PCT}", text[m.end():], re.I)
    if m.group("inratio"):
        a, b = parse_number(m.group("in_a")), parse_number(m.group("in_b"))
        if not a or not b or a > b or b > 1000:
            return None
        v = 100 * a / b
        low, high, li, hi = hedge_interval(v, v - 2.5, v + 2.5, hedge, percent=True)
        return Quantity(v, low, high, "percent", m.group(0).strip(), m.start() + _lead(m), m.end(), hedge, li, hi, kind="fraction")
    if m.group("fraction"):
        frac = _FRACTION_WORDS[m.group("fraction").lower()]
        v = 100 * frac
        # A fraction word is a rounding of its own: "three-quarters" fits 74-76%.
        low, high, li, hi = hedge_interval(v, v - 1.0, v + 1.0, hedge, percent=True)
        return Quantity(v, low, high, "percent", m.group(0).strip(), m.start() + _lead(m), m.end(), hedge, li, hi, kind="fraction")
    num_text = m.group("num")
    if not num_text:
        return None
    value = parse_number(num_text)
    if value is None:
        return None
    is_word = not re.fullmatch(_NUM, num_text)
    scale_word = (m.group("scale") or "").lower()
    scale = _SCALES.get(scale_word, 1.0)
    # Single-letter scales need a currency or a digit right before them ("9.4M", "$3bn").
    if scale_word in {"k", "m", "b", "t"} and (is_word or re.match(r"\s", text[m.end("num"):m.start("scale")] or "")):
        if not m.group("cur"):
            return None
    pct = bool(m.group("pct") or percent_after) and not m.group("pts")
    pts = bool(m.group("pts")) and (pct or bool(re.search(r"percent|per\s?cent|pp", m.group("pts"), re.I)))
    if m.group("pts") and not pts:
        # "5 points" alone: points on a scale, kept as a level in points.
        pts = True
    cur = m.group("cur")
    after = text[m.end():m.end() + 30]
    cur_word = re.match(r"^\s?(?:(?:US|U\.S\.)\s)?(dollars?|usd|pounds?|gbp|euros?|eur|yen|rupees)\b", after, re.I)
    if is_word and not (pct or scale_word or cur or cur_word or m.group("pts")):
        # Number words alone ("one of the", "two friends") are counts only with a noun and no article use.
        if value <= 1 or not re.match(r"^\s+[a-z]", after):
            return None
    excluded = _is_excluded(text, m, value)
    if excluded:
        return None
    if is_word and value == 0:
        return None
    value *= scale
    num2 = m.group("num2")
    if num2:
        v2 = parse_number(num2)
        if v2 is None or (_YEAR_RE.match(num_text) and (_YEAR_RE.match(num2) or len(num2) == 2)):
            return None  # "2012–13", "2019-2022": periods, not quantities
        v2 *= scale
        if v2 <= value:
            return None
        unit = "percent" if pct else _unit_for(cur, cur_word, after, pts)
        end = m.end() + (len(cur_word.group(0)) if cur_word else 0)
        return Quantity((value + v2) / 2, value, v2, unit, text[m.start() + _lead(m):end].strip(), m.start() + _lead(m), end,
                        hedge, kind="range")
    half = _rounding_halfwidth(num_text, value / scale, scale)
    unit = "percent" if pct else _unit_for(cur, cur_word, after, pts)
    percentish = unit in ("percent", "points")
    low, high, li, hi = hedge_interval(value, value - half, value + half, hedge, percent=percentish)
    end = m.end() + (len(cur_word.group(0)) if cur_word else 0)
    if percent_after and not m.group("pct"):
        end = m.end() + len(percent_after.group(0))
    kind = "percent" if pct else "money" if unit.startswith("currency") else "word" if is_word else "number"
    start = m.start() + _lead(m)
    return Quantity(value, low, high, unit, text[start:end].strip(), start, end, hedge, li, hi, scale=scale, kind=kind)


def _lead(m: re.Match[str]) -> int:
    """Offset of the first non-space character of the match (the hedge or the number)."""
    g = m.group(0)
    return len(g) - len(g.lstrip())


def _unit_for(cur: str | None, cur_word: re.Match[str] | None, after: str, pts: bool) -> str:
    if pts:
        return "points"
    if cur:
        return f"currency:{_CURRENCY_SYMBOLS[cur.upper() if cur.upper() == 'US$' else cur]}"
    if cur_word:
        return f"currency:{_CURRENCY_WORDS[cur_word.group(1).lower()]}"
    word = re.match(r"^\s?([A-Za-z]+)", after)
    if word and word.group(1).lower() in _MEASURE_UNITS:
        return _MEASURE_UNITS[word.group(1).lower()]
    return "count"


def render_interval(q: Quantity) -> str:
    """'[75, 80)': the interval in the notation editors see in explanations."""
    lo = "[" if q.low_inclusive else "("
    hi = "]" if q.high_inclusive else ")"
    def fmt(x: float) -> str:
        return "∞" if math.isinf(x) else f"{x:,.4g}"
    return f"{lo}{fmt(q.low)}, {fmt(q.high)}{hi}"


def with_tolerance(q: Quantity, rel_tol: float) -> Quantity:
    """Widen an exact figure by a relative tolerance (used by the Vlachos benchmark)."""
    if rel_tol <= 0:
        return q
    d = abs(q.value) * rel_tol
    return replace(q, low=min(q.low, q.value - d), high=max(q.high, q.value + d))
