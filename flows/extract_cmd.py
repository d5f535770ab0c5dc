"""`claimdesk extract`: claims and check-worthiness per sentence, as JSON lines, no database.

Documents go through the models in chunks (`CHUNK_DOCS` at a time): one `nlp.pipe` over
all the chunk's paragraphs and one `encode` of its distinct sentences. Why: with
`--lines` every line is a document of one or two sentences, and one pipe and one encode
per line left spaCy's and the embedder's batches nearly empty and paid their set-up per
line (issue #16: 23 ms a line above the pipeline's ~3 ms; the 4,880-line ClaimBuster
test file did not finish in 12 minutes under load). A chunk's records are printed before
the next chunk is read through the models, so output starts early and memory stays flat.

`run_extract` overlaps the two models: one worker thread encodes chunk k while the main
thread segments chunk k+1 with spaCy and runs the rules and the embedding-free half of
the check-worthiness score (torch releases the GIL while it computes, so on two cores
both run at once), and the embedder loads while spaCy does. The encode calls are
exactly those of one chunk at a time (the same distinct sentences, in the same order,
in the same batches), so the vectors, scores and output are byte-identical to
`records_many` chunk by chunk (`tests/test_extract_cmd.py` compares them).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimdesk.errors import InputError
from claimdesk.settings import Settings
from claims.attribution import may_read_organisations
from claims.extract import Sentence, claims_from_sentences, load_nlp, segment_many
from claims.model import Claim
from sources.readers import read_document

if TYPE_CHECKING:
    from claims.checkworthy import PreparedSentences
    from sources.embed import Embedder

# Documents per trip through the models: big enough to fill spaCy's and the embedder's
# batches, small enough that the first lines print within seconds.
CHUNK_DOCS = 512


def _claim_json(c: Claim, offset: int) -> dict[str, object]:
    q = c.quantity
    return {
        "text": c.text, "start": c.start - offset, "end": c.end - offset, "value": q.value if q else None,
        "low": q.low if q else None, "high": None if q is None or q.high == float("inf") else q.high,
        "unit": q.unit if q else None, "measure": c.measure, "direction": c.direction, "population": c.population,
        "period": c.period, "attribution": c.attribution, "checkable": c.checkable,
    }


def _records(text: str, sentences: list[Sentence], scores: Sequence[float], settings: Settings) -> list[dict[str, object]]:
    """One document's records, from its sentences and their check-worthiness scores."""
    return _finish(_unscored(text, sentences), scores, settings)


def _unscored(text: str, sentences: list[Sentence]) -> list[dict[str, object]]:
    """One document's records without the score: the rules' part, which needs no embedding."""
    from claims.claim_types import classify_claim_type

    claims = claims_from_sentences(text, sentences)
    out = []
    for s in sentences:
        own = [c for c in claims if c.sentence_start == s.start]
        ctype = classify_claim_type(s.text, has_quantity=any(c.checkable for c in own), in_quote=s.in_quote)
        out.append({"sentence": s.text, "start": s.start, "end": s.end, "claim_type": ctype,
                    "claims": [_claim_json(c, 0) for c in own]})
    return out


def _finish(unscored: list[dict[str, object]], scores: Sequence[float], settings: Settings) -> list[dict[str, object]]:
    """The records with their scores, fields in the order `claimdesk extract` has always printed."""
    return [{"sentence": r["sentence"], "start": r["start"], "end": r["end"], "score": round(float(sc), 4),
             "checkworthy": bool(sc >= settings.extraction.checkworthy_threshold), "claim_type": r["claim_type"],
             "claims": r["claims"]}
            for r, sc in zip(unscored, scores, strict=True)]


def records_many(texts: list[str], settings: Settings) -> list[list[dict[str, object]]]:
    """`sentence_records` of several documents, with one pipe and one encode for all of them.

    Each distinct sentence is encoded once; scoring is per sentence, so a document's
    records do not depend on which documents share its chunk (scores may differ from a
    one-document run in the last float bits of the vectors, never beyond the rounding).
    """
    from claims.checkworthy import score_sentences
    from sources.embed import Embedder

    nlp = load_nlp(settings.models.spacy)
    per_doc = segment_many(texts, nlp, settings.models.batch_size)
    distinct = list(dict.fromkeys(s.text for sentences in per_doc for s in sentences))
    if distinct:
        vecs = Embedder(settings.models.embedding, settings.models.batch_size).encode(distinct)
        scored = dict(zip(distinct, score_sentences(distinct, vecs), strict=True))
    else:
        scored = {}
    return [_records(text, sentences, [scored[s.text] for s in sentences], settings)
            for text, sentences in zip(texts, per_doc, strict=True)]


def sentence_records(text: str, settings: Settings) -> list[dict[str, object]]:
    """One record per sentence: check-worthiness, claim type and its claims."""
    return records_many([text], settings)[0]


def _chunks(docs: list[str], size: int) -> Iterator[list[tuple[int, str]]]:
    """(line number, text) of the non-blank documents, `size` at a time."""
    numbered = [(n, d) for n, d in enumerate(docs) if d.strip()]
    for i in range(0, len(numbered), size):
        yield numbered[i:i + size]


@dataclass
class _Chunk:
    """One chunk on its way through the models: rules done, vectors coming from the worker."""

    numbered: list[tuple[int, str]]
    sentences: list[list[Sentence]]
    distinct: list[str]
    prepared: PreparedSentences
    unscored: list[list[dict[str, object]]]
    vectors: Future


def _start_chunk(part: list[tuple[int, str]], settings: Settings, pool: ThreadPoolExecutor, embedder: Embedder) -> _Chunk:
    """Segment the chunk, hand its distinct sentences to the encoder, and run the rules
    and the embedding-free scoring while the encoder works."""
    from claims.checkworthy import prepare_sentences

    texts = [d for _, d in part]
    per_doc = segment_many(texts, load_nlp(settings.models.spacy), settings.models.batch_size,
                           entities_where=may_read_organisations)
    distinct = list(dict.fromkeys(s.text for sentences in per_doc for s in sentences))
    vectors = pool.submit(embedder.encode, distinct) if distinct else _done(None)
    unscored = [_unscored(t, sents) for t, sents in zip(texts, per_doc, strict=True)]
    return _Chunk(part, per_doc, distinct, prepare_sentences(distinct), unscored, vectors)


def _done(value: object) -> Future:
    fut: Future = Future()
    fut.set_result(value)
    return fut


def _print_chunk(chunk: _Chunk, settings: Settings, lines: bool) -> None:
    from claims.checkworthy import score_prepared

    vecs = chunk.vectors.result()
    scored = dict(zip(chunk.distinct, score_prepared(chunk.prepared, vecs), strict=True)) if chunk.distinct else {}
    out = []
    for (n, _), sentences, unscored in zip(chunk.numbered, chunk.sentences, chunk.unscored, strict=True):
        for rec in _finish(unscored, [scored[s.text] for s in sentences], settings):
            out.append(json.dumps({"doc": n, **rec} if lines else rec, ensure_ascii=False))
    if out:
        print("\n".join(out), flush=True)


def _one_core_for_the_encoder() -> None:
    """Torch's intra-op threads set to one: spaCy already keeps one core busy on the main
    thread, so a second torch thread only contends with it. On the first 500 ClaimBuster
    sentences, quiet 2-core machine: 41.1 s wall instead of 46.1 s, the same output bytes
    (benchmarks/RESULTS.md). Only `extract` does this; it is a process of its own."""
    import torch

    torch.set_num_threads(1)


def run_extract(path: str, settings: Settings, *, lines: bool = False, chunk: int = CHUNK_DOCS) -> int:
    if path == "-":
        text = sys.stdin.read()
    else:
        text = read_document(path).text
    if not text.strip():
        raise InputError("no text to extract from", path=path)
    docs = text.splitlines() if lines else [text]
    from sources.embed import Embedder, load_model

    embedder = Embedder(settings.models.embedding, settings.models.batch_size)
    # One worker: the encodes run one after another, in chunk order; the embedder loads
    # there while the main thread loads spaCy.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")
    try:
        pool.submit(_one_core_for_the_encoder)
        pool.submit(load_model, settings.models.embedding)
        pending: _Chunk | None = None
        for part in _chunks(docs, chunk):
            started = _start_chunk(part, settings, pool, embedder)
            if pending is not None:
                _print_chunk(pending, settings, lines)
            pending = started
        if pending is not None:
            _print_chunk(pending, settings, lines)
    finally:
        # On an error, Ctrl-C or a closed pipe, queued encodes are dropped rather than run.
        pool.shutdown(wait=True, cancel_futures=True)
    return 0
