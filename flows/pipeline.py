"""The pipeline's steps as plain functions over batches; Prefect tasks wrap these.

Each step takes and returns plain data, so tests call them directly and the flows in
`flows/flows.py` only decide batching, retries and logging. Database writes happen in
short sessions (one per article or source), so the review app can take the file lock
between them.
"""

from __future__ import annotations

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
from store.db import session

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
    return claim.sentence if siblings == 1 else claim.text


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
