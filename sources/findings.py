"""A source document -> its findings: the same claim structure the articles produce.

The document's header (publisher, the period it covers) is read once and given to
every finding, because source reports state it once: "covering procedures performed
in 2022" applies to each bullet below it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.extract import DocContext, Sentence, claims_from_sentences, segment
from claims.model import Claim
from sources.readers import Document

if TYPE_CHECKING:
    from spacy.language import Language

_YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s?[-–]\s?((?:19|20)\d\d))?\b")


def document_context(doc: Document) -> DocContext:
    """Who publishes the figures and which period they cover, from the header or the title."""
    meta = doc.meta
    publisher = meta.get("publisher") or meta.get("source") or meta.get("author")
    period = None
    for key in ("period", "covers", "coverage", "method"):
        if key in meta:
            m = _YEAR.search(meta[key])
            if m:
                period = f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)
                break
    if period is None:
        m = _YEAR.search(doc.title)
        if m:
            period = f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)
    return DocContext(attribution=publisher, period=period, population=meta.get("population"))


def _is_header(sentence: Sentence) -> bool:
    return bool(re.match(r"^\s*(?:Publisher|Published|Released|Date|Method|Period|Population|Source|Author|Covers|Coverage)\s*:", sentence.text, re.I))


def extract_findings(doc: Document, nlp: Language, batch_size: int = 64) -> list[Claim]:
    """Every statistical statement of a source, skipping its header lines."""
    sentences = [s for s in segment(doc.text, nlp, batch_size) if not _is_header(s)]
    findings = claims_from_sentences(doc.text, sentences, document_context(doc))
    # A source states its own findings: quotation marks in a report are not hearsay. Besides
    # its figures, a statement of direction or of a record without a figure ("injuries
    # fell in the second quarter") is kept: it is what a claim of direction or record is
    # checked against. Claims with a figure never see these (sources/matching.py).
    return [f for f in findings if (f.quantity is not None and not f.quantity.vague) or is_figureless_finding(f)]


def is_figureless_finding(f: Claim) -> bool:
    """A statement of direction or of a record, with no figure."""
    return f.quantity is None and f.checkable and (bool(f.direction) or f.measure == "rank")
