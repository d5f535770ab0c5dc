"""The pipeline's steps as plain functions over batches; Prefect tasks wrap these.

Each step takes and returns plain data, so tests call them directly and the flows in
`flows/flows.py` only decide batching, retries and logging. Database writes happen in
short sessions (one per article or source), so the review app can take the file lock
between them.

Work is done once per batch, not per article (issue #9): spaCy parses all paragraphs of
a batch in one `nlp.pipe`, and every distinct text the batch needs a vector for (claim
sentences for check-worthiness, retrieval texts for matching) is looked up in the
embedding cache and the rest encoded in one call.

One article is one unit of failure: an unexpected exception while extracting, judging or
writing an article drops that article only (reported as one error line naming the file,
its traceback kept in `RunSummary.tracebacks` and the run's `details`); the rest of the
batch is stored.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import TypeVar

import duckdb
import numpy as np

from claimdesk.errors import ClaimdeskError
from claimdesk.settings import Settings
from claims.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, is_baseline_clause, load_nlp, segment_many
from claims.extract import claims_from_sentences as _claims_from_sentences
from claims.judge import JUDGE_VERSION, Thresholds, judge
from claims.model import Claim, Evidence, Verdict
from sources.embed import Embedder, text_hash
from sources.findings import document_context, extract_findings
from sources.lexical import BM25
from sources.readers import Document, iter_paths, read_document
from sources.retrieve import AnnIndex, rank_candidates
from store import reads, writes
from store.db import checkpoint, session, transaction

EXTRACTOR = (EXTRACTOR_NAME, EXTRACTOR_VERSION)
Progress = Callable[[str], None]
T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger(__name__)

# Article (or source) sessions per fold of DuckDB's write-ahead log into the main file
# (`store.db.session(fold=...)`). Folding on every close cost ~60 ms a session; never
# folding within a batch makes each open replay a longer log. CPU per article write
# (25-article batches, benchmarks/RESULTS.md): fold every session 124 ms, every 25th
# 95 ms, every 5th 84 ms, every 3rd 87 ms.
FOLD_EVERY = 5


@dataclass
class RunSummary:
    """What a run did, for the CLI's summary table and the runs table."""

    kind: str
    processed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    claims: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # path -> traceback of an unexpected error that made an input be skipped (for the
    # run's record; the console only gets the one-line entry in `errors`)
    tracebacks: dict[str, str] = field(default_factory=dict)

    def merge(self, other: RunSummary) -> None:
        self.processed += other.processed
        self.skipped += other.skipped
        self.errors += other.errors
        self.tracebacks.update(other.tracebacks)
        self.claims += other.claims
        self.seconds += other.seconds
        for k, v in other.verdicts.items():
            self.verdicts[k] = self.verdicts.get(k, 0) + v


def thresholds(settings: Settings) -> Thresholds:
    return settings.thresholds()


def read_documents(paths: list[str]) -> tuple[list[Document], list[str]]:
    """Read a batch; a bad file becomes one error line and the rest go on."""
    docs, errors = [], []
    for p, err in iter_paths(paths):
        if err is not None:
            errors.append(str(err))
            continue
        try:
            docs.append(read_document(p))
        except ClaimdeskError as exc:
            errors.append(str(exc))
    return docs, errors


# --- failures ---------------------------------------------------------------------------

# Not one article's (or source's) problem: the database cannot be opened or written at all (missing,
# locked, full, damaged). These fail the batch, so the task's retries and the run's
# 'failed' status apply, instead of every article being reported one by one.
_NOT_ONE_ARTICLE: tuple[type[BaseException], ...] = (ClaimdeskError, duckdb.IOException, duckdb.FatalException, MemoryError)


@dataclass(frozen=True)
class Failure:
    """An input dropped after an unexpected error: one line for the console, the traceback for the run's record."""

    path: str
    message: str
    traceback: str

    @classmethod
    def of(cls, path: str, exc: BaseException) -> Failure:
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        log.debug("%s skipped after an unexpected error", path, exc_info=exc)
        return cls(path, f"{path}: unexpected error, skipped ({what}); traceback in the run's record (runs.details)",
                   "".join(traceback.format_exception(exc))[-8000:])

    def record(self, summary: RunSummary) -> None:
        summary.errors.append(self.message)
        summary.tracebacks[self.path] = self.traceback


def isolated(items: Sequence[T], work: Callable[[list[T]], list[R]], path: Callable[[T], str]
             ) -> tuple[list[T], list[R], list[Failure]]:
    """`work` on the whole batch at once (one result per item); if it raises, on one item at
    a time, so an error drops only the items it happens on.

    Why: batch-wide steps (one spaCy pass, one encode) are the fast path, and a bad
    article must not cost its whole batch. Returns (items kept, their results, failures).
    """
    items = list(items)
    if not items:
        return [], [], []
    try:
        return items, work(items), []
    except _NOT_ONE_ARTICLE:
        raise
    except Exception as exc:  # noqa: BLE001 - reported per article below
        if len(items) == 1:
            return [], [], [Failure.of(path(items[0]), exc)]
    kept: list[T] = []
    results: list[R] = []
    failures: list[Failure] = []
    for item in items:
        try:
            [result] = work([item])
        except _NOT_ONE_ARTICLE:
            raise
        except Exception as exc:  # noqa: BLE001 - one line per article, the rest go on
            failures.append(Failure.of(path(item), exc))
            continue
        kept.append(item)
        results.append(result)
    return kept, results, failures


# --- embeddings -------------------------------------------------------------------------

def embed_cached(texts: list[str], settings: Settings, db_path: str, fresh: dict[str, np.ndarray] | None = None
                 ) -> np.ndarray:
    """Vectors of `texts` (rows in order), each distinct text encoded at most once per model.

    `fresh` (text hash -> vector) are vectors a worker just encoded: they are added to the
    cache and used as they are. The rest are read from the cache in one query; only what
    is in neither is encoded here (and cached). The database is not held while encoding.
    """
    embedder = Embedder(settings.models.embedding, settings.models.batch_size)
    fresh = fresh or {}
    if not texts:
        if fresh:
            with session(db_path) as con:
                writes.store_vectors(con, fresh, embedder.name)
        return np.zeros((0, 384), dtype=np.float32)
    hashes = [text_hash(t) for t in texts]
    have = dict(fresh)
    with session(db_path) as con:
        if fresh:
            writes.store_vectors(con, fresh, embedder.name)
        have.update(writes.cached_vectors(con, [h for h in hashes if h not in have], embedder.name))
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts, strict=True):
        if h not in have and h not in missing:
            missing[h] = t
    if missing:
        new = dict(zip(missing.keys(), embedder.encode(list(missing.values())), strict=True))
        with session(db_path) as con:
            writes.store_vectors(con, new, embedder.name)
        have.update(new)
    return np.stack([have[h] for h in hashes]).astype(np.float32)


# --- sources --------------------------------------------------------------------------

def index_sources(paths: list[str], settings: Settings, progress: Progress | None = None) -> RunSummary:
    """Read, extract and store source documents; unchanged files are skipped.

    The same steps as a flow run's batch (`prepare_sources`, then `store_sources`), with
    the embedding cache looked up for every sentence before encoding.
    """
    t0 = time.perf_counter()
    summary = RunSummary("sources")
    docs, summary.errors = read_documents(paths)
    todo, same = split_unchanged(docs, settings, kind="sources")
    summary.skipped = [d.path for d in same]
    if not todo:
        summary.seconds = time.perf_counter() - t0
        return summary
    db = db_path(settings)
    model = Embedder(settings.models.embedding).name

    def cached(texts: list[str]) -> frozenset[str]:
        with session(db) as con:
            return frozenset(reads.cached_hashes(con, [text_hash(x) for x in texts], model))

    written = [len(same)]

    def done(path: str, n: int) -> None:
        written[0] += 1
        if progress:
            progress(f"[{written[0]}/{len(docs)}] {path}: {n} statements")

    summary.merge(store_sources(prepare_sources(todo, settings, cached), settings, done))
    summary.seconds = time.perf_counter() - t0
    return summary


# --- articles -------------------------------------------------------------------------

@dataclass
class StatementIndex:
    """Source statements in memory with their vectors and a BM25 index, built once per run."""

    rows: list[reads.StatementRow]
    vectors: np.ndarray
    bm25: BM25 | None
    ann: AnnIndex | None = None  # approximate search, for large corpora (`retrieval.ann_min_statements`)

    @classmethod
    def load(cls, settings: Settings, db_path: str) -> StatementIndex:
        with session(db_path) as con:
            rows = reads.load_statements(con)
        vectors = embed_cached([r.text for r in rows], settings, db_path)
        bm25 = BM25([r.text for r in rows]) if rows else None
        ann = AnnIndex.build(vectors) if len(rows) >= settings.retrieval.ann_min_statements else None
        return cls(rows, vectors, bm25, ann)


def extract_article_claims(docs: list[Document], settings: Settings) -> list[list[Claim]]:
    """Claims of each article, not yet scored for check-worthiness (`with_checkworthiness`
    does that from the vectors of the batch). spaCy runs once over the whole batch's paragraphs."""
    nlp = load_nlp(settings.models.spacy)
    sentences = segment_many([doc.text for doc in docs], nlp, settings.models.batch_size)
    return [_claims_from_sentences(doc.text, sents) for doc, sents in zip(docs, sentences, strict=True)]


def with_checkworthiness(per_doc: list[list[Claim]], vectors: dict[str, np.ndarray]) -> list[list[Claim]]:
    """Each claim scored by the check-worthiness model from its sentence's vector (`vectors`:
    text -> vector, the batch's, so each distinct sentence is embedded once, for this and retrieval)."""
    from claims.checkworthy import score_sentences

    sentences = sorted({c.sentence for claims in per_doc for c in claims})
    if not sentences:
        return per_doc
    vecs = np.stack([vectors[s] for s in sentences])
    score = dict(zip(sentences, (float(x) for x in score_sentences(sentences, vecs)), strict=True))
    return [[replace(c, checkworthiness=round(score[c.sentence], 4)) for c in claims] for claims in per_doc]


def retrieval_text(claim: Claim, claims: list[Claim]) -> str:
    """The whole sentence when it carries one claim (its topic may sit outside the clause:
    "..., according to 79% of members"); the clause when the sentence holds several."""
    siblings = sum(1 for c in claims if c.sentence_start == claim.sentence_start)
    # A baseline clause ("up from 58% a year earlier") names no topic: its sentence does.
    text = claim.sentence if siblings == 1 or is_baseline_clause(claim.text) else claim.text
    if _ANAPHORIC_START.match(claim.sentence):
        # "That was a fall of 36%": what fell is in the sentence before; without it the
        # embedding only knows "a fall".
        before = [c.sentence for c in claims if c.sentence_end <= claim.sentence_start]
        if before:
            text = before[-1] + " " + text
    return text


_ANAPHORIC_START = re.compile(r"^\W*(?:That|This|It|These|Those|The\s+(?:figure|number|total|rise|fall|increase|drop|decline))\s+(?:was|is|were|are|represents?|marks?|means?|leaves?)\b")


def retrieval_texts(claims: list[Claim]) -> list[str]:
    """The texts `judge_claims` embeds to retrieve candidates for these claims."""
    return [retrieval_text(c, claims) for c in claims if c.checkable and c.quantity is not None]


def texts_to_embed(per_doc: list[list[Claim]], *, retrieval: bool) -> list[str]:
    """Every distinct text a batch of articles needs a vector for: the claim sentences
    (check-worthiness) and, when sources are indexed (`retrieval`), the retrieval texts,
    which are mostly the same sentences. Sorted, so every path encodes the same list."""
    texts = {c.sentence for claims in per_doc for c in claims}
    if retrieval:
        texts.update(t for claims in per_doc for t in retrieval_texts(claims))
    return sorted(texts)


Judged = list[tuple[Verdict, list[tuple[str, int, float, float, float]]]]


def judge_claims(claims: list[Claim], settings: Settings, index: StatementIndex, db_path: str,
                 vectors: dict[str, np.ndarray] | None = None) -> Judged:
    """Retrieve candidates for each claim and judge it.

    `vectors` (text -> vector) holds the retrieval vectors already computed for the batch;
    without it they come through the embedding cache (`embed_cached`).
    """
    t = thresholds(settings)
    checkable = [i for i, c in enumerate(claims) if c.checkable and c.quantity is not None]
    results: Judged = []
    ranked: dict[int, list[tuple[int, float, float, float]]] = {}
    if checkable and index.rows and index.bm25 is not None:
        texts = [retrieval_text(claims[i], claims) for i in checkable]
        vecs = embed_cached(texts, settings, db_path) if vectors is None else np.stack([vectors[x] for x in texts])
        for i, cands in zip(checkable, rank_candidates(vecs, index.vectors, texts, index.bm25, settings.retrieval.top_k,
                                                         settings.retrieval.lexical_weight, ann=index.ann), strict=True):
            ranked[i] = cands
    for i, c in enumerate(claims):
        cands = ranked.get(i, [])
        evidence = [
            Evidence(statement_id=index.rows[j].statement_id, source_id=index.rows[j].source_id,
                     source_title=index.rows[j].source_title, text=index.rows[j].text, start=index.rows[j].start,
                     end=index.rows[j].end, similarity=hybrid, finding=index.rows[j].finding)
            for j, hybrid, _dense, _lex in cands
        ]
        verdict = judge(c, evidence, t)
        stored = [(index.rows[j].statement_id, rank, hybrid, dense, lex) for rank, (j, hybrid, dense, lex) in enumerate(cands, 1)]
        results.append((verdict, stored))
    return results


def check_articles(paths: list[str], settings: Settings, progress: Progress | None = None, *, force: bool = False,
                   index: StatementIndex | None = None, run_id: str | None = None) -> RunSummary:
    """Check a batch of articles end to end; unchanged articles are skipped unless `force`.

    The same steps as a flow run's batch (`prepare_articles`, then `store_articles`), with
    the embedding cache looked up for every text before encoding (a flow's worker cannot
    open the database, so it is told which hashes are cached already).
    """
    t0 = time.perf_counter()
    summary = RunSummary("check")
    docs, summary.errors = read_documents(paths)
    todo, same = split_unchanged(docs, settings, kind="check", force=force)
    summary.skipped = [d.path for d in same]
    if not todo:
        summary.seconds = time.perf_counter() - t0
        return summary
    db = db_path(settings)
    index = index or StatementIndex.load(settings, db)
    model = Embedder(settings.models.embedding).name

    def cached(texts: list[str]) -> frozenset[str]:
        with session(db) as con:
            return frozenset(reads.cached_hashes(con, [text_hash(x) for x in texts], model))

    batch = prepare_articles(todo, settings, cached, embed=bool(index.rows))
    written = [0, 0]  # articles, claims

    def done(path: str, n: int) -> None:
        written[0] += 1
        written[1] += n
        if progress:
            rate = written[1] / max(1e-6, time.perf_counter() - t0)
            progress(f"[{written[0]}/{len(todo)}] {path}: {n} claims ({rate:.1f} claims/s)")

    summary.merge(store_articles(batch, settings, index, run_id, done))
    summary.seconds = time.perf_counter() - t0
    return summary


# --- scale-out, runs and re-checks (issue #6) ------------------------------------------
#
# A flow run splits each batch into a CPU-heavy half that returns plain data (extraction
# and embedding: `prepare_*`, which never opens the database, so a Dask worker on another
# machine can run it) and a writing half that runs in the flow process (`store_*`). The
# results are the same rows `index_sources` / `check_articles` above write.

Done = Callable[[str, int], None]  # (path, claims or statements written), for progress


@dataclass
class PreparedArticles:
    """A batch of articles after extraction: claims per article (not yet scored for
    check-worthiness), plus vectors for the texts the embedding cache lacks (text hash -> vector)."""

    docs: list[Document]
    claims: list[list[Claim]]
    vectors: dict[str, np.ndarray]
    model: str
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)  # articles dropped after an unexpected error


@dataclass
class PreparedSources:
    """A batch of source documents after extraction: findings, period and missing vectors."""

    docs: list[Document]
    findings: list[list[Claim]]
    periods: list[str | None]
    vectors: dict[str, np.ndarray]
    model: str
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)  # documents dropped after an unexpected error


def db_path(settings: Settings) -> str:
    return str(settings.resolve(settings.database))


def split_unchanged(docs: list[Document], settings: Settings, *, kind: str, force: bool = False
                    ) -> tuple[list[Document], list[Document]]:
    """(to do, unchanged): a document whose content hash is stored already needs no model work."""
    if force or not docs:
        return list(docs), []
    with session(db_path(settings)) as con:
        stored = (writes.article_hashes if kind == "check" else writes.source_hashes)(con, [d.doc_id for d in docs])
    todo, same = [], []
    for doc in docs:
        (same if stored.get(doc.doc_id) == doc.content_hash else todo).append(doc)
    return todo, same


def known_hashes(docs: list[Document], settings: Settings, *, kind: str) -> frozenset[str]:
    """Hashes of these documents' earlier texts that are embedded already, so a revised
    article re-embeds only what changed."""
    ids = [d.doc_id for d in docs]
    with session(db_path(settings)) as con:
        texts = reads.article_claim_texts(con, ids) if kind == "check" else reads.source_statement_texts(con, ids)
        return frozenset(reads.cached_hashes(con, [text_hash(t) for t in texts], Embedder(settings.models.embedding).name))


def _encode_missing(texts: list[str], known: frozenset[str], settings: Settings) -> tuple[dict[str, np.ndarray], str]:
    embedder = Embedder(settings.models.embedding, settings.models.batch_size)
    missing: dict[str, str] = {}
    for t in texts:
        h = text_hash(t)
        if h not in known and h not in missing:
            missing[h] = t
    if not missing:
        return {}, embedder.name
    return dict(zip(missing, embedder.encode(list(missing.values())), strict=True)), embedder.name


def prepare_articles(docs: list[Document], settings: Settings, known: frozenset[str] | Callable[[list[str]], frozenset[str]],
                     *, embed: bool) -> PreparedArticles:
    """Extract claims and embed the texts the batch needs; no database (runs on a Dask worker).

    `known`: text hashes the embedding cache holds already (not encoded again), or a
    function that looks the batch's texts up (`check_articles`, which may open the
    database). `embed` is False when no source is indexed: then nothing is retrieved, so
    only the claim sentences (check-worthiness) are embedded. An article that raises an
    unexpected error is dropped into `failures`; the others go on.
    """
    t0 = time.perf_counter()
    docs, claims, failures = isolated(docs, lambda ds: extract_article_claims(ds, settings), lambda d: d.path)

    def encode(pairs: list[tuple[Document, list[Claim]]]) -> list[dict[str, np.ndarray]]:
        texts = texts_to_embed([c for _, c in pairs], retrieval=embed)
        vectors, _ = _encode_missing(texts, known(texts) if callable(known) else known, settings)
        if len(pairs) == 1:
            return [vectors]
        per = [{h: vectors[h] for h in map(text_hash, texts_to_embed([c], retrieval=embed)) if h in vectors} for _, c in pairs]
        return per

    pairs, per_doc_vectors, failed = isolated(list(zip(docs, claims, strict=True)), encode, lambda p: p[0].path)
    vectors = {h: v for d in per_doc_vectors for h, v in d.items()}
    return PreparedArticles([d for d, _ in pairs], [c for _, c in pairs], vectors, Embedder(settings.models.embedding).name,
                            time.perf_counter() - t0, failures + failed)


class _Folds:
    """One write session per article, folding DuckDB's write-ahead log into the main file
    every `FOLD_EVERY` sessions and at the end of the batch (`finish`)."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.unfolded = 0

    def session(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        self.unfolded += 1
        fold = self.unfolded >= FOLD_EVERY
        if fold:
            self.unfolded = 0
        return session(self.db, fold=fold)

    def finish(self) -> None:
        if self.unfolded:
            checkpoint(self.db)
            self.unfolded = 0


def store_articles(batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str | None,
                   done: Done | None = None) -> RunSummary:
    """Score, judge and write each prepared article, each in its own transaction.

    The batch's new vectors are cached and the others read in one query; check-worthiness
    is scored for the batch's distinct sentences at once. An unexpected error in one
    article (scoring, judging or writing it) skips that article, reported in
    `summary.errors` with its traceback in `summary.tracebacks`; the rest are written.
    """
    t0 = time.perf_counter()
    db = db_path(settings)
    summary = RunSummary("check")
    for f in batch.failures:
        f.record(summary)
    texts = texts_to_embed(batch.claims, retrieval=bool(index.rows))
    vectors = dict(zip(texts, embed_cached(texts, settings, db, fresh=batch.vectors), strict=True))

    def score(pairs: list[tuple[Document, list[Claim]]]) -> list[list[Claim]]:
        return with_checkworthiness([c for _, c in pairs], vectors)

    pairs, scored, failed = isolated(list(zip(batch.docs, batch.claims, strict=True)), score, lambda p: p[0].path)
    for f in failed:
        f.record(summary)
    folds = _Folds(db)
    for (doc, _), claims in zip(pairs, scored, strict=True):
        try:
            judged = judge_claims(claims, settings, index, db, vectors)
            with folds.session() as con:
                writes.replace_article(con, article_id=doc.doc_id, path=doc.path, title=doc.title, text=doc.text,
                                       content_hash=doc.content_hash, claims=claims, judged=judged, extractor=EXTRACTOR,
                                       judge_version=JUDGE_VERSION, flag_below=settings.judge.flag_below_confidence,
                                       run_id=run_id)
        except _NOT_ONE_ARTICLE:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad article is reported and skipped
            Failure.of(doc.path, exc).record(summary)
            continue
        summary.processed.append(doc.path)
        summary.claims += len(claims)
        for v, _ in judged:
            summary.verdicts[v.verdict] = summary.verdicts.get(v.verdict, 0) + 1
        if done:
            done(doc.path, len(claims))
    folds.finish()
    summary.seconds = time.perf_counter() - t0
    return summary


def prepare_sources(docs: list[Document], settings: Settings, known: frozenset[str] | Callable[[list[str]], frozenset[str]]
                    ) -> PreparedSources:
    """Extract findings from source documents and embed their sentences; no database.

    `known` as for `prepare_articles`. A document that raises an unexpected error is
    dropped into `failures`; the others go on.
    """
    t0 = time.perf_counter()

    def extract(ds: list[Document]) -> list[list[Claim]]:
        nlp = load_nlp(settings.models.spacy)
        return [extract_findings(doc, nlp, settings.models.batch_size) for doc in ds]

    docs, findings, failures = isolated(docs, extract, lambda d: d.path)
    periods = [document_context(doc).period for doc in docs]
    texts = [s for fs in findings for s in sorted({f.sentence for f in fs})]
    vectors, model = _encode_missing(texts, known(texts) if callable(known) else known, settings)
    return PreparedSources(docs, findings, periods, vectors, model, time.perf_counter() - t0, failures)


def store_sources(batch: PreparedSources, settings: Settings, done: Done | None = None) -> RunSummary:
    """Write each prepared source document, replacing its earlier version atomically.

    An unexpected error in one document's write skips that document (reported in
    `summary.errors`, traceback in `summary.tracebacks`); the rest are written.
    """
    t0 = time.perf_counter()
    db = db_path(settings)
    summary = RunSummary("sources")
    for f in batch.failures:
        f.record(summary)
    if batch.vectors:
        with session(db) as con:
            writes.store_vectors(con, batch.vectors, batch.model)
    folds = _Folds(db)
    for doc, findings, period in zip(batch.docs, batch.findings, batch.periods, strict=True):
        try:
            with folds.session() as con:
                writes.replace_source(con, source_id=doc.doc_id, path=doc.path, title=doc.title, fmt=doc.format,
                                      meta=doc.meta, period=period, text=doc.text, content_hash=doc.content_hash,
                                      findings=findings, extractor=EXTRACTOR)
        except _NOT_ONE_ARTICLE:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad document is reported and skipped
            Failure.of(doc.path, exc).record(summary)
            continue
        summary.processed.append(doc.path)
        summary.claims += len(findings)
        if done:
            done(doc.path, len(findings))
    folds.finish()
    summary.seconds = time.perf_counter() - t0
    return summary


# --- nothing to do: the cheap path of `claimdesk check` / `sources add` -----------------

def unchanged_run(paths: list[str], settings: Settings, *, kind: str, chunk: int = 25) -> RunSummary | None:
    """The summary of a run in which every input is unchanged, found without a flow; None
    as soon as one input needs work.

    Why: a flow run costs a Prefect start-up (~10-20 s: the temporary server, imports)
    even when every file is skipped by content hash. This applies the flow's own rule
    (`split_unchanged`: the content hash is stored, and the article or source was written
    in the same transaction as that hash, so nothing of it is half done) to the inputs
    first. Unreadable files are reported as the flow would report them. URLs are left to
    the flow (it fetches each once), as is a database that does not exist yet. Files are
    read in chunks and the look stops at the first chunk with a new or changed file, so a
    run with work to do pays for reading at most one chunk twice (plus the unchanged ones before it).
    """
    t0 = time.perf_counter()
    db = settings.resolve(settings.database)
    if not db.is_file() or not db.stat().st_size:
        return None
    files, errors = [], []
    for p, err in iter_paths(paths):
        if err is not None:
            errors.append(str(err))
        elif p.startswith(("http://", "https://")):
            return None
        else:
            files.append(p)
    summary = RunSummary(kind, errors=errors)
    for i in range(0, len(files), chunk):
        docs, failed = read_documents(files[i:i + chunk])
        todo, same = split_unchanged(docs, settings, kind=kind)
        if todo:
            return None
        summary.skipped += [d.path for d in same]
        summary.errors += failed
    summary.seconds = time.perf_counter() - t0
    return summary


# --- runs -------------------------------------------------------------------------------

def start_run(settings: Settings, kind: str) -> str:
    """Record a run as 'running' before it writes anything; a killed run stays 'running'."""
    with session(db_path(settings)) as con:
        return writes.start_run(con, kind)


def finish_run(settings: Settings, run_id: str, *, status: str, n_inputs: int, n_claims: int, n_errors: int,
               details: dict[str, object]) -> None:
    with session(db_path(settings)) as con:
        writes.finish_run(con, run_id, status=status, n_inputs=n_inputs, n_claims=n_claims, n_errors=n_errors,
                          details=details)


def record_unchanged_run(settings: Settings, summary: RunSummary) -> None:
    """A `runs` row for a command that found every input unchanged and started no flow
    (`unchanged_run`), with the counts a flow run records, so the runs table still shows it."""
    run_id = start_run(settings, summary.kind)
    finish_run(settings, run_id, status="completed", n_inputs=len(summary.skipped), n_claims=0, n_errors=len(summary.errors),
               details={"prefect_flow_run_id": None, "runner": "none (every input unchanged, no flow started)",
                        "processed": 0, "skipped": len(summary.skipped), "seconds": round(summary.seconds, 2), "verdicts": {}})


# --- re-check ---------------------------------------------------------------------------

@dataclass
class RecheckSummary:
    """What a re-check did: claims re-judged, verdicts that changed, and reviewed claims the
    machine now disagrees with (the editor's verdict stays final)."""

    rejudged: list[str] = field(default_factory=list)
    new_rows: int = 0
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # (claim_id, old, new)
    disagreements: list[str] = field(default_factory=list)
    articles: int = 0
    seconds: float = 0.0


def recheck_targets(settings: Settings, *, all_claims: bool = False) -> dict[str, set[str]]:
    """Claim ids a re-check would re-judge now, by article id."""
    with session(db_path(settings)) as con:
        return reads.claims_to_recheck(con, all_claims=all_claims)


def recheck_claims(settings: Settings, *, all_claims: bool = False, run_id: str | None = None,
                   done: Done | None = None) -> RecheckSummary:
    """Re-judge stored claims judged before a source was added or revised (all with `all_claims`).

    Claims are re-judged from their stored rows against the current index, with no
    re-reading, re-extraction or (normally) re-embedding. Every judgement that changed gets a
    new verdict row (`writes.record_judgements`), tagged with `run_id`; reviews are never touched.
    A claim's retrieval text depends on its sentence's other claims, so each affected article
    is judged as a whole, but only its stale claims are recorded.
    """
    t0 = time.perf_counter()
    db = db_path(settings)
    summary = RecheckSummary()
    targets = recheck_targets(settings, all_claims=all_claims)
    if not targets:
        summary.seconds = time.perf_counter() - t0
        return summary
    index = StatementIndex.load(settings, db)
    wanted = sorted(cid for ids in targets.values() for cid in ids)
    with session(db) as con:
        stored = reads.load_article_claims(con, sorted(targets))
        before = reads.latest_machine_verdicts(con, wanted)
        reviewed = reads.latest_reviews(con, wanted)
    # Every retrieval text of the affected articles through the cache at once (one query).
    texts = sorted({t for rows in stored.values() for t in retrieval_texts([c for _, c in rows])}) if index.rows else []
    vectors = dict(zip(texts, embed_cached(texts, settings, db), strict=True))
    for article_id, rows in stored.items():
        judged = judge_claims([c for _, c in rows], settings, index, db, vectors)
        items = [(cid, verdict, cands) for (cid, _), (verdict, cands) in zip(rows, judged, strict=True)
                 if cid in targets[article_id]]
        with session(db) as con, transaction(con):
            added = writes.record_judgements(con, items, JUDGE_VERSION, settings.judge.flag_below_confidence, run_id)
        for (cid, verdict, _), new in zip(items, added, strict=True):
            summary.rejudged.append(cid)
            if not new:
                continue
            summary.new_rows += 1
            if before.get(cid) != verdict.verdict:
                summary.changed.append((cid, before.get(cid), verdict.verdict))
            if cid in reviewed and reviewed[cid] != verdict.verdict:
                summary.disagreements.append(cid)
        summary.articles += 1
        if done:
            done(f"article {article_id}", len(targets[article_id]))
    summary.seconds = time.perf_counter() - t0
    return summary
