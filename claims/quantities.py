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
  ("three-quarters" -> [74, 76]); "n in d" ratios ±min(2.5 points, a quarter of the value).
- Hedges (`hedge_interval`): nearly -> [v - 8%, v) for percentages (at most 5 points below), [v - v/16, v) otherwise;
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
from decimal import Decimal

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
_BIG_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "t": 1e12,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
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
_CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
    "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "HK$": "HKD",
    "USD": "USD", "GBP": "GBP", "EUR": "EUR",  # "USD 1.4 trillion": the ISO code as a prefix (UN, IMF style)
}
_CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "usd": "USD", "pounds": "GBP", "pound": "GBP",
    "gbp": "GBP", "euros": "EUR", "euro": "EUR", "eur": "EUR", "yen": "JPY", "rupees": "INR",
}
_MEASURE_UNITS = {
    "hours": "hours", "hour": "hours", "hrs": "hours", "minutes": "minutes", "minute": "minutes",
    "mins": "minutes", "days": "days", "day": "days", "weeks": "weeks", "week": "weeks",
    "months": "months", "month": "months", "years": "years", "year": "years", "km": "km",
    "kilometres": "km", "kilometers": "km", "miles": "miles", "kg": "kg", "kilograms": "kg",
    "decades": "decades", "decade": "decades", "tonnes": "tonnes", "tons": "tonnes", "degrees": "degrees",
    "litres": "litres", "liters": "litres", "metres": "metres", "meters": "metres", "metre": "metres", "meter": "metres",
    "cm": "cm", "centimetres": "cm", "mm": "mm", "millimetres": "mm", "feet": "feet", "foot": "feet", "ft": "feet",
    "inches": "inches", "inch": "inches", "acres": "acres", "hectares": "hectares", "mph": "mph", "gallons": "gallons",
    "barrels": "barrels",
}
# Vague amounts: the least the words allow, and the next scale up (exclusive).
_VAGUE_SCALES = {
    "dozens": (24, 144), "scores": (40, 400), "hundreds": (200, 1e3), "thousands": (2e3, 1e6),
    "millions": (2e6, 1e9), "billions": (2e9, 1e12),
}

# Hedge phrases, longest first so "more than" wins over "more".
_HEDGES = {
    "nearly": "nearly", "almost": "nearly", "just under": "nearly", "just shy of": "nearly",
    "close to": "about", "about": "about", "around": "about", "approximately": "about",
    "roughly": "about", "some": "about", "an estimated": "about", "estimated": "about",
    "maybe": "about", "perhaps": "about", "approx.": "about", "circa": "about",
    "more than": "more than", "over": "more than", "above": "more than", "upwards of": "more than",
    "just over": "more than", "in excess of": "more than", "greater than": "more than",
    "well over": "more than",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "up to": "up to", "as many as": "up to", "as much as": "up to", "at most": "up to",
    "no more than": "up to", "not more than": "up to",
    "less than": "less than", "fewer than": "less than", "under": "less than", "below": "less than",
}
_HEDGE_RE = "|".join(sorted((re.escape(h).replace(r"\ ", r"\s+") for h in _HEDGES), key=len, reverse=True))

# --- number syntax --------------------------------------------------------------------

# Thousands grouped with commas, with no-break or thin spaces, or with plain spaces when
# there are two groups or more ("5 379 455"; "23 500" alone is too ambiguous).
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?|\d{1,3}(?:\x20\d{3}){2,}(?![\d,])(?:\.\d+)?"
    r"|\d+(?:\.\d+)?|\.\d+"
)
_GROUP_SEPS = re.compile(r"[,\u00a0\u202f\u2009 ]")
_NUM = _DIGITS  # kept for callers that matched digits with it
_W_DIGIT = "|".join(k for k, v in _UNITS_WORDS.items() if 1 <= v <= 9)
_W_SMALL = "|".join(sorted(_UNITS_WORDS, key=len, reverse=True))
_W_TENS = "|".join(_TENS_WORDS)
_W1 = rf"(?:(?:{_W_TENS})(?:[-\s](?:{_W_DIGIT})\b)?|(?:{_W_SMALL}))"
_WSEP = r"(?:-|\s+)"
_MULT = r"(?:hundred|thousand|million|billion|trillion)"
_AFTER_MULT = r"(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion)|(?<=trillion))"
# "fifty-eight", "two hundred and fifty", "a million": number words up to trillions.
_WORDNUM = (
    rf"(?:\b(?:{_W1}|(?<!-)a(?={_WSEP}{_MULT}\b))(?:{_WSEP}{_MULT}\b){{0,3}}"
    rf"(?:{_AFTER_MULT}(?:\s+and)?{_WSEP}{_W1}(?:{_WSEP}{_MULT}\b){{0,3}}){{0,6}}\b)"
)
_SCALE_WORDS = r"(?:hundred|thousand|million|billion|trillion|bn|mn|tn)"


def _scale_re(name: str, cur: str) -> str:
    """A scale after a number: a word ("1.4 million", "3 bn"), or a letter glued to digits
    ("9.4M", "30k"); "t" only after a currency ("$3T"), since "5t" is tonnes."""
    return rf"(?:\s?(?P<{name}>{_SCALE_WORDS})\b|(?P<{name}1>[kKmMbB]|(?({cur})[tT]|(?!)))\b)"


_CUR_PREFIX = r"(?:US\$|AU\$|A\$|CA\$|C\$|NZ\$|HK\$|\$|£|€|¥|₹|(?:USD|GBP|EUR)(?=\s?\d))"
_PCT = r"(?:\s?%|\s?per\s?cent\b|\s?percent\b|\s?pct\b|pc\b)"
_POINT_NOUNS = r"(?:lead|gap|swing|drop|fall|rise|increase|decrease|margin|advantage|deficit|jump|decline|cut|hike)"
_POINTS = (
    r"\s?(?:percentage|per\s?cent(?:age)?)[\s-]+points?\b|\s?basis\s+points?\b|\s?(?:score|index)\s+points?\b|\s?bps\b|\s?points?\b(?!\s+of\b)|pp\b"
    rf"|-points?(?=\s+{_POINT_NOUNS}\b)"
)
_SIGN = r"[-−]"


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
            {"" if with_words else "(?!)"}(?P<inratio>\b(?P<in_a>{_WORDNUM}|\d+)\s+(?:in|out\s+of)\s+(?P<in_b>\d{{1,3}}(?:,\d{{3}})+|\d+|{_WORDNUM})\b(?![.,]\d))
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
    r"\b(?:(?P<pre>tens|hundreds)\s+of\s+)?(?P<w>dozens|hundreds|thousands|millions|billions|scores)\s+of\b", re.I
)
_TIMES_FOLLOW = (
    r"(?=\s+(?:as|more|less|higher|lower|greater|larger|bigger|smaller|faster|slower|likelier|likely|fewer|"
    r"the|that|what|its|their|his|her|over|above|below|cheaper|dearer|costlier|longer|shorter)\b)"
)
_MULTIPLE_RE = re.compile(
    rf"(?P<hedge>\b(?:{_HEDGE_RE})\s+)?\b(?P<m>doubled|doubling|tripled|trebled|tripling|quadrupled|halved|halving"
    rf"|twice(?=\s+(?:as|the|that|its|their|his|her|what)\b)"
    rf"|(?P<fold>\d+(?:\.\d+)?|{_W1})[-\s]?fold"
    rf"|(?P<times>(?:\d+(?:\.\d+)?|{_WORDNUM})(?:[\s-]+and[\s-]+a[\s-]+half)?)[-\s]times{_TIMES_FOLLOW})\b",
    re.I,
)
_ORD_RE = r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
_MOST_WHAT = (
    r"(?:requested|popular|common|frequent|performed|used|visited|watched|downloaded|sought[-\s]after|searched|"
    r"populous|profitable|expensive|valuable|streamed|viewed|prescribed|spoken)"
)
_SUPERLATIVES = r"(?:largest|biggest|highest|lowest|smallest|busiest|richest|poorest|deadliest|worst|best-selling)"
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
# Phone numbers: digit groups with a leading +, ( or 0, or three groups or more, or 555-0199.
_PHONE_RE = re.compile(
    r"(?<![\w.,])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?|\d{2,5}[\s.-])(?:\d{2,4}[\s.-])*\d{3,4}(?![\w,]|\.\d)"
)

_YEAR_RE = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_AGE_BEFORE = re.compile(
    r"(?:\bage[sd]?(?:\s+of)?|\bas\s+(?:young|old)\s+as|\bturned|\bturning|\bturns|\bborn\s+in|\baged\s+between)\s*$", re.I
)
_AGE_PAIR_BEFORE = re.compile(r"\bage[sd]?(?:\s+of)?\s+\d+\s*(?:and|or|to|-|–)\s*$", re.I)
_PEOPLE_NOUNS = (
    r"(?:people|patients|children|kids|adults|teens|teenagers|women|men|girls|boys|those|anyone|users|voters|"
    r"youths|students|pupils|workers|drivers|pensioners|aged)"
)
_AGE_UNDER = re.compile(rf"\b{_PEOPLE_NOUNS}\s+(?:under|over|below|above|older\s+than|younger\s+than)\s*$", re.I)
_AGE_AFTER = re.compile(
    r"^\s*(?:-|\s)?(?:years?[-\s]old|year-olds?|yrs?\s+old|yo\b)|^-?\s+(?:to|and|or)\s+\d+[-\s]years?[-\s]olds?", re.I
)
_TIME_AFTER = re.compile(r"^\s?(?:[ap]\.?m\.?(?![a-z])|o'clock)|^[:.]\d{2}\s?[ap]\.?m\b|^:\d{2}", re.I)
_MODEL_BEFORE = re.compile(
    r"(?:\b(?:iphone|ipad|covid|windows|gpt|version|v|model|type|phase|level|grade|room|route|chapter|section|"
    r"article|clause|no\.|number|tier|class|pixel|galaxy|ps|xbox|playstation|boeing|airbus|mp|series|season|episode|"
    r"channel|radio|flight|page|pages|apollo|formula|war|ios|android|macos|python|mark|mk|stage|gate|platform|"
    r"junction|bus|line|category|exhibit|figure|table|appendix|paragraph|rule|act|bill|resolution)[-\s]?)$",
    re.I,
)
_COMPOUND_AFTER = re.compile(
    r"^-(?:step|year|day|hour|minute|page|point|member|person|seat|strong|mile|week|month|storey|story|bed|"
    r"man|woman|a-side|inch|foot|metre|meter|second|game|match|part|time)\b",
    re.I,
)
_FRACTION_ARTICLE_OK = re.compile(
    r"^(?:\s*$|\s*[,.;:!?)\]—–\"”’']|\s+(?:of|more|less|fewer|lower|higher|as|since|in|on|last|this|over|from|"
    r"to|and|or|but|after|before|while|compared|than|between|during|among|each|every|a|per|the|year-on-year)\b)",
    re.I,
)


# --- helpers --------------------------------------------------------------------------

def _words_value(text: str) -> tuple[float, float] | None:
    """'two hundred and fifty' -> (250, 1); 'two million' -> (2e6, 1e6): value and trailing scale.

    Only well-formed numbers: 'twenty one' but not 'one twenty', 'fifteen hundred' but not
    'one hundred one hundred', big scales in falling order ('two million three thousand').
    """
    tokens = [t for t in re.split(r"[\s-]+", text.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    if tokens == ["zero"]:
        return 0.0, 1.0
    total, hund, low, group_seen, last_big = 0, 0, 0, False, math.inf
    for t in tokens:
        if t == "a" and not group_seen:
            low, group_seen = 1, True
        elif t in _UNITS_WORDS and t != "zero":
            v = _UNITS_WORDS[t]
            if v < 10 and not (low == 0 or (low >= 20 and low % 10 == 0)):
                return None
            if v >= 10 and low != 0:
                return None
            low, group_seen = low + v, True
        elif t in _TENS_WORDS:
            if low != 0:
                return None
            low, group_seen = _TENS_WORDS[t], True
        elif t == "hundred":
            if hund or not 1 <= low <= 99:
                return None
            hund, low = low, 0
        elif t in _BIG_WORDS:
            big = _BIG_WORDS[t]
            if not (hund or low) or big >= last_big:
                return None
            total += (hund * 100 + low) * int(big)
            hund, low, group_seen, last_big = 0, 0, False, big
        else:
            return None
    trailing = _BIG_WORDS.get(tokens[-1], 1.0)
    return float(total + hund * 100 + low), trailing


def _word_to_number(text: str) -> float | None:
    v = _words_value(text)
    return v[0] if v else None


def parse_number(text: str) -> float | None:
    """'1,234.5' -> 1234.5, '-3.5' or '−3.5' -> -3.5, 'fifty-eight' -> 58; None when not a number."""
    t = text.strip()
    sign = 1.0
    if t[:1] in ("-", "−"):
        sign, t = -1.0, t[1:]
    if re.fullmatch(_DIGITS, t):
        return sign * float(_GROUP_SEPS.sub("", t))
    if sign < 0:
        return None
    return _word_to_number(t)


def _decimals(text: str) -> int:
    t = _GROUP_SEPS.sub("", text)
    return len(t.split(".", 1)[1]) if "." in t else 0


def _dec(x: float) -> Decimal:
    return Decimal(repr(x))


def _is_digits(num_text: str) -> bool:
    return bool(re.fullmatch(_DIGITS, num_text.strip()))


def _value_and_half(num_text: str, scale_word: str, and_a_half: bool = False) -> tuple[float, float, float] | None:
    """The written number times its scale, the rounding half-width, and the scale.

    Digits: half a unit of the last written digit, times the scale ('1.4 million' ->
    50,000); 'hundred' is part of the number, not a rounding. Words: exact, or half the
    trailing big scale ('two million' -> 500,000). 'and a half' reads like a written '.5'
    ('seven and a half' -> 7.5 ± 0.05, 'a billion and a half' -> 1.5bn ± 0.05bn).
    """
    scale = _SCALES.get(scale_word.lower(), 1.0) if scale_word else 1.0
    rounding_scale = 1.0 if scale == 1e2 else scale
    if _is_digits(num_text):
        d = Decimal(_GROUP_SEPS.sub("", num_text))
        decimals = _decimals(num_text)
        if and_a_half:
            if decimals:
                return None
            d, decimals = d + Decimal("0.5"), 1
        value = d * _dec(scale)
        half = Decimal("0.5") * Decimal(10) ** -decimals * _dec(rounding_scale)
        return float(value), float(half), scale
    wv = _words_value(num_text)
    if wv is None:
        return None
    base, trailing = wv
    if and_a_half:
        return (base + 0.5 * trailing) * scale, 0.05 * trailing * rounding_scale, (trailing * scale if trailing > 1 else scale)
    return base * scale, 0.5 * trailing * rounding_scale, (trailing * scale if trailing > 1 else scale)


def hedge_interval(value: float, base_low: float, base_high: float, hedge: str | None, percent: bool) -> tuple[float, float, bool, bool]:
    """The interval a hedge turns a written value into: (low, high, low_inclusive, high_inclusive).

    nearly 80%  -> [75, 80)     (8% of the value below, at most 5 points, for percentages; a sixteenth otherwise)
    about 75%   -> [72.5, 77.5] (min(2.5 points, a tenth) either side for percentages, 5% otherwise;
                                 never narrower than the rounding [base_low, base_high])
    more than X -> (X, 100] for percentages below 100, else (X, inf)
    at least X  -> [X, 100] or [X, inf)     up to X -> [0, X]     less than X -> [0, X)
    No hedge: the rounding interval, with the lower bound kept at 0 for a non-negative value.
    Infinite bounds are open; the value always lies inside [low, high].
    """
    kind = _HEDGES.get(re.sub(r"\s+", " ", hedge.lower().strip()), hedge) if hedge else None
    floor = 0.0 if value >= 0 else -math.inf
    mag = abs(value)
    cap_above = 100.0 if percent and value < 100 else math.inf
    if kind == "nearly":
        near = min(5.0, mag * 0.08) if percent else mag / 16
        return (max(floor, value - near), value, True, False)
    if kind == "about":
        about = min(2.5, mag / 10) if percent else mag / 20
        cap = 100.0 if percent and value <= 100 else math.inf
        return (max(floor, min(base_low, value - about)), min(cap, max(base_high, value + about)), True, True)
    if kind == "more than":
        return (value, cap_above, False, not math.isinf(cap_above))
    if kind == "at least":
        return (value, cap_above, True, not math.isinf(cap_above))
    if kind == "up to":
        return (floor, value, not math.isinf(floor), True)
    if kind == "less than":
        return (floor, value, not math.isinf(floor), False)
    return (max(floor, base_low), base_high, True, True)


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

def _excluded(text: str, s: int, e: int, num: str) -> str | None:
    """Why the bare number text[s:e] is not a statistic (year, time, age, date, model name...), or None.

    Only for numbers without a unit: a percent sign, currency or scale makes any number a figure.
    """
    before, after = text[max(0, s - 40):s], text[e:e + 30]
    if _YEAR_RE.match(num) and not re.match(r"^\s*(?:people|patients|surgeons|respondents)", after, re.I):
        return "year"
    if re.match(r"^'?s\b", after) or re.match(r"^(?:st|nd|rd|th)\b", after, re.I):
        return "decade or ordinal"
    if _TIME_AFTER.match(after):
        return "time"
    clock = re.fullmatch(r"(\d{1,2})\.(\d{2})", num)
    if (clock and int(clock.group(1)) <= 24 and int(clock.group(2)) < 60
            and re.search(r"\b(?:at|until|till|before|after|from|by)\s+$", before, re.I)
            and re.match(r"^\s*(?:on\b|today|tonight|tomorrow|yesterday|this\b|last\b|next\b|GMT|BST|CET|local|[,.;]|$)", after)):
        return "time"
    if re.search(rf"\b{_MONTHS}\s*$", before) or re.match(rf"^\s*(?:of\s+)?{_MONTHS}(?![a-z])", after):
        return "date"
    if re.match(r"^/\d", after) or re.search(r"\d/$", before):
        return "date or fraction code"
    if _AGE_BEFORE.search(before) or _AGE_PAIR_BEFORE.search(before) or _AGE_AFTER.match(after) or _AGE_UNDER.search(before):
        return "age"
    if re.search(r"[A-Za-z]-$", before) or _MODEL_BEFORE.search(before) or re.search(r"\bNo\.?\s?$", before):
        return "model name"
    if _COMPOUND_AFTER.match(after):
        return "compound modifier"
    if re.search(r"(?:^|\n)\s*$", before) and re.match(r"^[.)]\s", after):
        return "list numbering"
    if re.search(r"#\s?$", before) or re.search(r"\+\s?$", before):
        return "number sign or phone"
    if re.match(r"^0\d{2,}$", num):
        return "code with a leading zero"
    return None


def _attached_word_ok(text: str, end: int) -> bool:
    """Digits glued to a word ('5G', '3D') are a name, unless the word is a unit ('12km')."""
    w = re.match(r"[A-Za-z]+", text[end:end + 12])
    return w is None or w.group(0).lower() in _MEASURE_UNITS or w.group(0) in ("C", "F")


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
    """Every statistic-like quantity in `text`, in order, with offsets into `text`."""
    taken = _Spans()
    out: list[Quantity] = []
    for m in _PHONE_RE.finditer(text):
        g = m.group(0)
        groups = re.findall(r"\d+", g)
        si_grouped = re.fullmatch(r"\d{1,3}(?: \d{3})+", g)
        if g[0] in "+(0" or (len(groups) >= 3 and not si_grouped) or re.fullmatch(r"\d{3}-\d{4}", g):
            taken.take(m.start(), m.end())
    for bq, bs, be in _between_ranges(text):
        if taken.free(bs, be):
            if bq is not None:
                out.append(bq)
            taken.take(bs, be)
    for q in _multiples(text):
        if taken.free(q.start, q.end):
            out.append(q)
            taken.take(q.start, q.end)
    for q in _ranks(text):
        if taken.free(q.start, q.end):
            out.append(q)
            taken.take(q.start, q.end)
    for m in _VAGUE_RE.finditer(text):
        if not taken.free(m.start(), m.end()):
            continue
        lo, hi = _VAGUE_SCALES[m.group("w").lower()]
        if m.group("pre"):
            mult = 10 if m.group("pre").lower() == "tens" else 100
            base = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "hundreds": 1e2, "dozens": 12, "scores": 20}[m.group("w").lower()]
            lo, hi = 2 * mult * base, 10 * mult * base
        end = m.end() - 2  # drop the "of"
        while text[end - 1].isspace():
            end -= 1
        out.append(Quantity(value=float(lo), low=float(lo), high=float(hi), unit="count", text=text[m.start():end],
                            start=m.start(), end=end, high_inclusive=False, vague=True, kind="vague"))
        taken.take(m.start(), end)
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
                # "12.9 million barrels a day" is a flow; "12.9 million barrels last year" a total.
                q = replace(q, unit=f"{q.unit}/{flow.group('per').lower()}")
            rate = _PER_DENOMINATOR.match(text, q.end) if q.unit == "count" and not q.vague else None
            if rate:
                # "380.7 offenses per 100,000 inhabitants" is a rate, not a count, and its
                # denominator is not a figure of its own.
                q = replace(q, unit=f"per {rate.group('den').replace(',', '')}")
                taken.take(rate.start("den"), rate.end("den"))
                pos = max(pos, rate.end("den"))
            out.append(q)
            taken.take(q.start, q.end)
    out.sort(key=lambda q: q.start)
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
        factor = {"doubled": 2, "doubling": 2, "twice": 2, "tripled": 3, "trebled": 3, "tripling": 3,
                  "quadrupled": 4, "halved": 0.5, "halving": 0.5}.get(word)
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


_CUR_WORD_RE = re.compile(r"^\s?(?:(?:US|U\.S\.)\s)?(dollars?|usd|pounds?|gbp|euros?|eur|yen|rupees)\b", re.I)


def _from_match(text: str, m: re.Match[str], inherit: re.Match[str] | None = None) -> tuple[Quantity | None, int]:
    """The quantity of one token match (or None), and where scanning resumes.

    `inherit`: the two-number match this single number was split from ("from 17 to 6
    percent", "from 1.2 to 1.5 million"); the first number takes its scale and percent.
    """
    hedge = (m.group("hedge") or "").strip() or None
    start = m.start() + _lead(m)
    if m.group("inratio"):
        a, b = parse_number(m.group("in_a")), parse_number(m.group("in_b"))
        if not a or not b or a > b or b > 1e6 or _YEAR_RE.match(m.group("in_b")):
            # "measured at 5400 in 2012": not a ratio; read the first number on its own.
            m1 = _NUMBER_RE.match(text, m.start())
            if m1 is None or not m1.group("num"):
                return None, m.end("in_a")
            return _from_match(text, m1)
        v = 100 * a / b
        half = min(2.5, v / 4)
        low, high, li, hi = hedge_interval(v, v - half, v + half, hedge, percent=True)
        return Quantity(v, low, high, "percent", text[start:m.end()], start, m.end(), hedge, li, hi, kind="fraction"), m.end()
    if m.group("fracscale"):
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
    if m.group("fraction"):
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
    if _YEAR_RE.match(a) and (_YEAR_RE.match(b) or re.fullmatch(r"\d{2}", b)):
        return "drop"  # "2012–13", "2019-2022", "2019 to 2022": periods
    va, vb = parse_number(a), parse_number(b)
    if va is None or vb is None:
        return "drop"
    if m.group("sign"):
        va = -va
    if sep == "to" and re.search(r"\b(?:from|by)\s+(?:about\s+|around\s+)?(?:" + _CUR_PREFIX + r")?\s*$", text[max(0, m.start("num") - 25):m.start("num")], re.I):
        return "split"  # "rose from 25 to 32", "by 12,000 to 350,000": a change and a level
    if vb <= va:
        return "single" if sep == "to" else "drop"  # "3-1": a score line
    if sep == "to" and va > 0 and vb / va > 100:
        return "single"  # "6 to $7,000": not one range
    return "keep"


_FLOW_UNITS = {"barrels", "tonnes", "litres", "gallons", "kg", "km", "miles"}
_PER_TIME = re.compile(r"\s*(?:[A-Za-z-]+\s+){0,4}?(?:a|per|each)\s+(?P<per>day|week|month|year)\b", re.I)
_PER_DENOMINATOR = re.compile(r"\s*(?:[A-Za-z-]+\s+){0,3}?(?:per|for\s+every|in\s+every|out\s+of\s+every)\s+(?P<den>100|1,000|10,000|100,000|1,000,000|1000|10000|100000|1000000)(?![\d,.])")


def _lead(m: re.Match[str]) -> int:
    """Offset of the first non-space character of the match (the hedge or the number)."""
    g = m.group(0)
    return len(g) - len(g.lstrip())


_TEMPERATURE = re.compile(r"^\s?(?:[°º]\s?[CF]?|[CF])(?![A-Za-z])")


def _unit_for(cur: str | None, cur_word: re.Match[str] | None, after: str, pts: bool) -> str:
    if pts:
        return "points"
    if cur:
        return f"currency:{_CURRENCY_SYMBOLS[cur.upper() if cur.upper() in _CURRENCY_SYMBOLS else cur]}"
    if cur_word:
        return f"currency:{_CURRENCY_WORDS[cur_word.group(1).lower()]}"
    if _TEMPERATURE.match(after):
        return "degrees"  # "14.98C", "1.48°C", "0.17 C": British papers glue the scale on
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
