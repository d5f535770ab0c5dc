"""Train the check-worthiness classifier on the ClaimBuster dev half only.

    python -m benchmarks.train_checkworthy /work/shared/eval/external/claimbuster_2.5xNCS

Reads DATA_DIR/dev.jsonl (never test.jsonl), embeds the sentences (cached), builds the
features of claims.checkworthy (embedding, hand features, and the words found in at
least MIN_DF dev sentences), and picks the regularisation C and the decision
threshold by stratified 5-fold cross-validation inside dev: for each C the out-of-fold
probabilities give the best-F1 threshold; the C with the best out-of-fold F1 wins.
The final model is refit on all of dev and written to claims/checkworthy_model.json
(coefficients only: no sentence from the data set goes into the repo).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from benchmarks.checkworthiness import MODEL_SPEC, embed_cached, load_jsonl, log, prf
from claims.checkworthy import HAND_FEATURES, MODEL_PATH, feature_matrix, feature_names, tokens
from sources.embed import model_name

C_GRID = (0.001, 0.002, 0.004, 0.01, 0.03, 0.1)
MIN_DF = 20  # a word joins the lexical features if at least this many dev sentences contain it
FOLDS = 5
SEED = 13


def best_threshold(gold: np.ndarray, probs: np.ndarray) -> tuple[float, float]:
    """The threshold on a 0.01 grid that maximises F1 of the positive class."""
    best = (0.5, -1.0)
    for t in np.arange(0.05, 0.951, 0.01):
        f1 = prf(gold, probs >= t)["F1"]
        if f1 > best[1] + 1e-9:
            best = (round(float(t), 2), f1)
    return best


def build_vocabulary(texts: list[str], min_df: int = MIN_DF) -> list[str]:
    """Words (by document frequency, no labels involved) that the lexical features use."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(tokens(t))
    return sorted(w for w, n in df.items() if n >= min_df)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000, solver="lbfgs")
    clf.fit((x - mean) / scale, y)
    return clf, mean, scale


def predict(clf: LogisticRegression, mean: np.ndarray, scale: np.ndarray, x: np.ndarray) -> np.ndarray:
    return clf.predict_proba((x - mean) / scale)[:, 1]


def oof_probs(x: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    out = np.zeros(len(y))
    for tr, te in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(x, y):
        clf, mean, scale = fit(x[tr], y[tr], c)
        out[te] = predict(clf, mean, scale, x[te])
    return out


def train(data_dir: Path, out_path: Path) -> dict:
    t0 = time.perf_counter()
    rows = load_jsonl(data_dir / "dev.jsonl")
    texts = [r["text"] for r in rows]
    y = np.array([int(r["label"]) for r in rows])
    log(f"training on {data_dir.name}/dev.jsonl: {len(rows)} sentences, {int(y.sum())} positive")
    vecs = embed_cached(texts)
    vocabulary = build_vocabulary(texts)
    log(f"vocabulary: {len(vocabulary)} words in >= {MIN_DF} dev sentences")
    x = feature_matrix(texts, vecs, vocabulary).astype(np.float64)

    cv: list[dict] = []
    for c in C_GRID:
        probs = oof_probs(x, y, c)
        thr, f1 = best_threshold(y, probs)
        f1_05 = prf(y, probs >= 0.5)["F1"]
        cv.append({"C": c, "threshold": thr, "f1": f1, "f1_at_0.5": f1_05})
        log(f"  C={c:<6} cv F1 {f1:.4f} at threshold {thr:.2f}   (F1 at 0.5: {f1_05:.4f})")
    best = max(cv, key=lambda r: r["f1"])
    log(f"chosen C={best['C']} threshold={best['threshold']} (dev {FOLDS}-fold CV F1 {best['f1']:.4f})")

    clf, mean, scale = fit(x, y, best["C"])
    params = {
        "kind": "logistic_regression",
        "description": "check-worthiness of a sentence; features = sentence embedding + hand features + "
        "presence of vocabulary words (word=...), standardised with feature_mean/feature_scale",
        "embedding_model": model_name(MODEL_SPEC),
        "training_set": data_dir.name,
        "training_half": "dev",
        "training_sentences": len(rows),
        "training_positives": int(y.sum()),
        "trained_on": dt.date.today().isoformat(),
        "trainer": "benchmarks/train_checkworthy.py",
        "C": best["C"],
        "threshold": best["threshold"],
        "cv_folds": FOLDS,
        "cv_f1_dev": best["f1"],
        "cv_grid": cv,
        "hand_features": list(HAND_FEATURES),
        "vocabulary_min_df": MIN_DF,
        "vocabulary_size": len(vocabulary),
        "feature_names": feature_names(vecs.shape[1], vocabulary),
        "intercept": round(float(clf.intercept_[0]), 6),
        "coefficients": [round(float(v), 6) for v in clf.coef_[0]],
        "feature_mean": [round(float(v), 6) for v in mean],
        "feature_scale": [round(float(v), 6) for v in scale],
    }
    out_path.write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
    secs = round(time.perf_counter() - t0, 1)
    log(f"wrote {out_path} in {secs}s total")
    return {"C": best["C"], "threshold": best["threshold"], "cv_f1_dev": best["f1"], "seconds": secs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir", type=Path, help="the ClaimBuster folder holding dev.jsonl")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    if not (args.data_dir / "dev.jsonl").exists():
        print(f"{args.data_dir}: no dev.jsonl", file=sys.stderr)
        return 2
    print(json.dumps(train(args.data_dir, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
