"""`claimdesk extract`: claims and check-worthiness per sentence, as JSON lines, no database."""

from __future__ import annotations

import json
import sys

from claimdesk.errors import InputError
from claimdesk.settings import Settings
from claims.extract import Sentence, claims_from_sentences, load_nlp, segment
from claims.model import Claim
from sources.readers import read_document


def _claim_json(c: Claim, offset: int) -> dict[str, object]:
    q = c.quantity
    return {
        "text": c.text, "start": c.start - offset, "end": c.end - offset, "value": q.value if q else None,
        "low": q.low if q else None, "high": None if q is None or q.high == float("inf") else q.high,
        "unit": q.unit if q else None, "measure": c.measure, "direction": c.direction, "population": c.population,
        "period": c.period, "attribution": c.attribution, "checkable": c.checkable,
    }


def sentence_records(text: str, settings: Settings) -> list[dict[str, object]]:
    """One record per sentence: check-worthiness, claim type and its claims."""
    from claims.checkworthy import score_sentences
    from claims.claim_types import classify_claim_type
    from sources.embed import Embedder

    nlp = load_nlp(settings.models.spacy)
    sentences: list[Sentence] = segment(text, nlp, settings.models.batch_size)
    claims = claims_from_sentences(text, sentences)
    vecs = Embedder(settings.models.embedding, settings.models.batch_size).encode([s.text for s in sentences])
    scores = score_sentences([s.text for s in sentences], vecs) if sentences else []
    out = []
    for s, sc in zip(sentences, scores, strict=True):
        own = [c for c in claims if c.sentence_start == s.start]
        ctype = classify_claim_type(s.text, has_quantity=any(c.checkable for c in own), in_quote=s.in_quote)
        out.append({
            "sentence": s.text, "start": s.start, "end": s.end, "score": round(float(sc), 4),
            "checkworthy": bool(sc >= settings.extraction.checkworthy_threshold), "claim_type": ctype,
            "claims": [_claim_json(c, 0) for c in own],
        })
    return out


def run_extract(path: str, settings: Settings, *, lines: bool = False) -> int:
    if path == "-":
        text = sys.stdin.read()
    else:
        text = read_document(path).text
    if not text.strip():
        raise InputError("no text to extract from", path=path)
    docs = text.splitlines() if lines else [text]
    for n, doc in enumerate(docs):
        if not doc.strip():
            continue
        for rec in sentence_records(doc, settings):
            if lines:
                rec = {"doc": n, **rec}
            print(json.dumps(rec, ensure_ascii=False))
    return 0
