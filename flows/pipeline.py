"""The pipeline's steps as plain functions over batches; Prefect tasks wrap these.

Each step takes and returns plain data, so tests call them directly and the flows in
`flows/flows.py` only decide batching, retries and logging. Database writes happen in
short sessions (one per article or source), so the review app can take the file lock
between them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from claimdesk.errors import ClaimdeskError
from claimdesk.settings import Settings
from claims.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, load_nlp, segment
from claims.extract import claims_from_sentences as _claims_from_sentences
from claims.judge import JUDGE_VERSION, Thresholds, judge
from claims.model import Claim, Evidence, Verdict
from sources.embed import Embedder, text_hash
from sources.findings import document_context, extract_findings
from sources.lexical import BM25
from sources.readers import Document, iter_paths, read_document
from sources.retrieve import rank_candidates
from store import reads, writes
from store.db import session, transaction

EXTRACTOR = (EXTRACTOR_NAME, EXTRACTOR_VERSION)
Progress = Callable[[str], None]


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

    def merge(self, other: RunSummary) -> None:
        self.processed += other.processed
        self.skipped += other.skipped
        self.errors += other.errors
        self.claims += other.claims
        self.seconds += other.seconds
        for k, v in other.verdicts.items():
            self.verdicts[k] = self.verdicts.get(k, 0) + v


def thresholds(settings: Settings) -> Thresholds:
    j, r = settings.judge, settings.retrieval
    return Thresholds(min_similarity=r.min_similarity, supported_similarity=j.supported_similarity,
                      misrepresented_similarity=j.misrepresented_similarity,
                      contradicted_similarity=j.contradicted_similarity, relative_tolerance=j.relative_tolerance)


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


def embed_cached(texts: list[str], settings: Settings, db_path: str) -> np.ndarray:
    """Embed texts, computing each distinct text once per model and caching it in DuckDB."""
    embedder = Embedder(settings.models.embedding, settings.models.batch_size)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    hashes = [text_hash(t) for t in texts]
    with session(db_path) as con:
        cached = writes.cached_vectors(con, hashes, embedder.name)
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts, strict=True):
        if h not in cached and h not in missing:
            missing[h] = t
    if missing:
        vecs = embedder.encode(list(missing.values()))
        new = dict(zip(missing.keys(), vecs, strict=True))
        with session(db_path) as con:
            writes.store_vectors(con, new, embedder.name)
        cached.update(new)
    return np.stack([cached[h] for h in hashes]).astype(np.float32)


# --- sources --------------------------------------------------------------------------

def index_sources(paths: list[str], settings: Settings, progress: Progress | None = None) -> RunSummary:
    """Read, extract and store source documents; unchanged files are skipped."""
    t0 = time.perf_counter()
    summary = RunSummary("sources")
    db = str(settings.resolve(settings.database))
    docs, summary.errors = read_documents(paths)
    nlp = load_nlp(settings.models.spacy)
    for i, doc in enumerate(docs, 1):
        with session(db) as con:
            unchanged = writes.source_hash(con, doc.doc_id) == doc.content_hash
        if unchanged:
            summary.skipped.append(doc.path)
            continue
        findings = extract_findings(doc, nlp, settings.models.batch_size)
        embed_cached(sorted({f.sentence for f in findings}), settings, db)
        with session(db) as con:
            writes.replace_source(con, source_id=doc.doc_id, path=doc.path, title=doc.title, fmt=doc.format, meta=doc.meta,
                                  period=document_context(doc).period, text=doc.text, content_hash=doc.content_hash,
                                  findings=findings, extractor=EXTRACTOR)
        summary.processed.append(doc.path)
        summary.claims += len(findings)
        if progress:
            progress(f"[{i}/{len(docs)}] {doc.path}: {len(findings)} statements")
    summary.seconds = time.perf_counter() - t0
    return summary


# --- articles -------------------------------------------------------------------------

@dataclass
class StatementIndex:
    """Source statements in memory with their vectors and a BM25 index, built once per run."""

    rows: list[reads.StatementRow]
    vectors: np.ndarray
    bm25: BM25 | None

    @classmethod
    def load(cls, settings: Settings, db_path: str) -> StatementIndex:
        with session(db_path) as con:
            rows = reads.load_statements(con)
        vectors = embed_cached([r.text for r in rows], settings, db_path)
        bm25 = BM25([r.text for r in rows]) if rows else None
        return cls(rows, vectors, bm25)


def extract_article_claims(docs: list[Document], settings: Settings) -> list[list[Claim]]:
    """Claims of each article (spaCy runs once over the whole batch's paragraphs)."""
    nlp = load_nlp(settings.models.spacy)
    out = [_claims_from_sentences(doc.text, segment(doc.text, nlp, settings.models.batch_size)) for doc in docs]
    return _with_checkworthiness(out, settings)


def _with_checkworthiness(per_doc: list[list[Claim]], settings: Settings) -> list[list[Claim]]:
    """Score each claim's sentence with the check-worthiness model (each distinct sentence embedded once)."""
    from dataclasses import replace

    from claims.checkworthy import score_sentences

    sentences = sorted({c.sentence for claims in per_doc for c in claims})
    if not sentences:
        return per_doc
    vecs = Embedder(settings.models.embedding, settings.models.batch_size).encode(sentences)
    score = dict(zip(sentences, (float(x) for x in score_sentences(sentences, vecs)), strict=True))
    return [[replace(c, checkworthiness=round(score[c.sentence], 4)) for c in claims] for claims in per_doc]


def retrieval_text(claim: Claim, claims: list[Claim]) -> str:
    """The whole sentence when it carries one claim (its topic may sit outside the clause:
    "..., according to 79% of members"); the clause when the sentence holds several."""
    siblings = sum(1 for c in claims if c.sentence_start == claim.sentence_start)
    # A baseline clause ("up from 58% a year earlier") names no topic: its sentence does.
    text = claim.sentence if siblings == 1 or _BASELINE_START.match(claim.text) else claim.text
    if _ANAPHORIC_START.match(claim.sentence):
        # "That was a fall of 36%": what fell is in the sentence before; without it the
        # embedding only knows "a fall".
        before = [c.sentence for c in claims if c.sentence_end <= claim.sentence_start]
        if before:
            text = before[-1] + " " + text
    return text


_BASELINE_START = re.compile(r"^\W*(?:and\s+)?(?:(?:up|down)\s+from|from|compared\s+(?:with|to)|versus|when\s+(?:it|there|they)\s+(?:was|were))\b", re.I)
_ANAPHORIC_START = re.compile(r"^\W*(?:That|This|It|These|Those|The\s+(?:figure|number|total|rise|fall|increase|drop|decline))\s+(?:was|is|were|are|represents?|marks?|means?|leaves?)\b")


def judge_claims(claims: list[Claim], settings: Settings, index: StatementIndex, db_path: str
                 ) -> list[tuple[Verdict, list[tuple[str, int, float, float, float]]]]:
    """Retrieve candidates for each claim and judge it."""
    t = thresholds(settings)
    checkable = [i for i, c in enumerate(claims) if c.checkable and c.quantity is not None]
    results: list[tuple[Verdict, list[tuple[str, int, float, float, float]]]] = []
    ranked: dict[int, list[tuple[int, float, float, float]]] = {}
    if checkable and index.rows and index.bm25 is not None:
        texts = [retrieval_text(claims[i], claims) for i in checkable]
        vecs = embed_cached(texts, settings, db_path)
        for i, cands in zip(checkable, rank_candidates(vecs, index.vectors, texts, index.bm25, settings.retrieval.top_k,
                                                         settings.retrieval.lexical_weight), strict=True):
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
    """Check a batch of articles end to end; unchanged articles are skipped unless `force`."""
    t0 = time.perf_counter()
    summary = RunSummary("check")
    db = str(settings.resolve(settings.database))
    docs, summary.errors = read_documents(paths)
    todo = []
    with session(db) as con:
        for doc in docs:
            if not force and writes.article_hash(con, doc.doc_id) == doc.content_hash:
                summary.skipped.append(doc.path)
            else:
                todo.append(doc)
    if not todo:
        summary.seconds = time.perf_counter() - t0
        return summary
    index = index or StatementIndex.load(settings, db)
    all_claims = extract_article_claims(todo, settings)
    for n, (doc, claims) in enumerate(zip(todo, all_claims, strict=True), 1):
        judged = judge_claims(claims, settings, index, db)
        with session(db) as con:
            writes.replace_article(con, article_id=doc.doc_id, path=doc.path, title=doc.title, text=doc.text,
                                   content_hash=doc.content_hash, claims=claims, judged=judged, extractor=EXTRACTOR,
                                   judge_version=JUDGE_VERSION, flag_below=settings.judge.flag_below_confidence, run_id=run_id)
        summary.processed.append(doc.path)
        summary.claims += len(claims)
        for v, _ in judged:
            summary.verdicts[v.verdict] = summary.verdicts.get(v.verdict, 0) + 1
        if progress:
            rate = summary.claims / max(1e-6, time.perf_counter() - t0)
            progress(f"[{n}/{len(todo)}] {doc.path}: {len(claims)} claims ({rate:.1f} claims/s)")
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
    """A batch of articles after extraction: claims per article, plus vectors for the
    retrieval texts the embedding cache lacks (text hash -> vector)."""

    docs: list[Document]
    claims: list[list[Claim]]
    vectors: dict[str, np.ndarray]
    model: str
    seconds: float = 0.0


@dataclass
class PreparedSources:
    """A batch of source documents after extraction: findings, period and missing vectors."""

    docs: list[Document]
    findings: list[list[Claim]]
    periods: list[str | None]
    vectors: dict[str, np.ndarray]
    model: str
    seconds: float = 0.0


def db_path(settings: Settings) -> str:
    return str(settings.resolve(settings.database))


def split_unchanged(docs: list[Document], settings: Settings, *, kind: str, force: bool = False
                    ) -> tuple[list[Document], list[Document]]:
    """(to do, unchanged): a document whose content hash is stored already needs no model work."""
    stored = writes.article_hash if kind == "check" else writes.source_hash
    todo, same = [], []
    with session(db_path(settings)) as con:
        for doc in docs:
            (same if not force and stored(con, doc.doc_id) == doc.content_hash else todo).append(doc)
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


def retrieval_texts(claims: list[Claim]) -> list[str]:
    """The texts `judge_claims` embeds to retrieve candidates for these claims."""
    return [retrieval_text(c, claims) for c in claims if c.checkable and c.quantity is not None]


def prepare_articles(docs: list[Document], settings: Settings, known: frozenset[str], *, embed: bool) -> PreparedArticles:
    """Extract claims and embed their retrieval texts; no database (runs on a Dask worker).

    `embed` is False when no source is indexed: then nothing is retrieved, so nothing is embedded.
    """
    t0 = time.perf_counter()
    claims = extract_article_claims(docs, settings) if docs else []
    texts = [t for cl in claims for t in retrieval_texts(cl)] if embed else []
    vectors, model = _encode_missing(texts, known, settings)
    return PreparedArticles(docs, claims, vectors, model, time.perf_counter() - t0)


def store_articles(batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str | None,
                   done: Done | None = None) -> RunSummary:
    """Judge each prepared article against the index and write it in its own transaction."""
    t0 = time.perf_counter()
    db = db_path(settings)
    summary = RunSummary("check")
    if batch.vectors:
        with session(db) as con:
            writes.store_vectors(con, batch.vectors, batch.model)
    for doc, claims in zip(batch.docs, batch.claims, strict=True):
        judged = judge_claims(claims, settings, index, db)
        with session(db) as con:
            writes.replace_article(con, article_id=doc.doc_id, path=doc.path, title=doc.title, text=doc.text,
                                   content_hash=doc.content_hash, claims=claims, judged=judged, extractor=EXTRACTOR,
                                   judge_version=JUDGE_VERSION, flag_below=settings.judge.flag_below_confidence, run_id=run_id)
        summary.processed.append(doc.path)
        summary.claims += len(claims)
        for v, _ in judged:
            summary.verdicts[v.verdict] = summary.verdicts.get(v.verdict, 0) + 1
        if done:
            done(doc.path, len(claims))
    summary.seconds = time.perf_counter() - t0
    return summary


def prepare_sources(docs: list[Document], settings: Settings, known: frozenset[str]) -> PreparedSources:
    """Extract findings from source documents and embed their sentences; no database."""
    t0 = time.perf_counter()
    nlp = load_nlp(settings.models.spacy) if docs else None
    findings = [extract_findings(doc, nlp, settings.models.batch_size) for doc in docs]
    periods = [document_context(doc).period for doc in docs]
    texts = [s for fs in findings for s in sorted({f.sentence for f in fs})]
    vectors, model = _encode_missing(texts, known, settings)
    return PreparedSources(docs, findings, periods, vectors, model, time.perf_counter() - t0)


def store_sources(batch: PreparedSources, settings: Settings, done: Done | None = None) -> RunSummary:
    """Write each prepared source document, replacing its earlier version atomically."""
    t0 = time.perf_counter()
    db = db_path(settings)
    summary = RunSummary("sources")
    if batch.vectors:
        with session(db) as con:
            writes.store_vectors(con, batch.vectors, batch.model)
    for doc, findings, period in zip(batch.docs, batch.findings, batch.periods, strict=True):
        with session(db) as con:
            writes.replace_source(con, source_id=doc.doc_id, path=doc.path, title=doc.title, fmt=doc.format, meta=doc.meta,
                                  period=period, text=doc.text, content_hash=doc.content_hash, findings=findings,
                                  extractor=EXTRACTOR)
        summary.processed.append(doc.path)
        summary.claims += len(findings)
        if done:
            done(doc.path, len(findings))
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
    new verdict row (`writes.record_judgement`), tagged with `run_id`; reviews are never touched.
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
    for article_id, rows in stored.items():
        judged = judge_claims([c for _, c in rows], settings, index, db)
        with session(db) as con, transaction(con):
            for (cid, _), (verdict, cands) in zip(rows, judged, strict=True):
                if cid not in targets[article_id]:
                    continue
                summary.rejudged.append(cid)
                if not writes.record_judgement(con, cid, verdict, cands, JUDGE_VERSION,
                                               settings.judge.flag_below_confidence, run_id):
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
