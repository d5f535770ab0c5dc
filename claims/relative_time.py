"""'last year', 'this July', 'a decade ago' -> concrete periods, given the article's publication date.

A figure "for last year" is only comparable with a source's 2022 figure once we know the
article was published in 2023. Without a publication date the words stay words and the
period stays unknown, as before. Pure functions: text and dates in, strings out.

A resolved period is written compactly, ISO 8601 style, so it reads well on the desk
and in SQL and sorts as text:

    2022                 a calendar year
    2023-07              a month
    2023-Q1              a calendar quarter
    2023-05-22           a day (a week's ends)
    A/B                  from A to B, each one of the above ("2008/2023", "2022-06/2023-06")

`period_bounds` turns any of these (and the extractor's own "2019" and "2019-2022") into
the first and last day they cover, which is what the judge compares.

The rules, chosen to be predictable rather than clever:
- "last/this/next year|month|quarter|week" are calendar units before/at/after the
  publication date's; "last decade" the previous calendar decade (2010/2019).
- "the past/last N years|months|quarters", "the previous N years", "the past year", "the
  last decade" are rolling spans ending at the publication month ("in the past year",
  June 2023: 2022-06/2023-06); "the last quarter" and "the previous quarter" are the
  latest whole calendar quarter.
- "N years|months ago", "a decade ago" count back from the publication date.
- "a year earlier", "the previous year", "N years before" count back from the year the
  sentence names when it names one ("In 2021 … up from 4% a year earlier": 2020),
  else from the publication year.
- "this July" is July of the publication year; "last July" the latest July before the
  publication month; "next July" the first one after; "in July" (no year) the latest
  July up to the publication month.
- "since 2008", "since March 2020", "since last year" run to the publication date.
- A time after "compared with", "than", "from", "versus", "over" or "on" is a baseline,
  not the figure's period ("up 5% on last year"), and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from claims.periods import main_years, own_years

if TYPE_CHECKING:
    from claims.model import Claim

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_MONTH_NUMBER = {m.lower(): i for i, m in enumerate(MONTHS, start=1)} | {
    m.lower()[:3]: i for i, m in enumerate(MONTHS, start=1)} | {"sept": 9}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "several": None}
_NUM = r"\d{1,2}|a\s+couple\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_MONTHS = (r"January|February|March|April|May|June|July|August|September|October|November|December"
           r"|Sept?\.?|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Oct\.?|Nov\.?|Dec\.?")

# One alternation, tried left to right at each position; the group name says the form.
_RELATIVE = re.compile(
    rf"(?i:\b(?P<since>since\s+(?:(?-i:(?P<since_month>{_MONTHS}))\s+)?(?P<since_year>(?:19|20)\d\d)\b|since\s+last\s+year\b))"
    rf"|(?i:\b(?P<rolling>the\s+(?:(?:past|last)\s+(?:(?P<rn>{_NUM})\s+)?|(?:previous|preceding)\s+(?P<rn2>{_NUM})\s+)"
    r"(?P<runit>years?|decades?|months?|quarters?|weeks?))\b)"
    rf"|(?i:\b(?P<ago>(?P<an>{_NUM})\s+(?P<aunit>years?|decades?|months?|quarters?|weeks?)\s+ago)\b)"
    rf"|(?i:\b(?P<earlier>(?P<en>{_NUM})\s+(?P<eunit>years?|decades?)\s+(?:earlier|before)"
    r"|the\s+(?:previous|preceding|prior)\s+year|the\s+year\s+(?:before|earlier))\b)"
    r"|(?i:\b(?P<calendar>(?P<which>last|this|next|the\s+current|the\s+previous|the\s+preceding)\s+"
    r"(?P<cunit>year|month|quarter|week|decade))\b)"
    rf"|\b(?P<named>(?i:(?P<mwhich>this|last|next|in|during|early|late|mid-?))\s*(?P<month>{_MONTHS}))(?!\s*\.?\s*\d)(?![\w-])"
)
_BASELINE_BEFORE = re.compile(r"(?:\bcompared\s+(?:with|to)|\bthan|\bfrom|\bversus|\bvs\.?|\bover|\bon|\bagainst)\s+$",
                              re.I)


@dataclass(frozen=True)
class RelativeTime:
    """A relative time as written in a text, where it is, and its form (the regex group)."""

    words: str
    start: int
    end: int
    form: str


def find_relative(text: str) -> list[RelativeTime]:
    """Every relative time expression of a text that could be a figure's period, in order
    (baselines such as "compared with last year" left out)."""
    found = []
    for m in _RELATIVE.finditer(text):
        form = next(g for g in ("since", "rolling", "ago", "earlier", "calendar", "named") if m.group(g))
        if form != "since" and form != "rolling" and _BASELINE_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
            continue
        words = m.group(form)
        found.append(RelativeTime(words, m.start(form), m.end(form), form))
    return found


def resolve(rt: RelativeTime, published: date, anchor_year: int | None = None) -> str | None:
    """The concrete period of one relative time, given the publication date (and the year the
    sentence names, for "a year earlier"); None when the words do not fix a period."""
    m = _RELATIVE.match(rt.words)
    if m is None:
        return None
    if rt.form == "since":
        return _since(m, published)
    if rt.form == "rolling":
        return _rolling(_count(m.group("rn") or m.group("rn2")), m.group("runit"), published, bool(m.group("rn") or m.group("rn2")))
    if rt.form == "ago":
        return _ago(_count(m.group("an")), m.group("aunit"), published)
    if rt.form == "earlier":
        n = _count(m.group("en")) if m.group("en") else 1
        years = n * (10 if (m.group("eunit") or "").lower().startswith("decade") else 1)
        return str((anchor_year or published.year) - years)
    if rt.form == "calendar":
        return _calendar(m.group("which"), m.group("cunit"), published)
    return _named_month(m.group("mwhich"), m.group("month"), published)


def _count(word: str | None) -> int:
    if word is None:
        return 1
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else (_NUMBER_WORDS.get(word) or 1)


def _month_shift(d: date, months: int) -> tuple[int, int]:
    k = d.year * 12 + d.month - 1 + months
    return k // 12, k % 12 + 1


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _quarter(d: date, shift: int = 0) -> str:
    k = d.year * 4 + (d.month - 1) // 3 + shift
    return f"{k // 4}-Q{k % 4 + 1}"


def _since(m: re.Match[str], published: date) -> str:
    if m.group("since_year"):
        start = int(m.group("since_year"))
        if m.group("since_month"):
            month = _MONTH_NUMBER[m.group("since_month").lower().rstrip(".")]
            return f"{_ym(start, month)}/{_ym(published.year, published.month)}"
        return f"{start}/{published.year}"
    return f"{published.year - 1}/{published.year}"  # since last year


def _rolling(n: int, unit: str, published: date, counted: bool = True) -> str:
    unit = unit.lower().rstrip("s")
    if unit == "quarter" and not counted:
        return _quarter(published, -1)  # "in the last quarter": the latest whole quarter
    if unit == "decade":
        return f"{published.year - 10 * n}/{published.year}"
    if unit == "week":
        return f"{(published - timedelta(weeks=n)).isoformat()}/{published.isoformat()}"
    months = {"year": 12, "quarter": 3, "month": 1}[unit] * n
    return f"{_ym(*_month_shift(published, -months))}/{_ym(published.year, published.month)}"


def _ago(n: int, unit: str, published: date) -> str:
    unit = unit.lower().rstrip("s")
    if unit in ("year", "decade"):
        return str(published.year - n * (10 if unit == "decade" else 1))
    if unit == "quarter":
        return _quarter(published, -n)
    if unit == "week":
        return _week(published - timedelta(weeks=n))
    return _ym(*_month_shift(published, -n))


def _week(d: date) -> str:
    monday = d - timedelta(days=d.weekday())
    return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"


def _calendar(which: str, unit: str, published: date) -> str:
    which = " ".join(which.lower().split()).removeprefix("the ")
    shift = {"last": -1, "previous": -1, "preceding": -1, "this": 0, "current": 0, "next": 1}[which]
    unit = unit.lower()
    if unit == "year":
        return str(published.year + shift)
    if unit == "month":
        return _ym(*_month_shift(published, shift))
    if unit == "quarter":
        return _quarter(published, shift)
    if unit == "week":
        return _week(published + timedelta(weeks=shift))
    decade = published.year // 10 * 10 + 10 * shift  # decade
    return f"{decade}/{decade + 9}"


def _named_month(which: str | None, month_word: str, published: date) -> str:
    month = _MONTH_NUMBER[month_word.lower().rstrip(".")]
    which = (which or "in").lower()
    year = published.year
    if which == "last":
        year -= 0 if month < published.month else 1
    elif which == "next":
        year += 0 if month > published.month else 1
    elif which != "this" and month > published.month:
        year -= 1  # "in July", said in March: last July
    return _ym(year, month)


# --- the period a resolved string covers ----------------------------------------------------

_POINT = re.compile(r"^(?P<y>\d{4})(?:-(?:Q(?P<q>[1-4])|(?P<m>\d{2})(?:-(?P<d>\d{2}))?))?$")


def _point(text: str) -> tuple[date, date] | None:
    m = _POINT.match(text.strip())
    if m is None:
        return None
    y = int(m.group("y"))
    if m.group("q"):
        q = int(m.group("q"))
        return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
    if m.group("d"):
        d = date(y, int(m.group("m")), int(m.group("d")))
        return d, d
    if m.group("m"):
        month = int(m.group("m"))
        return date(y, month, 1), _month_end(y, month)
    return date(y, 1, 1), date(y, 12, 31)


def _month_end(y: int, m: int) -> date:
    ny, nm = _month_shift(date(y, m, 1), 1)
    return date(ny, nm, 1) - timedelta(days=1)


def period_bounds(period: str | None) -> tuple[date, date] | None:
    """First and last day a period covers: a resolved period ("2023-Q1", "2008/2023") or an
    extracted one ("2022", "2019-2022"); None when it is neither."""
    if not period:
        return None
    try:
        if "/" in period:
            a, b = period.split("/", 1)
            first, last = _point(a), _point(b)
            return (first[0], last[1]) if first and last else None
        span = re.fullmatch(r"(\d{4})-(\d{4})", period.strip())
        if span:
            return date(int(span.group(1)), 1, 1), date(int(span.group(2)), 12, 31)
        return _point(period)
    except ValueError:  # a month 13, a day 31 of April
        return None


def periods_overlap(a: str | None, b: str | None) -> bool | None:
    """Whether two periods share a day; None when either is unknown or unreadable."""
    pa, pb = period_bounds(a), period_bounds(b)
    if pa is None or pb is None:
        return None
    return pa[0] <= pb[1] and pb[0] <= pa[1]


# --- publication dates and claims -------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%Y/%m/%d", "%d/%m/%Y",
                 "%B %Y", "%b %Y")


def parse_date(text: str | None) -> date | None:
    """A publication date as pages and header lines write it ("2023-05-02T10:00:00Z",
    "January 31, 2024", "2 May 2023", "May 2023"); None when it is not one."""
    if not text:
        return None
    text = " ".join(text.strip().split())
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})", text)
    if iso:
        text = iso.group(1)
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text).replace("Sept ", "Sep ")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def resolve_claim(claim: Claim, published: date | None) -> Claim:
    """The claim with the relative time of its clause kept as words (`period_words`) and,
    given a publication date, resolved (`period_resolved`).

    A clause that names its own year keeps it ("in 2021, a year earlier than…"): the
    relative words are then not the figure's period. Without a date nothing is resolved.
    """
    if own_years(claim.text):
        return claim
    found = find_relative(claim.text)
    if not found:
        return claim
    rt = found[0]
    resolved = None
    if published is not None:
        years = main_years(claim.sentence)
        anchor = int(years[0][:4]) if len(years) == 1 else None
        resolved = resolve(rt, published, anchor)
    return replace(claim, period_words=rt.words, period_resolved=resolved)


def resolve_claims(claims: list[Claim], published: date | None) -> list[Claim]:
    return [resolve_claim(c, published) for c in claims]
