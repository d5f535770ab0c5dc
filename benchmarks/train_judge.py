"""Train the learned verdict decision (claims/decision.py) and measure it leave-one-set-out.

    python -m benchmarks.train_judge data/devset data/devset2 ... [--test data/realtext3 ...] [--write]

Each labelled set is checked from an empty database with `claimdesk eval` (the product's own
path), then every stored claim is re-read with its stored candidates and judged twice:
by the hand rules, and by the learned decision. For each set, a model trained on all the
OTHER sets decides its claims (leave-one-set-out), and the set is scored with the
product's own scorer (`claims.evaluation.score`) for both. The reliability of the
problem probability (is the claim contradicted, misrepresented or unverifiable?) is
tabulated over the left-out predictions, with its expected calibration error (ECE).

`--test` sets are never trained on; they are scored with the model trained on all the
training sets. `--write` writes that model to claims/decision_model.json. Training is
deterministic (lbfgs, fixed C, no sampling), so re-running gives the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from claims.decision import (
    CLASSES,
    FEATURE_NAMES,
    MODEL_PATH,
    DecisionModel,
    Options,
    calibrate,
    decide,
    features,
    options,
    relaxed,
)
from claims.evaluation import SystemClaim, best_match, load_gold, score
from claims.judge import Thresholds, judge
from claims.model import Claim, Verdict

C_REGULARISATION = float(os.environ.get("CLAIMDESK_JUDGE_C", "0.03"))  # chosen by leave-one-set-out on the training sets only
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Item:
    """One stored claim of a set, with what the rules and the options say of it."""

    article: str
    claim_id: str
    claim: Claim
    start: int
    end: int
    rules: Verdict
    opts: Options | None
    feats: dict[str, float] | None
    label: str | None = None  # gold verdict, when a gold quote matches this claim
    # An extracted figure in a labelled article that no gold quote matches: the labellers
    # labelled every statistical claim, so it is a figure in passing (trained as not_checkable).
    unlabelled_in_gold_article: bool = False
    inherited: str | None = None  # the verdict of a gold quote it lies in, when another claim matched that quote


@dataclass
class LabelledSet:
    name: str
    path: Path
    items: list[Item] = field(default_factory=list)
    gold: list = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)


def _eval_db(path: Path, workdir: Path) -> Path:
    db = workdir / f"{path.name}.duckdb"
    if not db.exists():
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        subprocess.run([sys.executable, "-m", "flows.cli", "--db", str(db), "eval", str(path)], check=True,
                       stdout=subprocess.DEVNULL, env=env, cwd=REPO)
    return db


def load_set(path: Path, workdir: Path, t: Thresholds) -> LabelledSet:
    """Check the set into its own database, then rebuild every claim with its stored candidates."""
    from claimdesk.settings import REPO_CONFIG, load_settings
    from store import reads
    from store.db import session

    db = _eval_db(path, workdir)
    relaxed_t = relaxed(t)
    ls = LabelledSet(path.name, path, gold=load_gold(path / "gold.jsonl"))
    with session(str(db)) as con:
        stmts = {r.statement_id: r for r in reads.load_statements(con)}
        article_ids = [r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()]
        stored = reads.load_article_claims(con, article_ids)
        spans = {cid: (Path(p).name, s, e) for cid, p, s, e in con.execute(
            "SELECT claim_id, article_path, start_char, end_char FROM claim_verdicts").fetchall()}
        matches: dict[str, list[tuple[str, float, bool]]] = {}
        # Matches after the top k are the statements proposed for stating the claim's figure
        # (sources.matching.same_figure_pool): they may only support, as in the product.
        top_k = load_settings(REPO_CONFIG).retrieval.top_k
        for cid, sid, sim, rank in con.execute(
                "SELECT claim_id, statement_id, similarity, rank FROM matches ORDER BY claim_id, rank").fetchall():
            matches.setdefault(cid, []).append((sid, sim, rank > top_k))
        ls.texts = {Path(p).name: txt for p, txt in reads.article_texts(con).items()}
    for rows in stored.values():
        for cid, claim in rows:
            cands = [replace(stmts[sid].as_evidence(sim), by_figure=by_figure)
                     for sid, sim, by_figure in matches.get(cid, []) if sid in stmts]
            rules = judge(claim, cands, t)
            checkable = claim.checkable and claim.quantity is not None
            opts = options(claim, cands, rules, lambda c, e: judge(c, e, relaxed_t)) if checkable else None
            art, s, e = spans[cid]
            ls.items.append(Item(art, cid, claim, s, e, rules, opts, features(claim, opts) if opts else None))
    by_article: dict[str, list[Item]] = {}
    for it in ls.items:
        by_article.setdefault(it.article, []).append(it)
    for g in ls.gold:
        text = ls.texts.get(g.article)
        if text is None or g.quote not in text:
            continue
        s = text.index(g.quote)
        sys_claims = [SystemClaim(i.article, i.claim_id, i.claim.text, i.start, i.end, i.rules.verdict)
                      for i in by_article.get(g.article, [])]
        best, found = best_match((s, s + len(g.quote)), sys_claims)
        if found and best is not None:
            for it in by_article[g.article]:
                if it.claim_id == best.claim_id and g.verdict in CLASSES:
                    it.label = g.verdict
    gold_articles = {g.article for g in ls.gold}
    for it in ls.items:
        if it.label or it.article not in gold_articles:
            continue
        inside = _overlapping_gold_verdict(it, ls)
        if inside is not None:
            it.inherited = inside
        else:
            it.unlabelled_in_gold_article = True
    return ls


def _overlapping_gold_verdict(it: Item, ls: LabelledSet) -> str | None:
    """The verdict of the gold quote this claim overlaps most, if any.

    A second figure inside a labelled quote ("63%, 60% and 59% of teens") shares that
    quote's verdict: it is what an editor reading the queue would have to decide for it.
    """
    text, best, best_overlap = ls.texts.get(it.article, ""), None, 0
    for g in ls.gold:
        if g.article == it.article and g.quote in text:
            s = text.index(g.quote)
            overlap = min(it.end, s + len(g.quote)) - max(it.start, s)
            if overlap > best_overlap:
                best, best_overlap = g.verdict, overlap
    return best


def fit(sets: list[LabelledSet]) -> DecisionModel:
    from sklearn.linear_model import LogisticRegression

    rows = [(it.feats, it.label or it.inherited or "not_checkable") for ls in sets for it in ls.items
            if it.feats is not None and (it.label or it.inherited or it.unlabelled_in_gold_article)]
    x = np.array([[f[n] for n in FEATURE_NAMES] for f, _ in rows])
    y = np.array([CLASSES.index(lab) for _, lab in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    mean[0], scale[scale == 0] = 0.0, 1.0
    model = LogisticRegression(C=C_REGULARISATION, max_iter=5000, tol=1e-8)
    model.fit((x - mean) / scale, y)
    coef = np.zeros((len(CLASSES), x.shape[1]))
    intercept = np.zeros(len(CLASSES))
    for row, cls in enumerate(model.classes_):  # a class absent from training keeps a zero row (never chosen)
        coef[cls], intercept[cls] = model.coef_[row], model.intercept_[row]
    for cls in set(range(len(CLASSES))) - set(model.classes_):
        intercept[cls] = -30.0
    meta = {"trained_on": sorted(ls.name for ls in sets), "examples": len(rows), "C": C_REGULARISATION,
            "labels": dict(sorted(Counter(CLASSES[i] for i in y).items()))}
    return DecisionModel(CLASSES, mean, scale, coef, intercept, meta)


def verdicts(ls: LabelledSet, model: DecisionModel | None, how: str = "learned") -> dict[str, Verdict]:
    """Each claim's verdict: the rules' (no model), the rules' with calibrated confidence, or the learned choice."""
    step = decide if how == "learned" else calibrate
    return {it.claim_id: (step(it.claim, it.opts, model) if model is not None and it.opts is not None else it.rules)
            for it in ls.items}


def figures(ls: LabelledSet, by_claim: dict[str, Verdict]) -> dict[str, float | int]:
    names = {g.article for g in ls.gold}
    claims = [SystemClaim(it.article, it.claim_id, it.claim.text, it.start, it.end, by_claim[it.claim_id].verdict)
              for it in ls.items if it.article in names]
    return score(ls.gold, ls.texts, claims).figures()


def reliability(pairs: list[tuple[float, bool]], bins: int = 5) -> tuple[list[tuple[str, int, float, float]], float]:
    """(bin, n, mean predicted P(problem), observed problem rate) per bin, and the ECE."""
    table, ece, n_all = [], 0.0, len(pairs) or 1
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [(p, y) for p, y in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not sel:
            continue
        pred, obs = float(np.mean([p for p, _ in sel])), float(np.mean([y for _, y in sel]))
        table.append((f"{lo:.1f}-{hi:.1f}", len(sel), pred, obs))
        ece += len(sel) / n_all * abs(pred - obs)
    return table, ece


def _problem_probability(v: Verdict) -> float:
    return 1.0 - v.confidence if v.verdict == "supported" else v.confidence


def _row(name: str, kind: str, f: dict) -> str:
    return (f"| {name} | {kind} | {f['recall']:.3f} | {f['verdict_accuracy']:.3f} | {f['flag_accuracy']:.3f} | "
            f"{f['errors_caught']}/{f['errors_total']} | {f['false_alarms_on_supported']}/{f['supported_total']} | "
            f"{f['extra_flags']} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path, help="training sets (folders with gold.jsonl, articles/, sources/)")
    ap.add_argument("--test", nargs="*", type=Path, default=[], help="held-out sets: scored, never trained on")
    ap.add_argument("--workdir", type=Path, help="keep the sets' databases here (default: a temporary folder)")
    ap.add_argument("--write", action="store_true", help=f"write the model trained on all sets to {MODEL_PATH.name}")
    args = ap.parse_args(argv)
    t = Thresholds()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        train = [load_set(p, work, t) for p in args.sets]
        test = [load_set(p, work, t) for p in args.test]
    print("| set | decision | recall | verdict acc. | flag acc. | errors caught | false alarms | extra flags |")
    print("|---|---|---|---|---|---|---|---|")
    pairs: list[tuple[float, bool]] = []
    conf_pairs: list[tuple[float, bool]] = []
    totals = Counter()
    for ls in train:
        model = fit([o for o in train if o is not ls])
        learned = verdicts(ls, model)
        fr, fl = figures(ls, verdicts(ls, None)), figures(ls, learned)
        print(_row(ls.name, "rules", fr))
        print(_row(ls.name, "learned (left out)", fl))
        totals["gold"] += fr["gold"]
        totals["rules"] += round(fr["verdict_accuracy"] * fr["gold"])
        totals["learned"] += round(fl["verdict_accuracy"] * fl["gold"])
        calibrated = verdicts(ls, model, "calibrated")
        pairs += [(calibrated[it.claim_id].problem_probability or 0.0, it.label != "supported")
                  for it in ls.items if it.label and it.opts is not None]
        conf_pairs += [(calibrated[it.claim_id].confidence, calibrated[it.claim_id].verdict == it.label)
                       for it in ls.items if it.label and it.opts is not None]
    print(f"\nleave-one-set-out verdict accuracy over {totals['gold']} gold claims: rules "
          f"{totals['rules'] / totals['gold']:.3f}, learned {totals['learned'] / totals['gold']:.3f}")
    table, ece = reliability(pairs)
    print("\nreliability of the calibrated P(problem) (rules' verdict kept), left-out predictions, gold-labelled claims:")
    print("| P(problem) | claims | mean predicted | observed problem rate |\n|---|---|---|---|")
    for b, n, pred, obs in table:
        print(f"| {b} | {n} | {pred:.3f} | {obs:.3f} |")
    print(f"ECE {ece:.3f}")
    ctable, cece = reliability(conf_pairs)
    print("\nreliability of the calibrated confidence in the rules' verdict:")
    print("| confidence | claims | mean confidence | observed accuracy |\n|---|---|---|---|")
    for b, n, pred, obs in ctable:
        print(f"| {b} | {n} | {pred:.3f} | {obs:.3f} |")
    print(f"ECE {cece:.3f}")
    rules_pairs = [(_problem_probability(it.rules), it.label != "supported") for ls in train for it in ls.items
                   if it.label and it.opts is not None]
    print(f"(the rules' own confidence read as P(problem): ECE {reliability(rules_pairs)[1]:.3f})")
    final = fit(train)
    for ls in test:
        print(_row(ls.name, "rules (test)", figures(ls, verdicts(ls, None))))
        print(_row(ls.name, "learned (test)", figures(ls, verdicts(ls, final))))
    if args.write:
        MODEL_PATH.write_text(final.to_json(), encoding="utf-8")
        print(f"\nwrote {MODEL_PATH.relative_to(REPO)} ({final.meta['examples']} examples)")
    print(json.dumps({"loso_rules": totals["rules"] / totals["gold"], "loso_learned": totals["learned"] / totals["gold"],
                      "ece_problem": ece, "ece_confidence": cece}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
