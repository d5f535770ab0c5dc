"""Numbers that are not statistics: years, times, dates, ages, phone numbers, model names, list numbering.

Only for numbers without a unit: a percent sign, currency or scale makes any number a
figure. The words that mark a model name ("iPhone 15", "Route 66") or a compound
modifier ("a 10-step plan") and the month names are data in `claims/lexicon/`.
"""

from __future__ import annotations

import re

from claims.lexicon import alternation, load_list
from claims.patterns import YEAR_NUMBER
from claims.units import _MEASURE_UNITS

_YEAR_RE = re.compile(rf"^{YEAR_NUMBER}$")
_MONTHS = alternation(load_list("months")) + r"\.?"
_AGE_BEFORE = re.compile(
    r"(?:\bage[sd]?(?:\s+of)?|\bas\s+(?:young|old)\s+as|\bturned|\bturning|\bturns|\bborn\s+in|\baged\s+between)\s*$", re.I
)
_AGE_PAIR_BEFORE = re.compile(r"\bage[sd]?(?:\s+of)?\s+\d+\s*(?:and|or|to|-|–)\s*$", re.I)
_PEOPLE_NOUNS = alternation(load_list("age_group_nouns"))
# "people under 18", "adults 50 to 64", "those 65": a number right after a group of people is an age.
_AGE_UNDER = re.compile(rf"\b(?:{_PEOPLE_NOUNS}|those|ones)\s+(?:(?:under|over|below|above|older\s+than|younger\s+than|aged?)\s*)?$", re.I)
_AGE_AFTER = re.compile(
    r"^\s*(?:-|\s)?(?:years?[-\s]old|year-olds?|yrs?\s+old|yo\b)|^-?\s+(?:to|and|or)\s+\d+[-\s]years?[-\s]olds?"
    r"|^\s+(?:and|or)\s+(?:older|over|above|up)\b", re.I
)
_TIME_AFTER = re.compile(r"^\s?(?:[ap]\.?m\.?(?![a-z])|o'clock)|^[:.]\d{2}\s?[ap]\.?m\b|^:\d{2}", re.I)
_MODEL_BEFORE = re.compile(rf"(?:\b{alternation(load_list('model_name_words'))}[-\s]?)$", re.I)
_COMPOUND_AFTER = re.compile(rf"^-{alternation(load_list('compound_nouns'))}\b", re.I)
# Phone numbers: digit groups with a leading +, ( or 0, or three groups or more, or 555-0199.
_PHONE_RE = re.compile(
    r"(?<![\w.,])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?|\d{2,5}[\s.-])(?:\d{2,4}[\s.-])*\d{3,4}(?![\w,]|\.\d)"
)


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
