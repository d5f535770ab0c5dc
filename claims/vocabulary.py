"""The closed vocabularies of the claim model: verdict names, measures and units, each in its order.

Written once here so the judge, the store's SQL, the review desk and the reports cannot
drift apart: each enum's definition order is the order an editor or analyst sees them
in, and `store/vocabulary_sql.py` builds the SQL orderings and lists from these enums.
Members are `StrEnum`s, so they compare equal to the plain strings stored in the database.
"""

from __future__ import annotations

from enum import StrEnum


class VerdictName(StrEnum):
    """The five verdicts, in review order: problems first, the most serious first."""

    CONTRADICTED = "contradicted"
    MISREPRESENTED = "misrepresented"
    UNVERIFIABLE = "unverifiable"
    SUPPORTED = "supported"
    NOT_CHECKABLE = "not_checkable"

    @property
    def rank(self) -> int:
        """Position in review order, 0 first."""
        return VERDICT_ORDER.index(self)

    @property
    def is_problem(self) -> bool:
        """A verdict an editor must look at whatever the confidence."""
        return self in PROBLEM_VERDICTS


VERDICT_ORDER: tuple[VerdictName, ...] = tuple(VerdictName)
# What the review desk calls a problem: the claim says something the sources do not back.
PROBLEM_VERDICTS: frozenset[VerdictName] = frozenset(
    {VerdictName.CONTRADICTED, VerdictName.MISREPRESENTED, VerdictName.UNVERIFIABLE}
)


class Measure(StrEnum):
    """What kind of number a quantity is (`Claim.measure`), in the order the docs list them."""

    SHARE = "share"
    CHANGE = "change"
    CHANGE_POINTS = "change_points"
    COUNT = "count"
    AMOUNT = "amount"
    RANK = "rank"
    MULTIPLE = "multiple"
    LEVEL = "level"
    COMPARISON = "comparison"  # groups compared without a figure (claims/comparatives.py)
    NONE = "none"


MEASURE_ORDER: tuple[Measure, ...] = tuple(Measure)


class Unit(StrEnum):
    """The units the quantity parser writes (`Quantity.unit`), most common first.

    Three families are open-ended and named by a prefix or shape rather than listed:
    money is `currency:` plus an ISO code (`currency:USD`), a rate is `per ` plus its
    denominator (`per 100000`), and a flow is a unit, `/` and a period (`barrels/day`).
    `unit_base` maps any stored unit string to its member.
    """

    PERCENT = "percent"
    POINTS = "points"
    BASIS_POINTS = "basis points"
    COUNT = "count"
    CURRENCY = "currency"  # stored as currency:USD, currency:GBP, ...
    RATE = "per"  # stored as per 100000, per 1000, ...
    TIMES = "times"
    RANK = "rank"
    DEGREES = "degrees"
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"
    DECADES = "decades"
    MM = "mm"
    CM = "cm"
    METRES = "metres"
    KM = "km"
    INCHES = "inches"
    FEET = "feet"
    MILES = "miles"
    MPH = "mph"
    KG = "kg"
    TONNES = "tonnes"
    LITRES = "litres"
    GALLONS = "gallons"
    BARRELS = "barrels"
    ACRES = "acres"
    HECTARES = "hectares"


UNIT_ORDER: tuple[Unit, ...] = tuple(Unit)
CURRENCY_PREFIX = "currency:"
RATE_PREFIX = "per "


def unit_base(unit: str) -> Unit | None:
    """The member a stored unit string belongs to ("currency:GBP" -> CURRENCY, "barrels/day" -> BARRELS).

    None for a string no member describes, so callers can tell an unknown unit from a known one.
    """
    if unit.startswith(CURRENCY_PREFIX):
        return Unit.CURRENCY
    if unit.startswith(RATE_PREFIX):
        return Unit.RATE
    base = unit.split("/", 1)[0]
    try:
        return Unit(base)
    except ValueError:
        return None
