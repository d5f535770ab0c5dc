"""Numbers as written: digits with their separators, number words, scale words, and the
rounding a written figure implies.

The words (number words, scales) are data in `claims/lexicon/`; the digit formats are
grammar and live here, once.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from claims.lexicon import load_table

_UNITS_WORDS = {r["word"]: int(r["value"]) for r in load_table("number_words") if int(r["value"]) < 20}
_TENS_WORDS = {r["word"]: int(r["value"]) for r in load_table("number_words") if int(r["value"]) >= 20}
_SCALE_ROWS = load_table("scales")
_SCALES = {r["word"]: float(r["factor"]) for r in _SCALE_ROWS}
_BIG_WORDS = {r["word"]: float(r["factor"]) for r in _SCALE_ROWS if r["form"] == "word" and float(r["factor"]) >= 1e3}
_ORDINALS = {r["word"]: int(r["value"]) for r in load_table("ordinals")}

# --- number syntax --------------------------------------------------------------------

# Thousands grouped with commas, with no-break or thin spaces, or with plain spaces when
# there are two groups or more ("5 379 455"). One plain-space group ("7 300 GW", "per 1 000",
# "183 000 first-time applicants": the SI and Eurostat style) only before a word or a per cent
# sign and not after another number: in table text "23 500" may be two columns.
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?|\d{1,3}(?:\x20\d{3}){2,}(?![\d,])(?:\.\d+)?"
    r"|(?<![\d.,]\x20)\d{1,3}\x20\d{3}(?=\x20?[^\W\d_]|\x20?%|$)"
    r"|\d+(?:\.\d+)?|\.\d+"
)
_GROUP_SEPS = re.compile(r"[,\u00a0\u202f\u2009 ]")
_W_DIGIT = "|".join(k for k, v in _UNITS_WORDS.items() if 1 <= v <= 9)
_W_SMALL = "|".join(sorted(_UNITS_WORDS, key=len, reverse=True))
_W_TENS = "|".join(_TENS_WORDS)
_W1 = rf"(?:(?:{_W_TENS})(?:[-\s](?:{_W_DIGIT})\b)?|(?:{_W_SMALL}))"
_WSEP = r"(?:-|\s+)"
_MULT_WORDS = [r["word"] for r in _SCALE_ROWS if r["form"] == "word"]
_MULT = "(?:" + "|".join(_MULT_WORDS) + ")"
_AFTER_MULT = "(?:" + "|".join(f"(?<={w})" for w in _MULT_WORDS) + ")"
# "fifty-eight", "two hundred and fifty", "a million": number words up to trillions.
_WORDNUM = (
    rf"(?:\b(?:{_W1}|(?<!-)a(?={_WSEP}{_MULT}\b))(?:{_WSEP}{_MULT}\b){{0,3}}"
    rf"(?:{_AFTER_MULT}(?:\s+and)?{_WSEP}{_W1}(?:{_WSEP}{_MULT}\b){{0,3}}){{0,6}}\b)"
)
_SCALE_WORDS = "(?:" + "|".join(r["word"] for r in _SCALE_ROWS if r["form"] in ("word", "abbreviation")) + ")"
_SCALE_LETTERS = "".join(r["word"] + r["word"].upper() for r in _SCALE_ROWS if r["form"] == "letter")
_SCALE_LETTERS_AFTER_CURRENCY = "".join(r["word"] + r["word"].upper() for r in _SCALE_ROWS if r["form"] == "letter_after_currency")


def _scale_re(name: str, cur: str) -> str:
    """A scale after a number: a word ("1.4 million", "3 bn"), or a letter glued to digits
    ("9.4M", "30k"); "t" only after a currency ("$3T"), since "5t" is tonnes."""
    return rf"(?:\s?(?P<{name}>{_SCALE_WORDS})\b|(?P<{name}1>[{_SCALE_LETTERS}]|(?({cur})[{_SCALE_LETTERS_AFTER_CURRENCY}]|(?!)))\b)"


_PCT = r"(?:\s?%|\s?per\s?cent\b|\s?percent\b|\s?pct\b|pc\b)"
_POINT_NOUNS = r"(?:lead|gap|swing|drop|fall|rise|increase|decrease|margin|advantage|deficit|jump|decline|cut|hike)"
_POINTS = (
    r"\s?(?:percentage|per\s?cent(?:age)?)[\s-]+points?\b|\s?basis\s+points?\b|\s?(?:score|index)\s+points?\b|\s?bps\b|\s?points?\b(?!\s+of\b)|\s?pts\b|\s?ppts?\b|pp\b"
    rf"|-points?(?=\s+{_POINT_NOUNS}\b)"
)
_SIGN = r"[-−]"


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
