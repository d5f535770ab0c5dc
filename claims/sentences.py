"""Sentences of a document, with offsets, quotation marks, organisations and subjects.

spaCy segments each paragraph (so headlines stay apart) and finds organisations and the
grammatical subject; quotation marks are read from the raw text, since a quote often
runs over several sentences.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

# spaCy components the extractor reads: sentences, dependency labels and heads (parser)
# and entities (ner); both take their input from tok2vec, not from the tagger. Nothing in
# claims/, sources/ or flows/ reads POS tags, fine-grained tags, lemmas or morphology
# (token.pos_, tag_, lemma_, morph), so the tagger, the attribute_ruler (which maps tags
# to POS) and the lemmatizer are switched off: about half of spaCy's time, with the same
# sentences, entities and dependency arcs (benchmarks/RESULTS.md, issue #9). A reader
# that needs POS tags must take "tagger" and "attribute_ruler" out of this list.
_DISABLED = ["lemmatizer", "tagger", "attribute_ruler"]


@lru_cache(maxsize=2)
def load_nlp(name: str) -> Language:
    import spacy

    try:
        nlp = spacy.load(name, disable=_DISABLED)
    except OSError as exc:
        from claimdesk.errors import ConfigError

        raise ConfigError(f"key 'models.spacy': cannot load spaCy pipeline {name!r} ({str(exc).splitlines()[0][:120]})") from None
    nlp.max_length = 30_000_000
    return nlp


_QUOTE_PAIRS = [("“", "”"), ('"', '"'), ("«", "»")]


@dataclass(frozen=True)
class Sentence:
    """One sentence with its document offsets, whether it is quoted speech, its organisations and subject."""

    text: str
    start: int
    end: int
    in_quote: bool
    orgs: tuple[str, ...] = ()
    subject: str = ""
    # The sentence's dependency parse, kept as plain tuples so pure functions (claims/measured.py)
    # can read what a figure measures without spaCy objects outliving their Doc.
    tokens: tuple[Token, ...] = ()


@dataclass(frozen=True)
class Token:
    """One parsed word: its offsets in the sentence text, its lower-case form, whether it is a
    stop word, its dependency label and the index of its head in the sentence's tokens
    (itself for the root). No lemma or part of speech: the tagger is off for speed (above)."""

    start: int
    end: int
    word: str
    stop: bool
    dep: str
    head: int


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks, paragraph by paragraph.

    A quote left open at the end of a paragraph runs to the paragraph's end (news style
    for multi-paragraph quotes), so the words a person said are never read as reporting.
    """
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p, base = para.group(0), para.start()
        for open_q, close_q in _QUOTE_PAIRS:
            i = 0
            while True:
                a = p.find(open_q, i)
                if a < 0:
                    break
                b = p.find(close_q, a + 1)
                if b < 0:
                    if open_q != close_q:
                        spans.append((base + a, base + len(p)))
                    break
                if b - a > 25:  # short quotes are scare quotes ("Zoom effect"), not speech
                    spans.append((base + a, base + b + 1))
                i = b + 1
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


_BLOCK = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
# A line that ends a sentence (not an initial's dot: "U.S."), and a line that opens a list item.
_ENDS_SENTENCE = re.compile(r"(?<!\b[A-Z])[.!?\u2026][\"\u201d\u2019]?\s*$")
_BULLET = re.compile(r"\s*(?:[-\u2013\u2014\u2022*\u00b7\u25aa]|\d{1,2}[.)])\s")
# A text with a line this long is not hard-wrapped: each of its lines is a paragraph.
_WRAP_WIDTH = 100


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """The document's paragraphs with their offsets: blocks between blank lines, each split
    again at a single line break that ends a paragraph.

    Why: pages copied from the web put one paragraph a line with no blank line between, and
    a headline, a list item or a line the page cut short has no full stop, so spaCy runs it
    into the next line's sentence and a claim's span covers both. A single line break is a
    paragraph's end when the text is not hard-wrapped (a line passes `_WRAP_WIDTH`),
    when the line ends a sentence, or when the next line is a list item; in hard-wrapped
    text a line without a full stop runs on, as it was written.
    """
    unwrapped = max((len(line) for line in text.split("\n")), default=0) > _WRAP_WIDTH
    out: list[tuple[int, str]] = []
    for m in _BLOCK.finditer(text):
        lines = m.group(0).split("\n")
        start = pos = m.start()
        for line, nxt in zip(lines, lines[1:], strict=False):
            pos += len(line)
            if unwrapped or _ENDS_SENTENCE.search(line) or _BULLET.match(nxt):
                out.append((start, text[start:pos]))
                start = pos + 1
            pos += 1
        out.append((start, text[start:m.end()]))
    return [(a, p) for a, p in out if p.strip()]


def segment(text: str, nlp: Language, batch_size: int = 64) -> list[Sentence]:
    """Sentences with document offsets; paragraphs are parsed separately so headlines stay apart."""
    return segment_many([text], nlp, batch_size)[0]


def segment_many(texts: list[str], nlp: Language, batch_size: int = 64, *,
                 entities_where: Callable[[str], bool] | None = None) -> list[list[Sentence]]:
    """`segment` of several documents through one `nlp.pipe` over all their paragraphs.

    Why: a news article has 6-10 paragraphs, so one pipe per article leaves spaCy's
    minibatches mostly empty and pays the pipe's set-up per article; one pipe per batch of
    articles keeps them full. Each paragraph is still its own spaCy Doc, so the sentences
    are the same as `segment` gives one document at a time.

    `entities_where`: run the entity recogniser only on paragraphs for which it is true
    (the others get no `orgs`). Why: "ner" has a tok2vec of its own and is half of the
    pipeline's time, while the claims read a sentence's organisations only when it names a
    survey, report, study, poll or data (`claims.attribution.may_read_organisations`).
    """
    per_doc = [(split_paragraphs(text), quoted_spans(text)) for text in texts]
    paragraphs = (_tokenizable(p) for paras, _ in per_doc for _, p in paras)
    if entities_where is None or "ner" not in nlp.pipe_names:
        docs = iter(nlp.pipe(paragraphs, batch_size=batch_size))
    else:
        parsed = list(nlp.pipe(paragraphs, batch_size=batch_size, disable=["ner"]))
        wanted = [doc for doc, (_, p) in zip(parsed, (x for paras, _ in per_doc for x in paras), strict=True)
                  if entities_where(p)]
        _recognise_entities(wanted, nlp, batch_size)
        docs = iter(parsed)
    out: list[list[Sentence]] = []
    for paras, quotes in per_doc:
        sentences: list[Sentence] = []
        for (base, para), doc in zip(paras, itertools.islice(docs, len(paras)), strict=True):
            sentences.extend(_sentences_of(doc, base, quotes, para))
        out.append(sentences)
    return out


def _recognise_entities(docs: list[Doc], nlp: Language, batch_size: int) -> None:
    """Run "ner" on docs the rest of the pipeline has parsed; it sets their entities in place.

    "ner" reads no other component's output (it has its own tok2vec) and runs after the
    parser as in the full pipeline, so the entities are those the full pipeline gives."""
    for _ in nlp.get_pipe("ner").pipe(docs, batch_size=batch_size):
        pass


_LONG_RUN = re.compile(r"\S{500,}")


def _tokenizable(para: str) -> str:
    """The paragraph as spaCy should see it: a space every 500 characters of a run without one.

    spaCy's tokenizer strips one prefix or suffix character at a time, which is quadratic
    in the length of a run without whitespace: 6,000 '[' took minutes (found by
    benchmarks/fuzz.py). The copy has the same length, so offsets still index the
    original, and sentence text is read from the original. Real prose has no such runs,
    so it is parsed exactly as before.
    """
    if len(para) < 500 or not _LONG_RUN.search(para):
        return para
    return _LONG_RUN.sub(lambda m: "".join(" " if i % 500 == 499 else ch for i, ch in enumerate(m.group(0))), para)


def _sentences_of(doc: Doc, base: int, quotes: list[tuple[int, int]], para: str | None = None) -> list[Sentence]:
    res = []
    for sent in doc.sents:
        # The original characters (identical to sent.text unless _tokenizable changed the copy).
        raw = sent.text if para is None else para[sent.start_char:sent.end_char]
        s_text = raw.strip()
        if not s_text:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = base + sent.start_char + lead
        end = start + len(s_text)
        orgs = tuple(e.text for e in sent.ents if e.label_ in ("ORG", "GPE", "NORP"))
        res.append(Sentence(s_text, start, end, inside(quotes, start, end) or _mostly_quoted(quotes, start, end), orgs,
                            _subject_of(sent), _tokens_of(sent, sent.start_char + lead)))
    return res


def _tokens_of(sent: Span, origin: int) -> tuple[Token, ...]:
    first = sent.start
    return tuple(Token(t.idx - origin, t.idx - origin + len(t.text), t.lower_, t.is_stop, t.dep_, t.head.i - first)
                 for t in sent)


def _mostly_quoted(quotes: list[tuple[int, int]], start: int, end: int) -> bool:
    covered = sum(max(0, min(b, end) - max(a, start)) for a, b in quotes)
    return covered > 0.6 * (end - start)


def _subject_of(sent: Span) -> str:
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ROOT":
            return " ".join(t.text for t in tok.subtree)
    return ""
