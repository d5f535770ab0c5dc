"""`claimdesk extract`: claims and check-worthiness per sentence, as JSON lines, no database.

Documents go through the models in chunks (`CHUNK_DOCS` at a time): one `nlp.pipe` over
all the chunk's paragraphs and one `encode` of its distinct sentences. Why: with
`--lines` every line is a document of one or two sentences, and one pipe and one encode
per line left spaCy's and the embedder's batches nearly empty and paid their set-up per
line (issue #16: 23 ms a line above the pipeline's ~3 ms; the 4,880-line ClaimBuster
test file did not finish in 12 minutes under load). A chunk's records print as soon as its
vectors arrive, and at most `MAX_CHUNKS_AHEAD` chunks wait, so output starts early and
memory stays bounded.

`run_extract` overlaps the two models on the two cores: the encoder runs in a process of
its own (`flows.encode_worker`, started first, so torch and spaCy load side by side) while
this process segments up to `MAX_CHUNKS_AHEAD` chunks ahead with spaCy and runs the rules
and the embedding-free half of the check-worthiness score; chunks print in order as their
vectors arrive. The encode calls are exactly those of one chunk at a time (the same
distinct sentences, in the same order, in the same batches), so the vectors, scores and
output are byte-identical to `records_many` chunk by chunk (`tests/test_extract_cmd.py`
compares them). spaCy's entity recogniser runs only on lines whose sentences could have
their organisations read (`claims.attribution.may_read_organisations`), which leaves the
output as it was at half of spaCy's cost (issue #16, benchmarks/RESULTS.md).
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimdesk.errors import InputError
from claimdesk.settings import Settings
from claims.attribution import may_read_organisations
from claims.extract import Sentence, claims_from_sentences, load_nlp, segment_many
from claims.model import Claim
from flows.encode_worker import EncoderProcess
from sources.readers import read_document

if TYPE_CHECKING:
    import numpy as np

    from claims.checkworthy import PreparedSentences

# Documents per trip through the models: big enough to fill spaCy's and the embedder's
# batches, small enough that the first lines print within seconds.
CHUNK_DOCS = 512
# Chunks segmented ahead of the encoder at most: spaCy and the rules run ~4x faster than
# the encoder, so this bounds the memory held for a long file (the main process then
# waits).
MAX_CHUNKS_AHEAD = 16


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
    """One chunk on its way through the models: rules done, vectors coming from the encoder."""

    numbered: list[tuple[int, str]]
    sentences: list[list[Sentence]]
    distinct: list[str]
    prepared: PreparedSentences
    unscored: list[list[dict[str, object]]]


def _start_chunk(part: list[tuple[int, str]], settings: Settings, encoder: EncoderProcess) -> _Chunk:
    """Segment the chunk, hand its distinct sentences to the encoder, and run the rules
    and the embedding-free scoring while the encoder works."""
    from claims.checkworthy import prepare_sentences

    texts = [d for _, d in part]
    per_doc = segment_many(texts, load_nlp(settings.models.spacy), settings.models.batch_size,
                           entities_where=may_read_organisations)
    distinct = list(dict.fromkeys(s.text for sentences in per_doc for s in sentences))
    if distinct:
        encoder.submit(distinct)
    unscored = [_unscored(t, sents) for t, sents in zip(texts, per_doc, strict=True)]
    return _Chunk(part, per_doc, distinct, prepare_sentences(distinct), unscored)


def _print_chunk(chunk: _Chunk, vecs: np.ndarray | None, settings: Settings, lines: bool) -> None:
    from claims.checkworthy import score_prepared

    scored = dict(zip(chunk.distinct, score_prepared(chunk.prepared, vecs), strict=True)) if chunk.distinct else {}
    out = []
    for (n, _), sentences, unscored in zip(chunk.numbered, chunk.sentences, chunk.unscored, strict=True):
        for rec in _finish(unscored, [scored[s.text] for s in sentences], settings):
            out.append(json.dumps({"doc": n, **rec} if lines else rec, ensure_ascii=False))
    if out:
        print("\n".join(out), flush=True)


def _print_ready(pending: deque[_Chunk], encoder: EncoderProcess, settings: Settings, lines: bool, *,
                 wait: bool) -> None:
    """Print the finished chunks at the head of `pending`, in order; with `wait`, also wait
    for the oldest one (the main process has nothing else to do meanwhile)."""
    while pending and (not pending[0].distinct or encoder.ready() or wait):
        chunk = pending.popleft()
        _print_chunk(chunk, encoder.result() if chunk.distinct else None, settings, lines)
        wait = False


def _spacy_without_torch() -> None:
    """Keep this process from importing torch: only the encoder process needs it, but
    thinc (under spaCy) imports it when it is installed, which cost this process a second
    torch import (~3 CPU-s at start-up, issue #16). thinc treats a failed import as "no
    torch" and spaCy's CPU pipelines do not use it. Only when torch is not loaded yet (a
    CLI run, not a test process that has it already)."""
    if "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail


def run_extract(path: str, settings: Settings, *, lines: bool = False, chunk: int = CHUNK_DOCS,
                encoder: EncoderProcess | None = None) -> int:
    """Print the records of the file (or stdin, "-"). `encoder`: a running encoder process
    to use (and leave running), e.g. one shared by several calls in a test; by default one
    is started and stopped here."""
    if path == "-":
        text = sys.stdin.read()
    else:
        text = read_document(path).text
    if not text.strip():
        raise InputError("no text to extract from", path=path)
    docs = text.splitlines() if lines else [text]
    own_encoder = encoder is None
    if encoder is None:
        from sources.embed import resolve_model_path

        _spacy_without_torch()

        resolve_model_path(settings.models.embedding)  # a bad config key fails here, in one line
        # Started first: it imports torch and loads the embedder while this process loads spaCy.
        encoder = EncoderProcess(settings.models.embedding, settings.models.batch_size)
    encoder.main_is_busy()
    try:
        pending: deque[_Chunk] = deque()
        for part in _chunks(docs, chunk):
            pending.append(_start_chunk(part, settings, encoder))
            _print_ready(pending, encoder, settings, lines, wait=len(pending) > MAX_CHUNKS_AHEAD)
        # Only printing is left here.
        encoder.main_is_idle()
        while pending:
            _print_ready(pending, encoder, settings, lines, wait=True)
    finally:
        # On an error, Ctrl-C or a closed pipe, queued encodes are dropped rather than run.
        if own_encoder or encoder.pending:
            encoder.close()
    return 0
