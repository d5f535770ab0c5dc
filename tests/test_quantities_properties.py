"""Property-based tests of the quantity parser (hypothesis).

Round trips: a number rendered in digits (with or without thousands separators, with
decimals, with a scale word such as "1.4 million", with a minus sign) or in words
("fifty-eight", "two hundred and five thousand") parses back to the same value.
Robustness: on any text the parser does not raise, its offsets index the input, its
quantities do not overlap, and every interval holds its value (low <= value <= high).
Each property runs at most 150 examples, so the file stays fast.
"""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.quantities import find_quantities

FAST = settings(max_examples=150, deadline=None)

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words_below_100(n: int, sep: str = "-") -> str:
    """0..99 in English words: 58 -> 'fifty-eight' (or 'fifty eight' with sep=' ')."""
    if n < 20:
        return _UNITS[n]
    tens, units = divmod(n, 10)
    return _TENS[tens] + (sep + _UNITS[units] if units else "")


def words_below_million(n: int, sep: str = "-", use_and: bool = True) -> str:
    """1..999,999 in words: 250_005 -> 'two hundred and fifty thousand and five'."""
    def below_thousand(k: int) -> str:
        h, r = divmod(k, 100)
        parts = []
        if h:
            parts.append(f"{_UNITS[h]} hundred")
        if r or not h:
            if h and use_and:
                parts.append("and")
            parts.append(words_below_100(r, sep))
        return " ".join(parts)

    th, r = divmod(n, 1000)
    if not th:
        return below_thousand(r)
    out = f"{below_thousand(th)} thousand"
    if r:
        out += (" and " if use_and and r < 100 else " ") + below_thousand(r)
    return out


def group_thousands(s: str) -> str:
    head, _, tail = s.partition(".")
    grouped = f"{int(head):,}"
    return grouped + ("." + tail if tail else "")


def only_quantity(text: str):
    qs = find_quantities(text)
    assert len(qs) == 1, (text, [q.text for q in qs])
    return qs[0]


# --- round trips: digits --------------------------------------------------------------

@FAST
@given(n=st.integers(min_value=0, max_value=10**12), separators=st.booleans())
def test_integer_digits_round_trip(n: int, separators: bool):
    written = f"{n:,}" if separators else str(n)
    q = only_quantity(f"Officials said {written} people were affected.")
    assert q.value == n
    assert q.text == written
    assert q.low <= n <= q.high


@FAST
@given(units=st.integers(min_value=0, max_value=10**9), places=st.integers(min_value=1, max_value=4),
       separators=st.booleans())
def test_decimal_percent_round_trip(units: int, places: int, separators: bool):
    written = f"{Decimal(units).scaleb(-places):.{places}f}"
    if separators:
        written = group_thousands(written)
    q = only_quantity(f"Support reached {written}% in the latest poll.")
    assert q.value == float(written.replace(",", ""))
    assert q.unit == "percent"
    # Half a unit of the last written digit either side.
    half = 0.5 * 10 ** -places
    assert math.isclose(q.high - q.low, 2 * half, rel_tol=1e-6, abs_tol=1e-12) or q.low == 0


@FAST
@given(mantissa=st.integers(min_value=1, max_value=99_999), places=st.integers(min_value=0, max_value=2),
       scale=st.sampled_from([("thousand", 10**3), ("million", 10**6), ("billion", 10**9), ("trillion", 10**12),
                              ("bn", 10**9), ("m", 10**6), ("k", 10**3)]),
       currency=st.sampled_from(["", "$", "£", "€"]))
def test_scaled_digits_round_trip(mantissa: int, places: int, scale: tuple[str, int], currency: str):
    word, factor = scale
    number = Decimal(mantissa).scaleb(-places)
    written = f"{currency}{number:.{places}f}" + (f" {word}" if len(word) > 2 else word)
    q = only_quantity(f"The budget was {written} last year.")
    expected = float(number * factor)
    assert math.isclose(q.value, expected, rel_tol=1e-12)
    assert q.text == written
    # "1.4 million" -> [1.35M, 1.45M]: half a unit of the last digit, times the scale.
    half = 0.5 * 10 ** -places * factor
    assert math.isclose(q.low, expected - half, rel_tol=1e-9) and math.isclose(q.high, expected + half, rel_tol=1e-9)


@FAST
@given(units=st.integers(min_value=1, max_value=10**6), places=st.integers(min_value=0, max_value=2),
       minus=st.sampled_from(["-", "\u2212"]))
def test_negative_percent_round_trip(units: int, places: int, minus: str):
    written = f"{minus}{Decimal(units).scaleb(-places):.{places}f}%"
    q = only_quantity(f"Growth came in at {written} in the quarter.")
    assert q.value == -float(written[1:-1])
    assert q.text == written
    assert q.low <= q.value <= q.high < 0


# --- round trips: words ---------------------------------------------------------------

@FAST
@given(n=st.integers(min_value=0, max_value=99), sep=st.sampled_from(["-", " "]), cap=st.booleans())
def test_words_below_100_round_trip_as_percent(n: int, sep: str, cap: bool):
    written = words_below_100(n, sep)
    if cap:
        written = written.capitalize()
    q = only_quantity(f"{written} percent of voters backed the plan.")
    assert q.value == n
    assert q.text == f"{written} percent"


@FAST
@given(n=st.integers(min_value=2, max_value=99), sep=st.sampled_from(["-", " "]))
def test_words_below_100_round_trip_as_count(n: int, sep: str):
    written = words_below_100(n, sep)
    q = only_quantity(f"Police said {written} people were arrested.")
    assert q.value == n
    assert q.text == written
    assert (q.low, q.high) == (n - 0.5, n + 0.5)


@FAST
@given(n=st.integers(min_value=100, max_value=999_999), sep=st.sampled_from(["-", " "]), use_and=st.booleans())
def test_compound_words_round_trip(n: int, sep: str, use_and: bool):
    written = words_below_million(n, sep, use_and)
    q = only_quantity(f"Officials said {written} homes lost power.")
    assert q.value == n, written
    assert q.text == written


@FAST
@given(n=st.integers(min_value=1, max_value=99), word=st.sampled_from(["million", "billion"]))
def test_words_with_scale_round_trip(n: int, word: str):
    factor = {"million": 10**6, "billion": 10**9}[word]
    q = only_quantity(f"About {words_below_100(n)} {word} people live there.")
    assert q.value == n * factor
    assert q.low <= q.value <= q.high


# --- robustness -----------------------------------------------------------------------

_NEWSY = st.sampled_from([
    "58%", "58 percent", "80 per cent", "3.2 points", "percentage points", "nearly", "about", "more than", "at least",
    "up to", "close to", "between", "and", "to", "from", "by", "–", "-", "−", "three-quarters", "a third", "nine in ten",
    "more than half", "fifty-eight", "1.4 million", "$11.8 billion", "9.4M", "£2bn", "€500m", "dollars", "in 2022",
    "2012–13", "2019-2022", "2.15pm", "10:30", "January 5", "aged 13 to 17", "at age 21", "in their 20s", "iPhone 15",
    "COVID-19", "GPT-4", "1.", "\n2)", "doubled", "three times", "the most requested", "second most popular", "of",
    "the", "people", "rose", "fell", "1,234", "0800 123 4567", "and a half", "hundred", "thousand", "a", "half",
    "twice as", "fold", "(", ")", ",", ".", "%", "$", "£", "per", "cent", "one", "in", "out", "ten", "twenty",
])
_NUMBERISH = st.text(alphabet="0123456789,.%$£€-–−/: abcdeimnoprstuvwxyzMBK()\n", max_size=60)


def check_invariants(text: str) -> None:
    qs = find_quantities(text)
    last_end = -1
    for q in qs:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start:q.end] == q.text
        assert q.text == q.text.strip()
        assert q.low <= q.value <= q.high, (q.text, q.low, q.value, q.high)
        assert not math.isnan(q.value)
        assert q.start >= last_end, "quantities overlap or are out of order"
        last_end = q.end


@FAST
@given(st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str):
    check_invariants(text)


@FAST
@given(st.lists(_NEWSY, max_size=25).map(" ".join))
def test_invariants_on_newsy_token_soup(text: str):
    check_invariants(text)


@FAST
@given(_NUMBERISH)
def test_invariants_on_number_like_text(text: str):
    check_invariants(text)
