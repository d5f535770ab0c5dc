"""The judge's thresholds: one typed object, each value with the range it may take.

`JudgeThresholds` is config.yaml's `judge` section itself (claimdesk/settings.py loads
the file straight into it), so a threshold has one name, one default and one range,
written here once. `Thresholds` adds the retrieval floor the judge also applies
(`retrieval.min_similarity`) and is what `claims.judge.judge` takes.

Ranges are checked when config.yaml is loaded (`range_problems`), so a typo such as
`supported_similarity: 5` fails at start-up with the key named, not as a judge that
never supports anything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def _between(default: float, low: float, high: float) -> Any:
    """A float field with its inclusive range recorded beside it (read by `range_problems`)."""
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class JudgeThresholds:
    """config.yaml `judge`: how close and how alike a statement must be for each verdict."""

    # Similarity (embedding cosine) a candidate needs before a compatible figure counts as support.
    supported_similarity: float = _between(0.5, 0.0, 1.0)
    # Similarity needed before a changed measure/population/period/source is "misrepresented".
    misrepresented_similarity: float = _between(0.55, 0.0, 1.0)
    # Similarity needed before a different value or direction counts as "contradicted".
    contradicted_similarity: float = _between(0.6, 0.0, 1.0)
    # A claim is flagged for review unless supported/not_checkable with at least this confidence.
    flag_below_confidence: float = _between(0.6, 0.0, 1.0)
    # Relative tolerance for exact figures beyond their rounding interval (0.0 = rounding only).
    relative_tolerance: float = _between(0.0, 0.0, 1.0)
    # Share of the claim's content words the statement must share before a different value
    # contradicts it ("earnings rose 5.1%" is not contradicted by "the energy index rose 41.6%").
    contradiction_topic_overlap: float = _between(0.4, 0.0, 1.0)
    # A different figure contradicts only within this factor of the statement's (the larger over
    # the smaller), unless its digits are the statement's transposed ("28%" for "82%"). Several
    # times the statement's figure is another quantity of the topic (a subgroup, a component, a
    # level against a change), not the same one misreported: chosen on the dev sets (every gold
    # contradiction under 3, every such pair above it on published text another quantity).
    contradiction_max_ratio: float = _between(3.0, 1.0, 1000.0)
    # The same for an open-ended figure ("more than a third") to count as supported; chosen on
    # data/devset3 (0.4 lost true supports worded differently).
    open_ended_topic_overlap: float = _between(0.2, 0.0, 1.0)
    # Replace each verdict's confidence by the calibrated probability from the learned model
    # (claims/decision_model.json, trained by benchmarks/train_judge.py) and store the
    # calibrated probability that the claim has a problem. The verdict itself stays the rules'.
    calibrated_confidence: bool = True

    def range_problems(self) -> list[tuple[str, str]]:
        """(field name, what is wrong) for every value outside its range; empty when all fit."""
        problems = []
        for f in dataclasses.fields(self):
            if "range" not in f.metadata:
                continue
            low, high = f.metadata["range"]
            value = getattr(self, f.name)
            if not low <= value <= high:
                problems.append((f.name, f"must be between {low:g} and {high:g}, got {value!r}"))
        return problems


@dataclass(frozen=True)
class Thresholds(JudgeThresholds):
    """Everything `judge()` compares against: the `judge` section plus the retrieval floor."""

    # Below this similarity a statement is not considered to cover a claim at all
    # (config.yaml `retrieval.min_similarity`).
    min_similarity: float = _between(0.35, 0.0, 1.0)

    @classmethod
    def of(cls, judge: JudgeThresholds, min_similarity: float) -> Thresholds:
        """The judge's thresholds from config.yaml's `judge` section and `retrieval.min_similarity`."""
        values = {f.name: getattr(judge, f.name) for f in dataclasses.fields(JudgeThresholds)}
        return cls(min_similarity=min_similarity, **values)
