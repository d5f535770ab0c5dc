"""The shared structures: a quantity, a claim (or source finding), and a verdict.

An article claim and a source finding are the same structure, so the judge can compare
them field by field. Everything here is plain data: no spaCy, no SQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from claims.vocabulary import MEASURE_ORDER, VERDICT_ORDER
from claims.vocabulary import PROBLEM_VERDICTS as _PROBLEMS

# Plain-string views of claims/vocabulary.py, where the names and their order are defined.
# What kind of number a quantity is.
MEASURES: tuple[str, ...] = tuple(m.value for m in MEASURE_ORDER)
# Verdicts, in the order an editor should see them (problems first).
VERDICTS: tuple[str, ...] = tuple(v.value for v in VERDICT_ORDER)
PROBLEM_VERDICTS: frozenset[str] = frozenset(v.value for v in _PROBLEMS)

# Claim types after Full Fact's schema (Konstantinovskiy et al. 2021).
CLAIM_TYPES = (
    "quantity",
    "prediction",
    "correlation_causation",
    "rules_laws",
    "personal_experience",
    "other",
    "not_a_claim",
)


@dataclass(frozen=True)
class Quantity:
    """A number as written, with the interval it commits the writer to.

    `low`/`high` come from the hedge and the rounding: "nearly 80%" -> [75, 80),
    "58%" -> [57.5, 58.5]. Offsets index the text the quantity was parsed from.
    """

    value: float
    low: float
    high: float
    unit: str  # percent, points, count, currency:USD, hours, years, fraction, ...
    text: str
    start: int
    end: int
    hedge: str | None = None  # nearly, about, more than, at least, up to, close to, maybe ...
    low_inclusive: bool = True
    high_inclusive: bool = True
    vague: bool = False  # "millions of", "dozens of": not a checkable figure
    scale: float = 1.0
    kind: str = "number"  # number, percent, fraction, word, range, rank, multiple, money

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """One atomic claim: a quantity plus what it is a quantity of.

    Offsets (`start`, `end`) index the whole document text, so the review desk can
    highlight the claim in its article and the eval can compare spans with gold quotes.
    """

    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    quantity: Quantity | None
    measure: str = "none"
    direction: str | None = None  # up, down, or None
    subject: str = ""
    predicate: str = ""
    population: str = ""
    period: str | None = None  # "2022", "2019-2022"
    attribution: str | None = None
    claim_type: str = "quantity"
    checkworthiness: float = 0.0
    checkable: bool = True
    reason: str = ""  # why a claim is not checkable, in words an editor reads
    in_quote: bool = False
    # A relative time in the claim's clause, as written ("last year"), and the concrete
    # period it names given the article's publication date ("2022"; claims/relative_time.py).
    # The judge compares `period_resolved` when it is set, else `period`.
    period_words: str | None = None
    period_resolved: str | None = None

    @property
    def compared_period(self) -> str | None:
        """The period the judge compares: the resolved relative time, else the stated year(s)."""
        return self.period_resolved or self.period
    # Its place in a series the sentence states (claims/series.py): "main", or the "baseline"
    # or "change" of the main figure that starts at document offset `related_start`.
    role: str = "main"
    related_start: int | None = None
    # The words that name what the figure counts, read from the parse (claims/measured.py):
    # "price garden furniture" for "the price of garden furniture rose by 8.3%". A conflicting
    # figure contradicts only a statement that says all of them.
    measured: str = ""

    @property
    def value(self) -> float | None:
        return self.quantity.value if self.quantity else None

    @property
    def unit(self) -> str | None:
        return self.quantity.unit if self.quantity else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["quantity"] = self.quantity.to_dict() if self.quantity else None
        return d


@dataclass(frozen=True)
class Statement:
    """A stored source statement with the finding parsed from it (what retrieval searches)."""

    statement_id: str
    source_id: str
    source_title: str
    text: str
    start: int
    end: int
    finding: Claim

    def as_evidence(self, similarity: float) -> Evidence:
        """This statement proposed for a claim at this similarity."""
        return Evidence(self.statement_id, self.source_id, self.source_title, self.text, self.start, self.end,
                        similarity, self.finding)


@dataclass(frozen=True)
class Evidence:
    """A source statement proposed for a claim, with the finding parsed from it."""

    statement_id: str
    source_id: str
    source_title: str
    text: str
    start: int
    end: int
    similarity: float
    finding: Claim | None = None
    # Proposed because it states the claim's figure, not because retrieval ranked it
    # (sources.matching.same_figure_pool): it may support the claim, never make it a problem,
    # since a number repeated elsewhere in a document is often a coincidence.
    by_figure: bool = False


@dataclass(frozen=True)
class FieldComparison:
    """How one field of a claim compares with the same field of a finding."""

    field: str
    claim: str
    evidence: str
    agrees: bool | None  # None: one side does not say, so nothing to compare


@dataclass(frozen=True)
class ComputedEvidence:
    """A figure no source sentence states, computed from two that do (issue #15, `claims/derived.py`).

    "a 15-point increase since 2008" from 50% (2008) and 65% (2012): operation
    `difference`, operands the two statements (earlier first), result 15 points. The
    editor sees `expression` ("65% \u2212 50% = 15 points") with both statements quoted.
    """

    operation: str  # difference (points), relative_change (percent), ratio (times), sum
    operands: tuple[Evidence, ...]  # in the order the expression reads them
    operand_values: tuple[float, ...]
    result: float
    low: float  # the result's interval from the operands' rounding
    high: float
    unit: str  # points, percent, times, or the operands' unit for a sum
    expression: str
    fits: bool  # whether the result fits the claim's figure (its hedge and rounding)


@dataclass(frozen=True)
class Verdict:
    verdict: str
    confidence: float
    explanation: str
    evidence: Evidence | None = None
    comparisons: tuple[FieldComparison, ...] = field(default_factory=tuple)
    # The stable name of the rule that decided this verdict (claims/rules.py), so analysts
    # can count verdicts by rule in SQL and editors see which rule fired.
    rule: str = ""
    # The calibrated probability that the claim has a problem (contradicted, misrepresented or
    # unverifiable), from claims/decision.py; None when no calibration model is in use.
    problem_probability: float | None = None
    # The arithmetic behind a verdict decided by computed evidence (claims/derived.py), else None.
    computed: ComputedEvidence | None = None

    @property
    def agree(self) -> list[str]:
        return [c.field for c in self.comparisons if c.agrees is True]

    @property
    def disagree(self) -> list[str]:
        return [c.field for c in self.comparisons if c.agrees is False]

    def flagged(self, flag_below_confidence: float) -> bool:
        """Flagged for review unless supported/not_checkable with high confidence (DESIGN.md)."""
        if self.verdict in ("supported", "not_checkable"):
            return self.confidence < flag_below_confidence
        return True
