"""A small Okapi BM25 over a list of texts: the lexical half of candidate retrieval.

Why a lexical signal at all: sentence embeddings blur exact figures and names
("58%" vs "85%", "Sondland" vs "Volker"), while a fact-check claim and the text
that repeats it usually share rare words and the very numbers. BM25 rewards
exactly that, and on the CLEF verified-claim sets it is already a strong
baseline; mixed with cosine similarity it beats either alone.

Why our own: the corpus is small (thousands to tens of thousands of
statements), so a sparse document-term matrix with the BM25 weights
precomputed makes scoring one sparse-dense product; no index server, no extra
dependency, deterministic.

Tokens: lowercase alphanumeric words; numbers keep their decimals ("4.8"),
lose thousands separators ("4,300" -> "4300"), and a percent sign, "per cent"
and "percent" all become the token "percent", so "58%" and "58 percent" match
on both "58" and "percent". Currency symbols become words ("$" -> "dollar"); dotted acronyms are
joined ("U.S." -> "us").
A short English stoplist drops words that carry no evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

# Function words only: negations, quantifiers and comparatives ("not", "no",
# "more", "most", "all", "only") are kept because they change what a claim says.
STOPWORDS: frozenset[str] = frozenset(
    """
    a an and are as at be been being by for from had has have he her hers him his i if in into is it
    its itself me my of on or our ours she so such than that the their theirs them then there these they
    this those to too us was we were what when where which while who whom why will with would you your
    yours do does did doing am can could should shall may might must just also very s t
    """.split()
)

_TOKEN_RE = re.compile(
    r"""
      (?P<acr>(?:[^\W\d_]\.){2,})                       # dotted acronyms: u.s. | u.k. | d.c.
    | (?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<pct>\s?%)?   # 4,300 | 4.8 | 58% | 58 %
    | (?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)            # words, with inner apostrophes
    | (?P<sym>[$€£%])                                   # lone currency / percent signs
    """,
    re.VERBOSE,
)
_SYMBOLS = {"$": "dollar", "€": "euro", "£": "pound", "%": "percent"}
_PER_CENT_RE = re.compile(r"\bper\s*cent\b", re.IGNORECASE)


def tokenize(text: str) -> list[str]:
    """Split `text` into BM25 terms (see the module docstring for the rules)."""
    text = _PER_CENT_RE.sub(" percent ", text.lower())
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        if m.group("acr") is not None:
            # "U.S." -> "us": kept even though the pronoun "us" is a stopword.
            out.append(m.group("acr").replace(".", ""))
        elif m.group("num") is not None:
            out.append(m.group("num").replace(",", ""))
            if m.group("pct"):
                out.append("percent")
        elif m.group("word") is not None:
            word = m.group("word").replace("’", "'")
            # Possessives lose their "'s" ("trump's" -> "trump"); contractions stay one word ("dont").
            if word.endswith("'s"):
                word = word[:-2]
            word = word.replace("'", "")
            if word and word not in STOPWORDS:
                out.append(word)
        else:
            out.append(_SYMBOLS[m.group("sym")])
    return out


class BM25:
    """Okapi BM25 over a fixed list of documents.

    The weight of every (document, term) pair is computed once at construction,
    into a sparse matrix `W`, so the score of a query is the sum of the columns
    of its terms (a query term repeated twice counts twice):

        W[d, t] = idf(t) * tf(d, t) * (k1 + 1) / (tf(d, t) + k1 * (1 - b + b * len(d) / avglen))
        idf(t)  = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))     (Lucene's variant: never negative)

    k1 bounds how much repeating a word in a document helps; b (0..1) is how
    much long documents are penalised.
    """

    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.n_docs = len(docs)
        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths = np.zeros(self.n_docs, dtype=np.float64)
        for i, doc in enumerate(docs):
            counts = Counter(tokenize(doc))
            lengths[i] = sum(counts.values())
            for term, tf in counts.items():
                rows.append(i)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
                vals.append(tf)
        tf_matrix = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(self.n_docs, len(self.vocab))
        )
        doc_freq = np.bincount(tf_matrix.indices, minlength=len(self.vocab)).astype(np.float64)
        self.idf = np.log1p((self.n_docs - doc_freq + 0.5) / (doc_freq + 0.5))
        avg_len = float(lengths.mean()) if self.n_docs and lengths.sum() > 0 else 1.0
        norm = k1 * (1.0 - b + b * lengths / avg_len)  # one value per document
        tf = tf_matrix.data
        row_of = np.repeat(np.arange(self.n_docs), np.diff(tf_matrix.indptr))
        weights = self.idf[tf_matrix.indices] * tf * (k1 + 1.0) / (tf + norm[row_of])
        # CSC: a query reads whole term columns.
        self.W = sp.csr_matrix(
            (weights.astype(np.float32), tf_matrix.indices, tf_matrix.indptr),
            shape=tf_matrix.shape,
        ).tocsc()
        self._rows: sp.csr_matrix | None = None  # W by rows, for `scores_of`

    def _query_vector(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(t for t in tokenize(query) if t in self.vocab)
        cols = np.fromiter((self.vocab[t] for t in counts), dtype=np.int64, count=len(counts))
        qtf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        return cols, qtf

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of `query` against every document (float32, one per doc; 0 if no term is shared)."""
        cols, qtf = self._query_vector(query)
        if cols.size == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.W[:, cols] @ qtf, dtype=np.float32).ravel()

    def query_matrix(self, queries: Iterable[str]) -> sp.csr_matrix:
        """Queries as a sparse (n_queries x vocabulary) matrix of term counts."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        n = 0
        for i, q in enumerate(queries):
            c, v = self._query_vector(q)
            rows.extend([i] * len(c))
            cols.extend(c.tolist())
            vals.extend(v.tolist())
            n = i + 1
        return sp.csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(n, len(self.vocab)))

    def scores_of(self, query: str, docs: np.ndarray) -> np.ndarray:
        """BM25 score of `query` against the documents `docs` only (indices; one float32 each).

        For approximate search, where only the nearest-neighbour candidates are scored:
        the cost grows with the candidates, not with the corpus.
        """
        docs = np.asarray(docs, dtype=np.int64)
        cols, qtf = self._query_vector(query)
        if cols.size == 0 or docs.size == 0:
            return np.zeros(docs.size, dtype=np.float32)
        if self._rows is None:
            self._rows = self.W.tocsr()  # row slices for candidate sets; built on first use
        return np.asarray(self._rows[docs][:, cols] @ qtf, dtype=np.float32).ravel()

    def scores_many(self, queries: Iterable[str]) -> np.ndarray:
        """Scores of many queries at once: a dense (n_queries x n_docs) float32 array.

        One sparse product instead of a Python loop; dense because every caller
        normalises and ranks whole rows anyway.
        """
        q = self.query_matrix(queries)
        if q.shape[0] == 0:
            return np.zeros((0, self.n_docs), dtype=np.float32)
        return np.asarray((q @ self.W.T).toarray(), dtype=np.float32)
