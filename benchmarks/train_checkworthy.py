"""Train the check-worthiness classifier on the ClaimBuster dev half only.

    python -m benchmarks.train_checkworthy /work/shared/eval/external/claimbuster_2.5xNCS

Reads DATA_DIR/dev.jsonl (never test.jsonl) and fits the two models of
claims.checkworthy:

- dense: logistic regression on [embedding | surface cues | presence of the words found
  in at least MIN_DF dev sentences], standardised;
- sparse: logistic regression on TF-IDF of word 1-2-grams and character 2-5-grams
  over the n-grams found in enough dev sentences;

and the score = (1 - w) * dense + w * sparse. Every choice is made by repeated
stratified 5-fold cross-validation inside dev (REPEATS shufflings; the figure is the
mean over repeats of the out-of-fold F1 of the positive class at its best threshold):
first the dense settings (with or without the part-of-speech-like cues, C, class
weights), then the sparse settings (vocabulary size, C, class weights), then the
weight w and whether each model's probability is Platt-calibrated on its out-of-fold
decision values before averaging. The threshold is the best one on the pooled
out-of-fold scores of the chosen setting. The final models are refit on all of dev
and written to claims/checkworthy_model.json (coefficients, idf and the n-gram /
word lists only: no sentence from the data set goes into the repo).

Vocabularies (words, n-grams, idf) come from all dev sentences without their labels.
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
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from benchmarks.checkworthiness import MODEL_SPEC, embed_cached, load_jsonl, log, prf
from claims.checkworthy import (
    CHAR_NGRAM_RANGE,
    HAND_FEATURES,
    MODEL_PATH,
    WORD_NGRAM_RANGE,
    feature_matrix,
    feature_names,
    idf_weights,
    ngram_counts,
    tfidf_rows,
    tokens,
)
from sources.embed import model_name

DENSE_C = (0.001, 0.002, 0.004, 0.01)
SPARSE_C = (1.0, 3.0, 10.0)
CLASS_WEIGHTS = (None, "balanced")
# (word n-grams in >= a dev sentences, character n-grams in >= b dev sentences)
SPARSE_MIN_DF = ((3, 10), (5, 20), (10, 40))
WEIGHTS = tuple(round(w, 2) for w in np.arange(0.0, 0.61, 0.05))
MIN_DF = 20  # a word joins the dense model's lexical features if at least this many dev sentences contain it
FOLDS = 5
REPEATS = 3
SEEDS = (13, 1, 2)
FIRST_CUE = "comparative_than"  # HAND_FEATURES from here on are the part-of-speech-like cues


def best_threshold(gold: np.ndarray, probs: np.ndarray) -> tuple[float, float]:
    """The threshold on a 0.01 grid that maximises F1 of the positive class."""
    best = (0.5, -1.0)
    for t in np.arange(0.05, 0.951, 0.01):
        f1 = prf(gold, probs >= t)["F1"]
        if f1 > best[1] + 1e-9:
            best = (round(float(t), 2), f1)
    return best


def build_vocabulary(texts: list[str], min_df: int = MIN_DF) -> list[str]:
    """Words (by document frequency, no labels involved) that the dense lexical features use."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(tokens(t))
    return sorted(w for w, n in df.items() if n >= min_df)


def build_ngrams(counts: list[tuple[dict, dict]], word_min_df: int, char_min_df: int) -> tuple[list[str], np.ndarray]:
    """The sparse model's n-grams (sorted) and their idf, from document frequencies alone."""
    df: Counter[str] = Counter()
    for words, chars in counts:
        df.update(words.keys())
        df.update(chars.keys())
    grams = sorted(g for g, n in df.items() if n >= (word_min_df if g.startswith("w:") else char_min_df))
    return grams, idf_weights(np.array([df[g] for g in grams]), len(counts))


def tfidf_matrix(texts: list[str], grams: list[str], idf: np.ndarray) -> sp.csr_matrix:
    indptr, indices, values = tfidf_rows(texts, {g: i for i, g in enumerate(grams)}, idf)
    return sp.csr_matrix((values, indices, indptr), shape=(len(texts), len(grams)))


# --- the two models ------------------------------------------------------------------


def fit_dense(x: np.ndarray, y: np.ndarray, c: float, cw: str | None):
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000, solver="lbfgs", class_weight=cw)
    clf.fit((x - mean) / scale, y)
    return clf, mean, scale


def fit_sparse(m: sp.csr_matrix, y: np.ndarray, c: float, cw: str | None) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, solver="liblinear", class_weight=cw).fit(m, y)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def platt(z: np.ndarray, y: np.ndarray) -> list[float]:
    """Platt scaling a * z + b fitted on out-of-fold decision values (no regularisation to speak of)."""
    clf = LogisticRegression(C=1e6, max_iter=1000).fit(z.reshape(-1, 1), y)
    return [round(float(clf.coef_[0, 0]), 6), round(float(clf.intercept_[0]), 6)]


def apply_platt(z: np.ndarray, ab: list[float]) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(ab[0] * z + ab[1])))


class CV:
    """Out-of-fold probabilities of one setting for each shuffling of the folds."""

    def __init__(self, y: np.ndarray) -> None:
        self.y = y
        self.splits = [list(StratifiedKFold(FOLDS, shuffle=True, random_state=s).split(y, y)) for s in SEEDS[:REPEATS]]

    def oof(self, fit_predict) -> list[np.ndarray]:
        out = []
        for folds in self.splits:
            p = np.zeros(len(self.y))
            for tr, te in folds:
                p[te] = fit_predict(tr, te)
            out.append(p)
        return out

    def f1(self, probs: list[np.ndarray]) -> float:
        return round(float(np.mean([best_threshold(self.y, p)[1] for p in probs])), 4)

    def pooled_threshold(self, probs: list[np.ndarray]) -> tuple[float, float]:
        return best_threshold(np.tile(self.y, len(probs)), np.concatenate(probs))


def calibrated(cv: CV, probs: list[np.ndarray]) -> list[np.ndarray]:
    """Each repeat's out-of-fold probabilities through a Platt scaling fitted on them."""
    out = []
    for p in probs:
        z = logit(p)
        out.append(apply_platt(z, platt(z, cv.y)))
    return out


def train(data_dir: Path, out_path: Path) -> dict:
    t0 = time.perf_counter()
    rows = load_jsonl(data_dir / "dev.jsonl")
    texts = [r["text"] for r in rows]
    y = np.array([int(r["label"]) for r in rows])
    log(f"training on {data_dir.name}/dev.jsonl: {len(rows)} sentences, {int(y.sum())} positive; "
        f"{REPEATS} x {FOLDS}-fold CV")
    vecs = embed_cached(texts)
    vocabulary = build_vocabulary(texts)
    log(f"dense vocabulary: {len(vocabulary)} words in >= {MIN_DF} dev sentences")
    x = feature_matrix(texts, vecs, vocabulary).astype(np.float64)
    dim = vecs.shape[1]
    cue_cols = np.arange(dim + HAND_FEATURES.index(FIRST_CUE), dim + len(HAND_FEATURES))
    no_cues = np.setdiff1d(np.arange(x.shape[1]), cue_cols)
    cv = CV(y)

    # 1. the dense model
    dense_grid: list[dict] = []
    dense_probs: dict[tuple, list[np.ndarray]] = {}
    for cues in (False, True):
        xs = x if cues else x[:, no_cues]
        for cw in CLASS_WEIGHTS:
            for c in DENSE_C:
                def fp(tr, te, xs=xs, c=c, cw=cw):
                    clf, mean, scale = fit_dense(xs[tr], y[tr], c, cw)
                    return clf.predict_proba((xs[te] - mean) / scale)[:, 1]
                key = (cues, cw, c)
                dense_probs[key] = cv.oof(fp)
                dense_grid.append({"cues": cues, "class_weight": cw, "C": c, "f1": cv.f1(dense_probs[key])})
                log(f"  dense cues={cues!s:5} class_weight={cw!s:8} C={c:<6} CV F1 {dense_grid[-1]['f1']:.4f}")
    d_best = max(dense_grid, key=lambda r: r["f1"])
    d_key = (d_best["cues"], d_best["class_weight"], d_best["C"])
    log(f"dense: cues={d_best['cues']} class_weight={d_best['class_weight']} C={d_best['C']} (CV F1 {d_best['f1']:.4f})")
    if not d_best["cues"]:
        raise SystemExit("the cues did not help on CV: drop them from claims.checkworthy.HAND_FEATURES and retrain")

    # 2. the sparse model
    counts = [ngram_counts(t) for t in texts]
    sparse_grid: list[dict] = []
    sparse_probs: dict[tuple, list[np.ndarray]] = {}
    vocabularies: dict[tuple, tuple[list[str], np.ndarray]] = {}
    for wdf, cdf in SPARSE_MIN_DF:
        grams, idf = vocabularies[(wdf, cdf)] = build_ngrams(counts, wdf, cdf)
        m = tfidf_matrix(texts, grams, idf)
        for cw in CLASS_WEIGHTS:
            for c in SPARSE_C:
                def fps(tr, te, m=m, c=c, cw=cw):
                    return fit_sparse(m[tr], y[tr], c, cw).predict_proba(m[te])[:, 1]
                key = (wdf, cdf, cw, c)
                sparse_probs[key] = cv.oof(fps)
                sparse_grid.append({"word_min_df": wdf, "char_min_df": cdf, "ngrams": len(grams),
                                    "class_weight": cw, "C": c, "f1": cv.f1(sparse_probs[key])})
                log(f"  sparse min_df={wdf}/{cdf} ({len(grams)} n-grams) class_weight={cw!s:8} C={c:<5} "
                    f"CV F1 {sparse_grid[-1]['f1']:.4f}")
    s_best = max(sparse_grid, key=lambda r: r["f1"])
    s_key = (s_best["word_min_df"], s_best["char_min_df"], s_best["class_weight"], s_best["C"])
    log(f"sparse: min_df={s_key[0]}/{s_key[1]} class_weight={s_key[2]} C={s_key[3]} (CV F1 {s_best['f1']:.4f})")

    # 3. the average: weight and calibration
    ensemble_grid: list[dict] = []
    options = {False: (dense_probs[d_key], sparse_probs[s_key]),
               True: (calibrated(cv, dense_probs[d_key]), calibrated(cv, sparse_probs[s_key]))}
    for cal, (pd, ps) in options.items():
        for w in WEIGHTS:
            mix = [(1 - w) * a + w * b for a, b in zip(pd, ps, strict=True)]
            ensemble_grid.append({"calibrated": cal, "weight": w, "f1": cv.f1(mix)})
        log("  average " + ("calibrated  " if cal else "raw         ") + " ".join(
            f"w={r['weight']}:{r['f1']:.4f}" for r in ensemble_grid if r["calibrated"] == cal))
    e_best = max(ensemble_grid, key=lambda r: (r["f1"], -r["calibrated"], -r["weight"]))
    pd, ps = options[e_best["calibrated"]]
    w = e_best["weight"]
    threshold, pooled_f1 = cv.pooled_threshold([(1 - w) * a + w * b for a, b in zip(pd, ps, strict=True)])
    log(f"chosen: weight {w}, calibrated={e_best['calibrated']}, threshold {threshold} "
        f"(CV F1 {e_best['f1']:.4f}; pooled over repeats {pooled_f1:.4f})")

    # 4. refit on all of dev
    xs = x if d_best["cues"] else x[:, no_cues]
    clf, mean, scale = fit_dense(xs, y, d_best["C"], d_best["class_weight"])
    grams, idf = vocabularies[(s_key[0], s_key[1])]
    sclf = fit_sparse(tfidf_matrix(texts, grams, idf), y, s_key[3], s_key[2])
    dense_cal = sparse_cal = None
    if e_best["calibrated"]:  # Platt scaling on the pooled out-of-fold decision values
        yy = np.tile(y, REPEATS)
        dense_cal = platt(np.concatenate([logit(p) for p in dense_probs[d_key]]), yy)
        sparse_cal = platt(np.concatenate([logit(p) for p in sparse_probs[s_key]]), yy)

    params = {
        "kind": "logistic_regression_average",
        "description": "check-worthiness of a sentence: (1 - sparse.weight) * dense + sparse.weight * sparse; "
        "dense = logistic regression on sentence embedding + surface cues + presence of vocabulary words "
        "(word=...), standardised with feature_mean/feature_scale; sparse = logistic regression on TF-IDF of "
        "word 1-2-grams (w:) and character 2-5-grams inside words (c:)",
        "embedding_model": model_name(MODEL_SPEC),
        "training_set": data_dir.name,
        "training_half": "dev",
        "training_sentences": len(rows),
        "training_positives": int(y.sum()),
        "trained_on": dt.date.today().isoformat(),
        "trainer": "benchmarks/train_checkworthy.py",
        "C": d_best["C"],
        "class_weight": d_best["class_weight"],
        "threshold": threshold,
        "cv_folds": FOLDS,
        "cv_repeats": REPEATS,
        "cv_f1_dev": e_best["f1"],
        "cv_f1_dev_dense_only": d_best["f1"],
        "cv_f1_dev_sparse_only": s_best["f1"],
        "cv_grid": {"dense": dense_grid, "sparse": sparse_grid, "average": ensemble_grid},
        "hand_features": list(HAND_FEATURES),
        "vocabulary_min_df": MIN_DF,
        "vocabulary_size": len(vocabulary),
        "calibration": dense_cal,
        "feature_names": feature_names(dim, vocabulary),
        "intercept": round(float(clf.intercept_[0]), 6),
        "coefficients": [round(float(v), 6) for v in clf.coef_[0]],
        "feature_mean": [round(float(v), 6) for v in mean],
        "feature_scale": [round(float(v), 6) for v in scale],
        "sparse": {
            "weight": w,
            "C": s_key[3],
            "class_weight": s_key[2],
            "word_ngram_range": list(WORD_NGRAM_RANGE),
            "char_ngram_range": list(CHAR_NGRAM_RANGE),
            "word_min_df": s_key[0],
            "char_min_df": s_key[1],
            "calibration": sparse_cal,
            "intercept": round(float(sclf.intercept_[0]), 6),
            "ngrams": grams,
            "idf": [round(float(v), 5) for v in idf],
            "coefficients": [round(float(v), 5) for v in sclf.coef_[0]],
        },
    }
    out_path.write_text(json.dumps(params, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    secs = round(time.perf_counter() - t0, 1)
    log(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.2f} MB) in {secs}s total")
    return {"C": d_best["C"], "sparse_C": s_key[3], "sparse_weight": w, "calibrated": e_best["calibrated"],
            "threshold": threshold, "cv_f1_dev": e_best["f1"], "cv_f1_dev_dense_only": d_best["f1"],
            "cv_f1_dev_sparse_only": s_best["f1"], "seconds": secs}


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
