"""The steps of a batch run as plain functions over plain data; `flows.service` strings
them together and the Prefect tasks (`flows.prefect_flows`) wrap them one to one.

Each step splits along the line a flow needs: `prepare_*` is the CPU-heavy half
(extraction and embedding) and never opens the database, so a Dask worker on another
machine can run it; `store_*` judges and writes in the process that alone opens DuckDB.
Database writes happen in short sessions (`store.batch_session`: consecutive articles or
sources share one for at most a quarter of a second, each in its own transaction), so the
review desk can take the file between them.

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
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import duckdb
import numpy as np

from claimdesk.errors import ClaimdeskError
from claimdesk.settings import Settings
from claims.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, claims_from_sentences, load_nlp, segment_many
from claims.judge import JUDGE_VERSION
from claims.model import Claim
from claims.relative_time import resolve_claims
from sources.embed import Embedder, encode_missing, text_hash, vectors_through_cache
from sources.findings import document_context, extract_findings
from sources.matching import Judged, StatementIndex, judge_claims
from sources.readers import Document, iter_paths, read_document
from sources.retrieval_text import texts_to_embed
from store import reads, writes
from store.batch_session import WRITE_SESSION_SECONDS, BatchSession
from store.db import session, transaction

EXTRACTOR = (EXTRACTOR_NAME, EXTRACTOR_VERSION)
Done = Callable[[str, int], None]  # (path, claims or statements written), for progress
T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger(__name__)


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


def db_path(settings: Settings) -> str:
    return str(settings.resolve(settings.database))


def read_documents(paths: list[str], kind: str = "check") -> tuple[list[Document], list[str]]:
    """Read a batch; a bad file becomes one error line and the rest go on.

    `kind` "check" reads web pages as articles (main text and metadata, sources/html_page.py);
    "sources" keeps a source page's every line by tag name: its header lines and tables are
    the point, and a main-text extractor drops them as boilerplate.
    """
    docs, errors = [], []
    for p, err in iter_paths(paths):
        if err is not None:
            errors.append(str(err))
            continue
        try:
            docs.append(read_document(p, article=kind == "check"))
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


# --- the embedding cache and the statement index ----------------------------------------

class DbVectorCache:
    """`sources.embed.VectorCache` over the database's `embeddings` table: one short session
    per exchange, or a write of the batch's shared session (`writer`)."""

    def __init__(self, db: str, model: str, writer: BatchSession | None = None) -> None:
        self.db = db
        self.model = model
        self.writer = writer

    def exchange(self, new: dict[str, np.ndarray], wanted: Sequence[str]) -> dict[str, np.ndarray]:
        with (self.writer.write() if self.writer is not None else session(self.db)) as con:
            if new:
                writes.store_vectors(con, new, self.model)
            return writes.cached_vectors(con, list(wanted), self.model) if wanted else {}


def embed_cached(texts: list[str], settings: Settings, db: str, fresh: dict[str, np.ndarray] | None = None,
                 writer: BatchSession | None = None) -> np.ndarray:
    """Vectors of `texts` (rows in order) through the database's embedding cache
    (`sources.embed.vectors_through_cache`), in `writer`'s session if given."""
    embedder = Embedder(settings.models.embedding, settings.models.batch_size)
    return vectors_through_cache(texts, embedder, DbVectorCache(db, embedder.name, writer), fresh)


# The statement index a process loaded last, per (database, model, ANN threshold), with the
# fingerprint of the statements it was built from (`reads.statements_fingerprint`).
_indexes: dict[tuple[str, str, int], tuple[tuple[int, int], StatementIndex]] = {}
_indexes_lock = threading.Lock()


def load_index(settings: Settings) -> StatementIndex:
    """The statement index of every stored source statement, vectors through the cache.

    A process that loaded it before for the same database and the statements are
    unchanged (same fingerprint, read in the same transaction as the statements) gets
    the same index again instead of a new one: a warm desk or `serve` re-loaded every
    statement, its vectors and its BM25 (and ANN) index for each checked article (issue #16).
    """
    db = db_path(settings)
    key = (db, settings.models.embedding, settings.retrieval.ann_min_statements)
    with session(db) as con, transaction(con):
        fingerprint = reads.statements_fingerprint(con)
        with _indexes_lock:
            held = _indexes.get(key)
        if held is not None and held[0] == fingerprint:
            return held[1]
        rows = reads.load_statements(con)
    vectors = embed_cached([r.text for r in rows], settings, db)
    index = StatementIndex.build(rows, vectors, ann_min_statements=settings.retrieval.ann_min_statements)
    with _indexes_lock:
        _indexes.clear()  # one index held per process: the newest
        _indexes[key] = (fingerprint, index)
    return index


def split_unchanged(docs: list[Document], settings: Settings, *, kind: str, force: bool = False
                    ) -> tuple[list[Document], list[Document]]:
    """(to do, unchanged): a document whose content hash is stored already needs no model work."""
    if force or not docs:
        return list(docs), []
    with session(db_path(settings)) as con:
        return _split_unchanged(con, docs, kind)


def _split_unchanged(con: duckdb.DuckDBPyConnection, docs: list[Document], kind: str
                     ) -> tuple[list[Document], list[Document]]:
    stored = (writes.article_hashes if kind == "check" else writes.source_hashes)(con, [d.doc_id for d in docs])
    todo, same = [], []
    for doc in docs:
        (same if stored.get(doc.doc_id) == doc.content_hash else todo).append(doc)
    return todo, same


def known_hashes(docs: list[Document], settings: Settings, *, kind: str) -> frozenset[str]:
    """Hashes of these documents' earlier texts that are embedded already, so a revised
    article re-embeds only what changed."""
    with session(db_path(settings)) as con:
        return _known_hashes(con, docs, settings, kind)


def _known_hashes(con: duckdb.DuckDBPyConnection, docs: list[Document], settings: Settings, kind: str
                  ) -> frozenset[str]:
    ids = [d.doc_id for d in docs]
    texts = reads.article_claim_texts(con, ids) if kind == "check" else reads.source_statement_texts(con, ids)
    return frozenset(reads.cached_hashes(con, [text_hash(t) for t in texts], Embedder(settings.models.embedding).name))


def split_and_known(docs: list[Document], settings: Settings, *, kind: str, force: bool = False
                    ) -> tuple[list[Document], list[Document], frozenset[str]]:
    """`split_unchanged`, then `known_hashes` of the documents to do, in one database session.

    Why one: a session costs a DuckDB open and close, 40–90 ms on the shared 2-core machine
    under load, and a desk check of one article opened one for each (issue #16)."""
    if not docs:
        return [], [], frozenset()
    with session(db_path(settings)) as con:
        todo, same = (list(docs), []) if force else _split_unchanged(con, docs, kind)
        return todo, same, (_known_hashes(con, todo, settings, kind) if todo else frozenset())


# --- articles -------------------------------------------------------------------------

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


def extract_article_claims(docs: list[Document], settings: Settings) -> list[list[Claim]]:
    """Claims of each article, not yet scored for check-worthiness (`with_checkworthiness`
    does that from the vectors of the batch). spaCy runs once over the whole batch's paragraphs."""
    nlp = load_nlp(settings.models.spacy)
    sentences = segment_many([doc.text for doc in docs], nlp, settings.models.batch_size)
    # A relative time ("last year") is resolved from the article's publication date, if it has one.
    return [resolve_claims(claims_from_sentences(doc.text, sents), doc.published)
            for doc, sents in zip(docs, sentences, strict=True)]


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


def prepare_articles(docs: list[Document], settings: Settings, known: frozenset[str], *, embed: bool) -> PreparedArticles:
    """Extract claims and embed the texts the batch needs; no database (runs on a Dask worker).

    `known`: text hashes the embedding cache holds already (not encoded again; a worker
    cannot look them up itself). `embed` is False when no source is indexed: then nothing
    is retrieved, so only the claim sentences (check-worthiness) are embedded. An article
    that raises an unexpected error is dropped into `failures`; the others go on.
    """
    t0 = time.perf_counter()
    embedder = Embedder(settings.models.embedding, settings.models.batch_size)
    docs, claims, failures = isolated(docs, lambda ds: extract_article_claims(ds, settings), lambda d: d.path)

    def encode(pairs: list[tuple[Document, list[Claim]]]) -> list[dict[str, np.ndarray]]:
        texts = texts_to_embed([c for _, c in pairs], retrieval=embed)
        vectors = encode_missing(texts, known, embedder)
        if len(pairs) == 1:
            return [vectors]
        return [{h: vectors[h] for h in map(text_hash, texts_to_embed([c], retrieval=embed)) if h in vectors}
                for _, c in pairs]

    pairs, per_doc_vectors, failed = isolated(list(zip(docs, claims, strict=True)), encode, lambda p: p[0].path)
    vectors = {h: v for d in per_doc_vectors for h, v in d.items()}
    return PreparedArticles([d for d, _ in pairs], [c for _, c in pairs], vectors, embedder.name,
                            time.perf_counter() - t0, failures + failed)


def store_articles(batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str | None,
                   done: Done | None = None, *, session_seconds: float = WRITE_SESSION_SECONDS) -> RunSummary:
    """Score, judge and write each prepared article, each in its own transaction.

    Consecutive writes share a session for up to `session_seconds` (`store.batch_session`;
    0: a session per write, as before issue #16's part 5; the rows are the same).

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
    with BatchSession(db, seconds=session_seconds) as writer:
        _score_judge_write(batch, settings, index, run_id, done, summary, writer)
    summary.seconds = time.perf_counter() - t0
    return summary


def _score_judge_write(batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str | None,
                       done: Done | None, summary: RunSummary, writer: BatchSession) -> None:
    """`store_articles`' work: every article scored and judged first, with the file closed,
    then the writes back to back through `writer`, so its sessions hold only writes."""
    texts = texts_to_embed(batch.claims, retrieval=bool(index.rows))
    if {text_hash(t) for t in texts} <= batch.vectors.keys():
        # Every vector is one the batch just encoded (a new article): nothing to read from the
        # cache, so they are cached with the writes below instead of in a session of their
        # own before judging (one DuckDB open and close less, 40–90 ms under load; issue #16).
        vectors = {t: batch.vectors[text_hash(t)] for t in texts}
        if batch.vectors:
            with writer.write() as con:
                writes.store_vectors(con, batch.vectors, batch.model)
    else:
        vectors = dict(zip(texts, embed_cached(texts, settings, writer.db, fresh=batch.vectors, writer=writer),
                           strict=True))
        writer.pause()

    def score(pairs: list[tuple[Document, list[Claim]]]) -> list[list[Claim]]:
        return with_checkworthiness([c for _, c in pairs], vectors)

    pairs, scored, failed = isolated(list(zip(batch.docs, batch.claims, strict=True)), score, lambda p: p[0].path)
    for f in failed:
        f.record(summary)
    judged: list[tuple[Document, list[Claim], Judged]] = []
    for (doc, _), claims in zip(pairs, scored, strict=True):
        try:
            judged.append((doc, claims, judge_claims(claims, settings, index, vectors)))
        except _NOT_ONE_ARTICLE:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad article is reported and skipped
            Failure.of(doc.path, exc).record(summary)

    def write(item: tuple[Document, list[Claim], Judged]) -> int:
        doc, claims, verdicts = item
        with writer.write() as con:
            writes.replace_article(con, article_id=doc.doc_id, path=doc.path, title=doc.title, text=doc.text,
                                   content_hash=doc.content_hash, claims=claims, judged=verdicts, extractor=EXTRACTOR,
                                   judge_version=JUDGE_VERSION, flag_below=settings.judge.flag_below_confidence,
                                   run_id=run_id, author=doc.author, site=doc.site, published=doc.published)
        for v, _ in verdicts:
            summary.verdicts[v.verdict] = summary.verdicts.get(v.verdict, 0) + 1
        return len(claims)

    _one_by_one(judged, lambda p: p[0].path, write, summary, done)


def _one_by_one(items: list[T], path: Callable[[T], str], write: Callable[[T], int], summary: RunSummary,
                done: Done | None) -> None:
    """`write` each item in turn (it returns how many claims or statements it wrote). An
    unexpected error skips that item only, reported in `summary.errors` with its traceback
    in `summary.tracebacks`; a database problem (`_NOT_ONE_ARTICLE`) fails the batch."""
    for item in items:
        try:
            n = write(item)
        except _NOT_ONE_ARTICLE:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad input is reported and skipped
            Failure.of(path(item), exc).record(summary)
            continue
        summary.processed.append(path(item))
        summary.claims += n
        if done:
            done(path(item), n)


# --- sources --------------------------------------------------------------------------

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


def prepare_sources(docs: list[Document], settings: Settings, known: frozenset[str]) -> PreparedSources:
    """Extract findings from source documents and embed their sentences; no database.

    `known` as for `prepare_articles`. A document that raises an unexpected error is
    dropped into `failures`; the others go on.
    """
    t0 = time.perf_counter()
    embedder = Embedder(settings.models.embedding, settings.models.batch_size)

    def extract(ds: list[Document]) -> list[list[Claim]]:
        nlp = load_nlp(settings.models.spacy)
        return [extract_findings(doc, nlp, settings.models.batch_size) for doc in ds]

    docs, findings, failures = isolated(docs, extract, lambda d: d.path)
    periods = [document_context(doc).period for doc in docs]
    texts = [s for fs in findings for s in sorted({f.sentence for f in fs})]
    vectors = encode_missing(texts, known, embedder)
    return PreparedSources(docs, findings, periods, vectors, embedder.name, time.perf_counter() - t0, failures)


def store_sources(batch: PreparedSources, settings: Settings, done: Done | None = None, *,
                  session_seconds: float = WRITE_SESSION_SECONDS) -> RunSummary:
    """Write each prepared source document, replacing its earlier version atomically.

    Writes share sessions as in `store_articles`.

    An unexpected error in one document's write skips that document (reported in
    `summary.errors`, traceback in `summary.tracebacks`); the rest are written.
    """
    t0 = time.perf_counter()
    db = db_path(settings)
    summary = RunSummary("sources")
    for f in batch.failures:
        f.record(summary)
    with BatchSession(db, seconds=session_seconds) as writer:
        if batch.vectors:
            with writer.write() as con:
                writes.store_vectors(con, batch.vectors, batch.model)
        _write_sources(batch, summary, done, writer)
    summary.seconds = time.perf_counter() - t0
    return summary


def _write_sources(batch: PreparedSources, summary: RunSummary, done: Done | None, writer: BatchSession) -> None:
    def write(item: tuple[Document, list[Claim], str | None]) -> int:
        doc, findings, period = item
        with writer.write() as con:
            writes.replace_source(con, source_id=doc.doc_id, path=doc.path, title=doc.title, fmt=doc.format,
                                  meta=doc.meta, period=period, text=doc.text, content_hash=doc.content_hash,
                                  findings=findings, extractor=EXTRACTOR, cells=doc.cells)
        return len(findings)

    _one_by_one(list(zip(batch.docs, batch.findings, batch.periods, strict=True)), lambda x: x[0].path, write,
                summary, done)
