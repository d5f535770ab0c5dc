"""Scoring extracted, judged claims against a gold file (DESIGN.md, "Gold files").

Pure: the caller supplies the gold lines, the article texts and the stored claims.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from claims.model import PROBLEM_VERDICTS


@dataclass(frozen=True)
class GoldClaim:
    article: str
    quote: str
    verdict: str
    note: str = ""
    # The error classes the claim belongs to (issue #15: baseline, derived, points_vs_percent,
    # scope, direction_only), so `claimdesk eval` can report each class's hits and misses.
    classes: tuple[str, ...] = ()


# The classes a gold line may name, in the order the per-class table lists them.
GOLD_CLASSES = ("baseline", "derived", "points_vs_percent", "scope", "direction_only")


@dataclass(frozen=True)
class SystemClaim:
    article: str  # file name, matched to gold by name
    claim_id: str
    text: str
    start: int
    end: int
    verdict: str
    rule: str = ""  # the rule that decided the verdict (claims/rules.py), for the per-rule table


@dataclass
class ClassScore:
    """One error class's figures: a class can be found but judged wrongly, or judged
    wrongly but still flagged (a problem caught under another problem verdict)."""

    gold: int = 0
    found: int = 0
    exact: int = 0
    problems: int = 0  # gold claims of the class with a problem verdict
    caught: int = 0  # of those, flagged with any problem verdict

    def figures(self) -> dict[str, int]:
        return {"gold": self.gold, "found": self.found, "exact": self.exact, "problems": self.problems,
                "caught": self.caught}


@dataclass
class EvalReport:
    gold: int = 0
    checkable_gold: int = 0
    found: int = 0
    exact: int = 0
    flag_right: int = 0
    errors_total: int = 0
    errors_caught: int = 0
    supported_total: int = 0
    false_alarms: int = 0
    extra_flags: int = 0
    # Of the extra flags, those on text that holds no gold quote at all (the rest sit inside a
    # labelled quote whose verdict another claim carries: the same text flagged twice).
    extra_flags_outside_gold: int = 0
    # Of the extra flags inside a labelled quote, those in a quote labelled `supported`: noise an
    # editor checks for nothing. The others sit in a quote labelled a problem (often its second
    # figure, "to 1.28m" of "fell 16,000 to 1.28m"), which the editor has to open anyway.
    extra_flags_in_supported_quotes: int = 0
    misses: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    # Per gold class (GoldClaim.classes): its own counts of the same figures.
    by_class: dict[str, ClassScore] = field(default_factory=dict)
    # Per deciding rule, over found gold claims: [verdicts right, verdicts wrong]. Why: a rule
    # right 15 times in 16 on written sets and 3 in 27 on published text is the finding that
    # says where the judge does not generalise.
    by_rule: dict[str, list[int]] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.found / self.checkable_gold if self.checkable_gold else 1.0

    @property
    def accuracy(self) -> float:
        return self.exact / self.gold if self.gold else 1.0

    @property
    def flag_accuracy(self) -> float:
        return self.flag_right / self.gold if self.gold else 1.0

    def figures(self) -> dict[str, float | int]:
        return {
            "gold": self.gold, "recall": round(self.recall, 4), "verdict_accuracy": round(self.accuracy, 4),
            "flag_accuracy": round(self.flag_accuracy, 4), "errors_caught": self.errors_caught,
            "errors_total": self.errors_total, "false_alarms_on_supported": self.false_alarms,
            "supported_total": self.supported_total, "extra_flags": self.extra_flags,
            "extra_flags_outside_gold": self.extra_flags_outside_gold,
            "extra_flags_in_supported_quotes": self.extra_flags_in_supported_quotes,
        }


def load_gold(path: Path) -> list[GoldClaim]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            classes = d.get("classes") or ()
            if isinstance(classes, str) or not all(isinstance(c, str) for c in classes):
                raise ValueError(f"classes must be a list of names, not {classes!r}")
            out.append(GoldClaim(d["article"], d["quote"], d["verdict"], d.get("note", ""), tuple(classes)))
        except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: bad gold line ({exc})") from None
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def best_match(span: tuple[int, int], claims: list[SystemClaim]) -> tuple[SystemClaim | None, bool]:
    """The claim whose span best fits the quote (IoU), and whether it counts as found.

    Found: the claim covers at least half of the quote and the quote is at least a
    quarter of the claim.
    """
    best, best_iou = None, 0.0
    for c in claims:
        inter = _overlap(span, (c.start, c.end))
        if not inter:
            continue
        union = (span[1] - span[0]) + (c.end - c.start) - inter
        iou = inter / union if union else 0.0
        if iou > best_iou:
            best, best_iou = c, iou
    if best is None:
        return None, False
    inter = _overlap(span, (best.start, best.end))
    found = inter >= 0.5 * (span[1] - span[0]) and (span[1] - span[0]) >= 0.25 * (best.end - best.start)
    return best, found


def score(gold: list[GoldClaim], texts: dict[str, str], claims: list[SystemClaim]) -> EvalReport:
    rep = EvalReport()
    by_article: dict[str, list[SystemClaim]] = {}
    for c in claims:
        by_article.setdefault(c.article, []).append(c)
    matched: set[str] = set()
    quote_spans: dict[str, list[tuple[int, int]]] = {}
    supported_spans: dict[str, list[tuple[int, int]]] = {}
    for g in gold:
        rep.gold += 1
        text = texts.get(g.article)
        if text is None or g.quote not in text:
            rep.misses.append(f"{g.article}: quote not in article: {g.quote!r}")
            continue
        s = text.index(g.quote)
        quote_spans.setdefault(g.article, []).append((s, s + len(g.quote)))
        if g.verdict == "supported":
            supported_spans.setdefault(g.article, []).append((s, s + len(g.quote)))
        best, found = best_match((s, s + len(g.quote)), by_article.get(g.article, []))
        if found and best is not None:
            matched.add(best.claim_id)
            predicted = best.verdict
            tally = rep.by_rule.setdefault(best.rule or "(none)", [0, 0])
            tally[predicted != g.verdict] += 1
        elif g.verdict == "not_checkable" and best is None:
            predicted = "not_checkable"
        else:
            predicted = None
        gold_problem = g.verdict in PROBLEM_VERDICTS
        if g.verdict != "not_checkable":
            rep.checkable_gold += 1
            rep.found += predicted is not None
        if gold_problem:
            rep.errors_total += 1
        if g.verdict == "supported":
            rep.supported_total += 1
        pred_problem = predicted in PROBLEM_VERDICTS if predicted else False
        rep.exact += predicted == g.verdict
        rep.flag_right += (pred_problem == gold_problem) and predicted is not None
        rep.errors_caught += gold_problem and pred_problem
        rep.false_alarms += g.verdict == "supported" and pred_problem
        _count_classes(rep, g, predicted)
        if predicted != g.verdict:
            got = predicted or "(not found)"
            rep.misses.append(f"{g.article}: expected {g.verdict}, got {got}: {g.quote!r}")
    for c in claims:
        if c.claim_id not in matched and c.verdict in PROBLEM_VERDICTS and c.article in {g.article for g in gold}:
            rep.extra_flags += 1
            rep.extra_flags_outside_gold += not any(_overlap(q, (c.start, c.end)) for q in quote_spans.get(c.article, []))
            rep.extra_flags_in_supported_quotes += any(_overlap(q, (c.start, c.end))
                                                       for q in supported_spans.get(c.article, []))
            rep.extra.append(f"{c.article}: {c.verdict}: {c.text!r}")
    return rep


def _count_classes(rep: EvalReport, g: GoldClaim, predicted: str | None) -> None:
    """Add one gold claim's outcome to the score of each class it belongs to."""
    for name in g.classes:
        cs = rep.by_class.setdefault(name, ClassScore())
        cs.gold += 1
        cs.found += predicted is not None
        cs.exact += predicted == g.verdict
        if g.verdict in PROBLEM_VERDICTS:
            cs.problems += 1
            cs.caught += predicted in PROBLEM_VERDICTS


def class_table(rep: EvalReport) -> list[str]:
    """The per-class lines `claimdesk eval` prints (none when no gold line names a class)."""
    if not rep.by_class:
        return []
    names = [c for c in GOLD_CLASSES if c in rep.by_class] + sorted(set(rep.by_class) - set(GOLD_CLASSES))
    lines = [f"{'class':<18} {'gold':>5} {'found':>6} {'exact':>6} {'caught':>8}"]
    for name in names:
        cs = rep.by_class[name]
        lines.append(f"{name:<18} {cs.gold:>5} {cs.found:>6} {cs.exact:>6} {cs.caught:>4}/{cs.problems:<3}")
    return lines


def rule_table(rep: EvalReport) -> list[str]:
    """The per-rule lines `claimdesk eval` prints: for each deciding rule, how many found gold
    claims it decided and how many of those verdicts are right."""
    if not rep.by_rule:
        return []
    lines = [f"{'rule':<40} {'decided':>8} {'right':>6}"]
    for name, (right, wrong) in sorted(rep.by_rule.items(), key=lambda kv: (-sum(kv[1]), kv[0])):
        lines.append(f"{name:<40} {right + wrong:>8} {right:>6}")
    return lines
