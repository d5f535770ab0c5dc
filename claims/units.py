"""The unit of a figure: a currency (symbol, ISO code or word), a measure unit, a flow per time, a rate.

The symbols, codes and unit words are data (`claims/lexicon/currencies.tsv`,
`units.tsv`); the patterns here are built from them.
"""

from __future__ import annotations

import re

from claims.lexicon import alternation, load_table

_CURRENCY_ROWS = load_table("currencies")
_CURRENCY_SYMBOLS = {r["form"]: r["code"] for r in _CURRENCY_ROWS if r["kind"] in ("symbol", "code")}
_CURRENCY_WORDS = {r["form"]: r["code"] for r in _CURRENCY_ROWS if r["kind"] == "word"}
_MEASURE_UNITS = {r["word"]: r["unit"] for r in load_table("units")}
# A currency before the number: a symbol ("$", "A$"), or an ISO code followed by a figure ("USD 1.4 trillion", UN/IMF style).
_CUR_PREFIX = (alternation(tuple(r["form"] for r in _CURRENCY_ROWS if r["kind"] == "symbol"))[:-1]
               + "|" + alternation(tuple(r["form"] for r in _CURRENCY_ROWS if r["kind"] == "code")) + r"(?=\s?\d))")
_CUR_WORD_RE = re.compile(rf"^\s?(?:(?:US|U\.S\.)\s)?({alternation(tuple(_CURRENCY_WORDS))[3:-1]})\b", re.I)
_FLOW_UNITS = {"barrels", "tonnes", "litres", "gallons", "kg", "km", "miles"}
_PER_TIME = re.compile(r"\s*(?:[A-Za-z-]+\s+){0,4}?(?:a|per|each)\s+(?P<per>day|week|month|year)\b", re.I)
_PER_DENOMINATOR = re.compile(r"\s*(?:[A-Za-z-]+\s+){0,3}?(?:per|for\s+every|in\s+every|out\s+of\s+every)\s+(?P<den>100|1,000|10,000|100,000|1,000,000|1000|10000|100000|1000000)(?![\d,.])")
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
