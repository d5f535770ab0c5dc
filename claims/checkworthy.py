"""Check-worthiness: a 0..1 score for every sentence, from two small logistic regressions.

The *dense* model reads the sentence embedding (computed once by the caller, so the
pipeline embeds each sentence a single time), surface cues (digits, percents, number
words, length, first-person pronouns, modal/future words, tense, comparatives and
superlatives, capitalised name-like tokens, acronyms ... : a spaCy-free stand-in for
part-of-speech and entity tags) and the presence of a few hundred common words. The
*sparse* model reads TF-IDF weights of word unigrams and bigrams and of character
2-5-grams inside words, over a vocabulary stored with the model. The score is a
weighted average of the two probabilities; the weight, the regularisation of each
model and the decision threshold were chosen by cross-validation on the training half.

The trained parameters live next to this file in `checkworthy_model.json`
(written by `python -m benchmarks.train_checkworthy`). Scoring is pure numpy:
no scikit-learn at run time, and the only file read is that bundled JSON. A JSON
without a `sparse` part scores with the dense model alone.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from claims.patterns import YEAR_NUMBER

MODEL_PATH = Path(__file__).with_name("checkworthy_model.json")

# ---------------------------------------------------------------------------
# Hand-made features. Each is 0/1 (or a small count clipped to 0..1) so that a
# single regularisation strength suits them and the embedding alike.
# ---------------------------------------------------------------------------

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion billions trillion trillions "
    "dozen dozens half third thirds quarter quarters twice double doubled tripled triple percent "
    "majority minority"
).split()
_RE_DIGIT = re.compile(r"\d")
_RE_PERCENT = re.compile(r"%|\bper ?cent\b|\bpercentage\b", re.I)
_RE_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_RE_YEAR = re.compile(rf"\b{YEAR_NUMBER}s?\b")
_RE_MONEY = re.compile(r"[$£€]\s?\d|\b\d[\d,.]*\s?(?:dollars|pounds|euros)\b|\bdollars?\b", re.I)
_RE_FIRST_SING = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b", re.I)
_RE_FIRST_PLUR = re.compile(r"\b(?:we|we're|we've|we'd|we'll|us|our|ours|ourselves)\b", re.I)
_RE_SECOND = re.compile(r"\b(?:you|you're|you've|your|yours)\b", re.I)
_RE_MODAL = re.compile(
    r"\b(?:will|won't|would|shall|should|could|can|may|might|must|going to|gonna|'ll|plan|plans|"
    r"promise|intend|want|wants|hope)\b",
    re.I,
)
_RE_COMPARATIVE = re.compile(
    r"\b(?:more|less|fewer|most|least|highest|lowest|largest|biggest|smallest|increase[sd]?|"
    r"decrease[sd]?|rose|risen|fell|fallen|cut|doubled|tripled|grew|grown|declined?|record)\b",
    re.I,
)
_RE_OPINION = re.compile(
    r"\b(?:think|believe|feel|opinion|agree|disagree|great|wonderful|terrible|honou?red|thank|thanks|"
    r"pleased|glad|happy|love)\b",
    re.I,
)
_RE_TIME = re.compile(
    r"\b(?:last year|this year|since|ago|today|years?|months?|decade|century|january|february|march|"
    r"april|june|july|august|september|october|november|december)\b",
    re.I,
)

_RE_PAST = re.compile(r"\b(?:was|were|had|did|\w{3,}ed)\b", re.I)
_RE_PERFECT = re.compile(r"\b(?:has|have|hasn't|haven't|'ve)\s+(?:\w+\s+)?(?:been|\w+ed|\w+en)\b", re.I)
_RE_RECORD = re.compile(
    r"\b(?:said|says|according to|voted|votes?|proposed|passed|signed|supported|opposed)\b", re.I
)
_RE_NEGATION = re.compile(r"\b(?:not|no|never)\b|n't", re.I)
_RE_NUMBERS = re.compile(r"\d+")
_FIRST_PERSON_CAPS = frozenset({"i", "i'm", "i've", "i'd", "i'll"})

# Part-of-speech- and entity-like cues without a tagger.
_RE_THAN = re.compile(r"\b(?:\w+er|more|less|fewer|rather)\s+than\b", re.I)
_RE_SUPERLATIVE = re.compile(r"\b(?:most|least|best|worst|\w{3,}est)\b", re.I)
_RE_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
_RE_SCALE = re.compile(r"\b(?:million|billion|trillion|thousand|hundred)s?\b", re.I)
_RE_NONYEAR_NUMBER = re.compile(rf"(?<![\d.,])(?!{YEAR_NUMBER}\b)\d[\d,.]*")
_RE_UNIVERSAL = re.compile(r"\b(?:every|all|nobody|everybody|always|never|none|only)\b", re.I)
_RE_CAUSAL = re.compile(r"\b(?:because|cause[sd]?|result(?:ed)?|due to|led to|therefore)\b", re.I)
_RE_CONVERSATIONAL = re.compile(r"^(?:and|but|so|well|now|oh|yes|no|look|let me)\b", re.I)
_RE_QUOTE = re.compile(r"[\"\u201c\u201d]")
_RE_THIRD_PERSON = re.compile(r"\b(?:he|she|his|her|they|their|him|them)\b", re.I)
_RE_VAGUE = re.compile(r"\b(?:many|several|some|few|lot|lots|numerous)\b", re.I)
_RE_NUMBER_TOKEN = re.compile(r"\d[\d,.]*")

# Length buckets in words: <=5, 6-12, 13-25, >25.
_LENGTH_EDGES = (5, 12, 25)

HAND_FEATURES: tuple[str, ...] = (
    "has_digit",
    "has_percent",
    "has_number_word",
    "has_year",
    "has_money",
    "len_le5",
    "len_6_12",
    "len_13_25",
    "len_gt25",
    "first_person_singular",
    "first_person_plural",
    "second_person",
    "modal_future",
    "comparative",
    "opinion_word",
    "time_expression",
    "question",
    "past_tense",
    "present_perfect",
    "said_or_voted",
    "negation",
    "proper_nouns",  # capitalised words after the first, 0, 1/3, 2/3, 1 (3 or more)
    "has_proper_noun",
    "several_numbers",
    # cues added with the sparse model (part-of-speech / entity stand-ins)
    "comparative_than",
    "superlative",
    "acronym",
    "scale_word",
    "non_year_number",
    "universal_quantifier",
    "causal",
    "conversational_start",
    "exclamation",
    "quotation",
    "third_person",
    "vague_quantifier",
    "number_count",  # numbers in the sentence, 0..4 scaled to 0..1
    "log_length",  # log(1 + words) / 4
    "capitalised_share",  # capitalised words after the first / words
    "capitalised_count",  # capitalised words after the first, 0..5 scaled to 0..1
)

# Lexical features: lower-cased words (and % and $) from a vocabulary stored with the model.
_RE_TOKEN = re.compile(r"\w+|%|\$")
WORD_PREFIX = "word="


def tokens(sentence: str) -> set[str]:
    """The distinct lower-cased tokens of a sentence, as the lexical features see them."""
    return {t.lower() for t in _RE_TOKEN.findall(sentence)}


def hand_features(sentence: str) -> np.ndarray:
    """The surface features of one sentence, in the order of `HAND_FEATURES`."""
    s = sentence.strip()
    words = s.split()
    bucket = sum(len(words) > edge for edge in _LENGTH_EDGES)
    caps = sum(
        1 for w in words[1:] if w[:1].isupper() and w.lower().strip(",.;:!?") not in _FIRST_PERSON_CAPS
    )
    capitalised = sum(1 for w in words[1:] if w[:1].isupper())
    lengths = [0.0, 0.0, 0.0, 0.0]
    lengths[bucket] = 1.0
    values = [
        bool(_RE_DIGIT.search(s)),
        bool(_RE_PERCENT.search(s)),
        bool(_RE_NUMBER_WORD.search(s)),
        bool(_RE_YEAR.search(s)),
        bool(_RE_MONEY.search(s)),
        *lengths,
        bool(_RE_FIRST_SING.search(s)),
        bool(_RE_FIRST_PLUR.search(s)),
        bool(_RE_SECOND.search(s)),
        bool(_RE_MODAL.search(s)),
        bool(_RE_COMPARATIVE.search(s)),
        bool(_RE_OPINION.search(s)),
        bool(_RE_TIME.search(s)),
        s.endswith("?"),
        bool(_RE_PAST.search(s)),
        bool(_RE_PERFECT.search(s)),
        bool(_RE_RECORD.search(s)),
        bool(_RE_NEGATION.search(s)),
        min(caps, 3) / 3,
        caps > 0,
        len(_RE_NUMBERS.findall(s)) > 1,
        bool(_RE_THAN.search(s)),
        bool(_RE_SUPERLATIVE.search(s)),
        bool(_RE_ACRONYM.search(s)),
        bool(_RE_SCALE.search(s)),
        bool(_RE_NONYEAR_NUMBER.search(s)),
        bool(_RE_UNIVERSAL.search(s)),
        bool(_RE_CAUSAL.search(s)),
        bool(_RE_CONVERSATIONAL.search(s)),
        "!" in s,
        bool(_RE_QUOTE.search(s)),
        bool(_RE_THIRD_PERSON.search(s)),
        bool(_RE_VAGUE.search(s)),
        min(len(_RE_NUMBER_TOKEN.findall(s)), 4) / 4,
        np.log1p(len(words)) / 4,
        capitalised / max(len(words), 1),
        min(capitalised, 5) / 5,
    ]
    return np.asarray(values, dtype=np.float32)


def word_features(sentences: list[str], vocabulary: list[str]) -> np.ndarray:
    """0/1 presence of each vocabulary word in each sentence."""
    index = {w: i for i, w in enumerate(vocabulary)}
    out = np.zeros((len(sentences), len(vocabulary)), dtype=np.float32)
    for row, sentence in enumerate(sentences):
        for tok in tokens(sentence):
            col = index.get(tok)
            if col is not None:
                out[row, col] = 1.0
    return out


def feature_matrix(
    sentences: list[str], vectors: np.ndarray, vocabulary: list[str] | None = None
) -> np.ndarray:
    """[embedding | hand features | word features]: the layout the model was trained on."""
    vocabulary = vocabulary or []
    vecs = np.asarray(vectors, dtype=np.float32)
    if vecs.ndim != 2 or vecs.shape[0] != len(sentences):
        raise ValueError(f"expected {len(sentences)} vectors, got array of shape {vecs.shape}")
    if not sentences:
        return np.zeros((0, vecs.shape[1] + len(HAND_FEATURES) + len(vocabulary)), dtype=np.float32)
    hand = np.stack([hand_features(s) for s in sentences])
    return np.hstack([vecs, hand, word_features(sentences, vocabulary)])


def feature_names(dim: int, vocabulary: list[str] | None = None) -> list[str]:
    return (
        [f"emb_{i}" for i in range(dim)] + list(HAND_FEATURES) + [WORD_PREFIX + w for w in vocabulary or []]
    )


# ---------------------------------------------------------------------------
# Sparse features: TF-IDF of word 1-2-grams and of character 2-5-grams inside words
# (the semantics of scikit-learn's TfidfVectorizer with sublinear_tf, smooth idf,
# l2 norm, analyzer "word" / "char_wb", each block normalised on its own).
# ---------------------------------------------------------------------------

WORD_NGRAM_RANGE = (1, 2)
CHAR_NGRAM_RANGE = (2, 5)
_RE_SPACES = re.compile(r"\s\s+")


def word_ngrams(sentence: str) -> list[str]:
    """'w:' + each lower-cased token and each pair of neighbouring tokens."""
    toks = [t.lower() for t in _RE_TOKEN.findall(sentence)]
    lo, hi = WORD_NGRAM_RANGE
    out: list[str] = []
    for n in range(lo, hi + 1):
        out.extend("w:" + " ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return out


def char_ngrams(sentence: str) -> list[str]:
    """'c:' + each 2-5-character slice of each space-padded lower-cased word."""
    lo, hi = CHAR_NGRAM_RANGE
    out: list[str] = []
    for word in _RE_SPACES.sub(" ", sentence.lower()).split():
        padded = f" {word} "
        for n in range(lo, hi + 1):
            if n > len(padded):
                break
            out.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


def ngram_counts(sentence: str) -> tuple[dict[str, int], dict[str, int]]:
    """Counts of the word n-grams and of the character n-grams of one sentence."""
    return Counter(word_ngrams(sentence)), Counter(char_ngrams(sentence))


def idf_weights(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """Smoothed inverse document frequency: ln((1 + n) / (1 + df)) + 1."""
    return np.log((1.0 + documents) / (1.0 + np.asarray(document_frequency, dtype=np.float64))) + 1.0


def tfidf_rows(
    sentences: list[str], index: dict[str, int], idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TF-IDF rows as CSR arrays (indptr, indices, values) over the n-gram `index`.

    Per block (word n-grams, character n-grams): (1 + ln count) * idf, then unit length.
    """
    idf_list = np.asarray(idf, dtype=np.float64).tolist()
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for sentence in sentences:
        for block in ngram_counts(sentence):
            cols: list[int] = []
            weights: list[float] = []
            for gram, count in block.items():
                col = index.get(gram)
                if col is not None:
                    cols.append(col)
                    weights.append((1.0 + math.log(count)) * idf_list[col])
            if cols:
                norm = math.sqrt(sum(w * w for w in weights))
                indices.extend(cols)
                values.extend(w / norm for w in weights)
        indptr.append(len(indices))
    return np.asarray(indptr), np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=np.float64)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))


def _platt(z: np.ndarray, calibration: list[float] | None) -> np.ndarray:
    """Probability from a decision value, through the stored Platt scaling when there is one."""
    if calibration:
        a, b = calibration
        z = a * z + b
    return _sigmoid(z)


# ---------------------------------------------------------------------------
# The model: coefficients in a bundled JSON file, loaded once.
# ---------------------------------------------------------------------------


class SparseModel:
    """Logistic regression over the TF-IDF n-grams stored with it."""

    def __init__(self, params: dict[str, Any]) -> None:
        if tuple(params["word_ngram_range"]) != WORD_NGRAM_RANGE or tuple(params["char_ngram_range"]) != CHAR_NGRAM_RANGE:
            raise ValueError("checkworthy model: n-gram ranges differ from this code; retrain the model")
        self.ngrams: list[str] = list(params["ngrams"])
        self.idf = np.asarray(params["idf"], dtype=np.float64)
        self.coef = np.asarray(params["coefficients"], dtype=np.float64)
        self.intercept = float(params["intercept"])
        self.weight = float(params["weight"])
        self.calibration = params.get("calibration")
        if not (len(self.ngrams) == len(self.idf) == len(self.coef)):
            raise ValueError("checkworthy model: sparse n-grams, idf and coefficients differ in length")
        self.index = {g: i for i, g in enumerate(self.ngrams)}

    def decision(self, sentences: list[str]) -> np.ndarray:
        indptr, indices, values = tfidf_rows(sentences, self.index, self.idf)
        contrib = values * self.coef[indices]
        sums = np.add.reduceat(np.append(contrib, 0.0), indptr[:-1]) if len(sentences) else np.zeros(0)
        sums[indptr[:-1] == indptr[1:]] = 0.0  # sentences without a known n-gram
        return sums + self.intercept

    def predict_proba(self, sentences: list[str]) -> np.ndarray:
        return _platt(self.decision(sentences), self.calibration)


class CheckworthyModel:
    """The dense logistic regression, and the sparse one averaged in when the JSON has it."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.coef = np.asarray(params["coefficients"], dtype=np.float64)
        self.intercept = float(params["intercept"])
        self.feature_names: list[str] = list(params["feature_names"])
        self.threshold = float(params.get("threshold", 0.5))
        self.embedding_model: str = params.get("embedding_model", "")
        self.calibration = params.get("calibration")
        # Optional standardisation learned at training time (identity when absent).
        self.mean = np.asarray(params.get("feature_mean", np.zeros_like(self.coef)), dtype=np.float64)
        self.scale = np.asarray(params.get("feature_scale", np.ones_like(self.coef)), dtype=np.float64)
        if not (len(self.coef) == len(self.feature_names) == len(self.mean) == len(self.scale)):
            raise ValueError("checkworthy model: coefficients and feature names differ in length")
        self.vocabulary = [n[len(WORD_PREFIX) :] for n in self.feature_names if n.startswith(WORD_PREFIX)]
        self.dim = sum(1 for n in self.feature_names if n.startswith("emb_"))
        if self.feature_names != feature_names(self.dim, self.vocabulary):
            raise ValueError("checkworthy model: feature layout differs from this code; retrain the model")
        self.sparse = SparseModel(params["sparse"]) if params.get("sparse") else None

    def decision(self, features: np.ndarray) -> np.ndarray:
        """The dense model's decision value for rows of `feature_matrix`."""
        x = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        return x @ self.coef + self.intercept

    def dense_proba(self, features: np.ndarray) -> np.ndarray:
        return _platt(self.decision(features), self.calibration)

    def predict_proba(self, features: np.ndarray, sentences: list[str] | None = None) -> np.ndarray:
        """The score: the dense probability, averaged with the sparse one (weight `sparse.weight`)."""
        p = self.dense_proba(features)
        if self.sparse is None or self.sparse.weight == 0.0:
            return p
        if sentences is None:
            raise ValueError("checkworthy model: the sparse part needs the sentences")
        return (1.0 - self.sparse.weight) * p + self.sparse.weight * self.sparse.predict_proba(sentences)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> CheckworthyModel:
    """The bundled model (or another JSON file with the same layout), read once."""
    with open(path or MODEL_PATH, encoding="utf-8") as fh:
        return CheckworthyModel(json.load(fh))


def score_sentences(sentences: list[str], vectors: np.ndarray) -> np.ndarray:
    """Check-worthiness in 0..1 for each sentence, given its embedding (one row per sentence).

    The vectors must come from the embedding model the classifier was trained with
    (`load_model().embedding_model`, all-MiniLM-L6-v2, L2-normalised).
    """
    return score_prepared(prepare_sentences(sentences), vectors)


@dataclass(frozen=True)
class PreparedSentences:
    """What the score needs besides the embeddings: hand and word features, sparse probability."""

    sentences: list[str]
    text_features: np.ndarray
    sparse_proba: np.ndarray | None


def prepare_sentences(sentences: list[str]) -> PreparedSentences:
    """The embedding-free half of `score_sentences`, so a caller can compute it while the
    embedder works on the same sentences (`claimdesk extract` does: issue #16)."""
    model = load_model()
    sentences = list(sentences)
    if not sentences:
        return PreparedSentences([], np.zeros((0, len(HAND_FEATURES) + len(model.vocabulary)), dtype=np.float32), None)
    hand = np.stack([hand_features(s) for s in sentences])
    text_features = np.hstack([hand, word_features(sentences, model.vocabulary)])
    sparse = model.sparse.predict_proba(sentences) if model.sparse is not None and model.sparse.weight != 0.0 else None
    return PreparedSentences(sentences, text_features, sparse)


def score_prepared(prepared: PreparedSentences, vectors: np.ndarray) -> np.ndarray:
    """`score_sentences` from `prepare_sentences` and the embeddings; the same arithmetic."""
    model = load_model()
    vecs = np.asarray(vectors, dtype=np.float32)
    n = len(prepared.sentences)
    if n and vecs.shape[1] != model.dim:
        raise ValueError(f"checkworthy model expects {model.dim}-d embeddings, got {vecs.shape[1]}-d")
    if not n:
        return np.zeros(0, dtype=np.float64)
    if vecs.ndim != 2 or vecs.shape[0] != n:
        raise ValueError(f"expected {n} vectors, got array of shape {vecs.shape}")
    p = model.dense_proba(np.hstack([vecs, prepared.text_features]))
    if prepared.sparse_proba is None:
        return p
    return (1.0 - model.sparse.weight) * p + model.sparse.weight * prepared.sparse_proba


class _Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


def score_texts(sentences: list[str], embedder: _Encoder) -> np.ndarray:
    """Convenience: embed the sentences with `embedder`, then score them."""
    if not sentences:
        return np.zeros(0, dtype=np.float64)
    return score_sentences(sentences, embedder.encode(list(sentences)))


def is_checkworthy(scores: np.ndarray) -> np.ndarray:
    """Boolean mask at the threshold chosen by cross-validation when the model was trained."""
    return np.asarray(scores) >= load_model().threshold
