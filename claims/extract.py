"""Text -> atomic statistical claims, with measure, subject, population, period and attribution.

spaCy segments sentences and finds organisations and the grammatical subject; the
quantity parser finds the numbers. Each number becomes its own claim whose span is the
clause around it, so "83% ..., up from 60% the year before" yields two claims. Article
claims and source findings come out of the same function, so the judge compares like
with like.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from claims.model import Claim, Quantity
from claims.quantities import find_quantities

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

EXTRACTOR_NAME = "claimdesk.rules"
EXTRACTOR_VERSION = "1.0"

# spaCy components the extractor reads: sentences, dependency labels and heads (parser)
# and entities (ner); both take their input from tok2vec, not from the tagger. Nothing in
# claims/, sources/ or flows/ reads POS tags, fine-grained tags, lemmas or morphology
# (token.pos_, tag_, lemma_, morph), so the tagger, the attribute_ruler (which maps tags
# to POS) and the lemmatizer are switched off: about half of spaCy's time, with the same
# sentences, entities and dependency arcs (benchmarks/RESULTS.md, issue #9). A reader
# that needs POS tags must take "tagger" and "attribute_ruler" out of this list.
_DISABLED = ["lemmatizer", "tagger", "attribute_ruler"]


@dataclass(frozen=True)
class DocContext:
    """What a source document says once for all its findings (header lines)."""

    attribution: str | None = None
    period: str | None = None
    population: str | None = None


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


# --- vocabulary -----------------------------------------------------------------------

_UP = r"(?:widened|edged\s+up|gained|added|increase[sd]?|increasing|rise|rises|rose|risen|rising|grew|grow|grown|growth|jump(?:ed|s)?|climb(?:ed|s)?|gain(?:ed|s)?|surge[sd]?|soar(?:ed|s)?|spike[sd]?|boost(?:ed)?|hike[sd]?|up|higher|more|bump|uptick)"
_DOWN = r"(?:slip(?:ped|s)?|eased|narrowed|lost|lose|loses|losing|shed|decrease[sd]?|decreasing|decline[sd]?|declining|drop(?:ped|s)?|fall|falls|fell|fallen|falling|cut|cuts|dip(?:ped|s)?|slump(?:ed)?|plunge[sd]?|plummet(?:ed)?|shr[ai]nk|shrunk|down|lower|less|fewer|reduction|slid|slide|tumbled?)"
_CHANGE_NOUN_AFTER = re.compile(rf"^\s*(?:year-on-year\s+|annual\s+|overall\s+)?(?P<dir>{_UP}|{_DOWN})\b", re.I)
_FILLER = r"(?:(?:about|around|nearly|almost|some|roughly|more\s+than|over|just\s+over|just\s+under|close\s+to|just|only|a|an|another|a\s+further)\s+)*"
_CHANGE_VERB_BEFORE = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN})\s+(?:by\s+)?{_FILLER}$", re.I)
_CHANGE_NOUN_BEFORE = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN}|growth|gain|loss)\s+of\s+{_FILLER}$", re.I)
_BASELINE_CLAUSE = re.compile(r"^[\s,;:—–-]*(?:and\s+)?(?:(?P<dir>up|down)\s+from|compared\s+(?:with|to)|when\s+(?:it|there|they)\s+(?:was|were)|versus|from)\b", re.I)
# "$457 billion, or 9 percent, lower than in 2022", "2% above the pre-pandemic level":
# a figure followed by a comparative is the size of a change, whatever its unit.
_COMPARATIVE_AFTER = re.compile(
    r"^\s*(?:,\s*or\s+[^,;]{1,40},\s*|\s*\([^()]{1,40}\)\s*)?(?:degrees?\s+(?:celsius|fahrenheit)\s+|[°º]?\s?[CF]\s+)?(?P<dir>higher|lower|more|less|fewer|greater|smaller|bigger|larger|above|below|warmer|hotter|colder|cooler)"
    r"\s+(?:than|on|from|the|its|their|a|last|pre-|(?:19|20)\d\d\b)", re.I)
_COMPARATIVE_UP = {"higher", "more", "greater", "bigger", "larger", "above", "warmer", "hotter"}


def _comparative_after(after: str) -> tuple[str, str] | None:
    m = _COMPARATIVE_AFTER.match(after)
    return ("change", "up" if m.group("dir").lower() in _COMPARATIVE_UP else "down") if m else None
_MONEY_MOVED_BEFORE = re.compile(rf"\b(?P<dir>lost|shed|gained|added|wiped|knocked)\s+(?:off\s+)?{_FILLER}$", re.I)
# "cut the world's sugar output by 26.7%", "raised its forecast by 0.1 points"
_CHANGE_VERB_OBJECT_BY = re.compile(
    rf"\b(?P<dir>cut|cuts|raised|raises|lifted|lowered|reduced|boosted|increased|decreased|slashed|trimmed)\s+(?:[\w'’-]+\s+){{1,6}}by\s+{_FILLER}$", re.I)
_TO_LEVEL_BEFORE = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN})\s+to\s+(?:(?:about|around|nearly|almost|roughly|more\s+than|over|close\s+to)\s+)?$", re.I)
_RATE_OF_CHANGE = re.compile(r"\b(?:inflation|growth(?:\s+rate)?|rate\s+of\s+(?:growth|increase|inflation)|annual\s+(?:increase|rise))\b", re.I)
_SHARE_AFTER = re.compile(r"^\s*(?:of|among)\b", re.I)
_SHARE_VERB_AFTER = re.compile(r"^\s*(?:said|say|says|reported|report|believe[sd]?|expect(?:ed|s)?|agree[sd]?|indicated|named|pointed|think|thought|support(?:ed|s)?|oppose[sd]?|want(?:ed|s)?|use[sd]?|own(?:ed|s)?|saw|see|had|have|were|are)\b", re.I)
_LEVEL_CUE = re.compile(r"\b(?:a|per)\s+(?:day|week|month|year|person|capita|head)\b|\baverage\b|\bmedian\b|\brate\b", re.I)

_POP_STOP = re.compile(
    r"\b(?:said|say|says|reported|report|reports|expect|expects|expected|believe|believes|believed|agreed|agree|indicated|saw|see|"
    r"were|was|are|is|have|has|had|named|pointed|performed|who|that|which|also|still|now|think|thought|want|wanted|use|used|"
    r"own|owned|would|will|could|can|do|did|noted|cited|listed|felt|feel|plan|planned|support|oppose|visit|visited|get|got|took|take)\b|[,;:!?()—–]|(?<![A-Z])\.(?=\s|$)",
    re.I,
)
_GEO = {
    "us": "US", "u.s.": "US", "u.s": "US", "usa": "US", "america": "US", "american": "US", "americans": "US",
    "united states": "US", "uk": "UK", "u.k.": "UK", "united kingdom": "UK", "british": "UK", "britons": "UK",
    # Census and road statistics are published for parts of the UK: "the UK" is not "England and Wales".
    "britain": "GB", "great britain": "GB", "england": "ENG", "wales": "WAL", "scotland": "SCO",
    "northern ireland": "NI",
    "eu": "EU", "europe": "EU", "european": "EU", "europeans": "EU", "worldwide": "WORLD", "global": "WORLD",
    "globally": "WORLD", "world": "WORLD", "world's": "WORLD", "canada": "CA", "canadian": "CA", "canadians": "CA",
    "australia": "AU", "australian": "AU", "australians": "AU", "china": "CN", "chinese": "CN", "india": "IN",
    "indian": "IN", "germany": "DE", "german": "DE", "france": "FR", "french": "FR", "japan": "JP", "japanese": "JP",
    "norway": "NO", "norwegian": "NO", "sweden": "SE", "swedish": "SE", "denmark": "DK", "danish": "DK",
    "finland": "FI", "finnish": "FI", "iceland": "IS", "ireland": "IE", "irish": "IE", "netherlands": "NL", "dutch": "NL",
    "belgium": "BE", "belgian": "BE", "switzerland": "CH", "swiss": "CH", "austria": "AT", "austrian": "AT",
    "italy": "IT", "italian": "IT", "spain": "ES", "spanish": "ES", "portugal": "PT", "portuguese": "PT",
    "greece": "GR", "greek": "GR", "poland": "PL", "polish": "PL", "ukraine": "UA", "ukrainian": "UA",
    "russia": "RU", "russian": "RU", "turkey": "TR", "turkish": "TR", "israel": "IL", "israeli": "IL",
    "saudi arabia": "SA", "iran": "IR", "iraq": "IQ", "egypt": "EG", "nigeria": "NG", "south africa": "ZA",
    "kenya": "KE", "brazil": "BR", "brazilian": "BR", "mexico": "MX", "mexican": "MX", "argentina": "AR",
    "chile": "CL", "colombia": "CO", "singapore": "SG", "south korea": "KR", "korea": "KR", "korean": "KR",
    "taiwan": "TW", "hong kong": "HK", "indonesia": "ID", "vietnam": "VN", "thailand": "TH", "philippines": "PH",
    "pakistan": "PK", "bangladesh": "BD", "new zealand": "NZ", "albania": "AL", "estonia": "EE",
    # Continents and regions: "40 million Africans" is not a worldwide figure.
    "africa": "AFRICA", "african": "AFRICA", "africans": "AFRICA", "sub-saharan": "AFRICA",
    "asia": "ASIA", "asian": "ASIA", "asians": "ASIA", "latin america": "LATAM", "middle east": "MIDEAST",
}
_GENERIC_HEADS = {"member", "respondent", "participant", "people", "person", "those", "one",
                  "sample", "population", "surveyed", "responder", "group", "them", "they", "individual"}
_HEAD_SYNONYMS = {"teenagers": "teens", "teenager": "teen", "adolescents": "teens", "kids": "children", "kid": "child",
                  "youngsters": "children", "grownups": "adults", "persons": "people", "residents": "people", "individuals": "people"}
_COLLECTIVE = {"people", "public", "population", "staff", "children", "men", "women", "police", "youth", "electorate",
               "workforce", "adult", "teen", "member", "respondent", "person", "child", "woman", "man"}
_DEMONYMS = {"americans", "britons", "europeans", "canadians", "australians"}
SUBGROUP_HEADS = {"teen", "child", "children", "student", "woman", "women", "man", "men", "girl", "boy", "senior", "youth",
                  "retiree", "worker", "parent", "mother", "father", "patient", "voter", "user", "surgeon", "doctor", "nurse"}
_HEAD_SKIP = {"surveyed", "polled", "questioned", "interviewed", "asked", "studied", "sampled", "overall", "nationwide", "combined"}

_ATTRIB_PATTERNS = [
    re.compile(r"\baccording\s+to\s+(?:a\s+|an\s+|the\s+|that\s+same\s+|the\s+same\s+|this\s+)?(?P<who>[^,.;]+?)(?=[,.;]|$)", re.I),
    # Possessive `*+`: a name word is never split into pieces. With `\s?` optional, "the " and
    # one long capitalised word ("the AAFPRS.AAFPRS...", an all-caps headline) tried every split
    # into up to 8 pieces: 2 s at 34 letters, minutes beyond (found by benchmarks/fuzz.py).
    re.compile(r"\b(?:a|an|the|this|that\s+same|the\s+same)\s+(?P<who>(?:[A-Z][\w.&'-]*+\s?){1,8})\s+(?:survey|report|study|poll|analysis|data|census|release)\b"),
    re.compile(r"\b(?:survey|report|study|poll|analysis|data|figures)\s+(?:by|from)\s+(?:the\s+)?(?P<who>(?:[A-Z][\w.&'-]*\s?(?:of\s+|and\s+|for\s+)?){1,10})"),
    re.compile(r"(?P<who>(?:[A-Z][\w.&'-]*+\s){0,6}[A-Z][\w.&'-]*+)\s+(?:said|says|found|finds|reported|reports|estimates?|estimated|data\s+show)\b"),
]
# What the last attribution pattern needs after the name; checked first (same result, linear).
_SAID = re.compile(r"\s(?:said|says|found|finds|reported|reports|estimates?|estimated|data\s+show)\b")
_ANAPHORA = re.compile(r"\b(?:that\s+same|the\s+same|this|that|the)\s+(?:[A-Z][\w.&-]*\s+)?(?:survey|report|study|poll|analysis|academy|organi[sz]ation|group|data|figures|researchers)\b", re.I)
_GENERIC_SOURCE = re.compile(r"(?:(?:that|the|this)\s+)?(?:same\s+)?(?:survey|report|study|poll|analysis|academy|data|figures|researchers|organi[sz]ation)", re.I)
_YEAR = re.compile(r"(?<![\d.$£€])(?P<y1>(?:19|20)\d\d)(?:\s?(?:-|–|—|to|through)\s?(?P<y2>(?:19|20)?\d\d))?(?![\d%])(?!'?s\b)")
_QUOTE_PAIRS = [("“", "”"), ('"', '"'), ("«", "»")]
_PERSONAL_INTENT = re.compile(r"\b(?:she|he|I|we|they)\s+(?:plans?|intends?|wants?|hopes?|means?)\s+to\b", re.I)
_FIRST_PERSON_SINGULAR = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|[Mm]y|[Mm]e|[Mm]ine)\b")
# Who speaks for an institution: their quoted figures are public claims.
_OFFICIAL_SPEAKER = re.compile(
    r"\b(?:minister|secretary|senator|congress(?:man|woman)|president|prime\s+minister|chancellor|governor|mayor|"
    r"official|spokes(?:man|woman|person)|chief\s+executive|ceo|chair(?:man|woman)?|MP|lawmaker|legislator|"
    r"representative|commissioner|director|head\s+of|leader|candidate|"
    # …or an organisation's published words: a charity's appeal, a party's leaflet
    r"charity|charities|campaign|appeal|organi[sz]ation|agency|union|party|company|newsletter|statement|leaflet|"
    r"advert(?:isement)?|press\s+release)s?\b", re.I)
_PERSONAL = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|my|me|we|our)\b")


# --- sentences ------------------------------------------------------------------------

@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    in_quote: bool
    orgs: tuple[str, ...] = ()
    subject: str = ""


def _quoted_spans(text: str) -> list[tuple[int, int]]:
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


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def segment(text: str, nlp: Language, batch_size: int = 64) -> list[Sentence]:
    """Sentences with document offsets; paragraphs are parsed separately so headlines stay apart."""
    return segment_many([text], nlp, batch_size)[0]


def segment_many(texts: list[str], nlp: Language, batch_size: int = 64) -> list[list[Sentence]]:
    """`segment` of several documents through one `nlp.pipe` over all their paragraphs.

    Why: a news article has 6-10 paragraphs, so one pipe per article leaves spaCy's
    minibatches mostly empty and pays the pipe's set-up per article; one pipe per batch of
    articles keeps them full. Each paragraph is still its own spaCy Doc, so the sentences
    are the same as `segment` gives one document at a time.
    """
    per_doc = [([(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text) if m.group(0).strip()],
                _quoted_spans(text)) for text in texts]
    docs = iter(nlp.pipe((_tokenizable(p) for paras, _ in per_doc for _, p in paras), batch_size=batch_size))
    out: list[list[Sentence]] = []
    for paras, quotes in per_doc:
        sentences: list[Sentence] = []
        for (base, para), doc in zip(paras, itertools.islice(docs, len(paras)), strict=True):
            sentences.extend(_sentences_of(doc, base, quotes, para))
        out.append(sentences)
    return out


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
        res.append(Sentence(s_text, start, end, _inside(quotes, start, end) or _mostly_quoted(quotes, start, end), orgs, _subject_of(sent)))
    return res


def _mostly_quoted(quotes: list[tuple[int, int]], start: int, end: int) -> bool:
    covered = sum(max(0, min(b, end) - max(a, start)) for a, b in quotes)
    return covered > 0.6 * (end - start)


def _subject_of(sent: Span) -> str:
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ROOT":
            return " ".join(t.text for t in tok.subtree)
    return ""


# --- claims ---------------------------------------------------------------------------

def extract_claims(text: str, nlp: Language, context: DocContext | None = None, batch_size: int = 64) -> list[Claim]:
    """All statistical claims of a document, in order, with document offsets."""
    return claims_from_sentences(text, segment(text, nlp, batch_size), context)


def claims_from_sentences(text: str, sentences: list[Sentence], context: DocContext | None = None) -> list[Claim]:
    context = context or DocContext()
    quotes = _quoted_spans(text)
    claims: list[Claim] = []
    last_attr: str | None = context.attribution
    last_period: str | None = context.period
    for i, sent in enumerate(sentences):
        own_attribution = _attribution(sent)
        attribution = context.attribution or own_attribution
        anaphoric = bool(_ANAPHORA.search(sent.text)) or bool(re.search(r"\balso\b", sent.text))
        if attribution is None or _ANAPHORA.fullmatch(attribution.strip()) or _GENERIC_SOURCE.fullmatch(attribution.strip()):
            attribution = last_attr if anaphoric or context.attribution else None
        quantities = [q for q in find_quantities(sent.text) if _is_statistic(sent.text, q)]
        spans = _clause_spans(sent.text, quantities, extend=not sent.in_quote)
        # The sentence's year stands for all its figures only if it is not a baseline's
        # ("6.3% of GDP, up from 5.4% in 2022"; "2% above the pre-pandemic level, when … in 2019").
        main_years = _years(_BASELINE_SPAN.sub(" ", sent.text))
        compared = [y for m in _COMPARISON_YEAR.finditer(sent.text) for y in _years(m.group(0))]
        for k, (q, (a, b)) in enumerate(zip(quantities, spans, strict=True)):
            clause = sent.text[a:b]
            baseline = _BASELINE_CLAUSE.match(clause)
            period = (_period_for(clause, main_years, sent.text) or (compared[0] if baseline and compared else None)
                      or _when_year(sent.text, q.start) or (last_period if anaphoric else None) or context.period)
            if _RELATIVE_TIME.search(clause) and not _years(_COMPARISON_YEAR.sub(" ", clause)):
                period = None  # "last year": we do not know which year, so no period to compare
            measure, direction = _measure(sent.text, q)
            # "grew by 3.5 million, or 6.3%": the restatement measures the same change.
            if k > 0 and re.match(r"^[\s,]*or\s", clause) and claims and measure in ("level", "count"):
                prev = claims[-1]
                moved = re.search(rf"\b({_UP}|{_DOWN})\b", sent.text[: q.start], re.I)
                if prev.measure == "change" or moved:
                    measure = "change"
                    direction = prev.direction if prev.measure == "change" else _direction(moved.group(1))
            # "A, down from B": the figure A moved in that direction since B.
            nxt = _BASELINE_CLAUSE.match(sent.text[spans[k + 1][0]:spans[k + 1][1]]) if k + 1 < len(spans) else None
            if direction is None and nxt and nxt.group("dir"):
                direction = "up" if nxt.group("dir").lower() == "up" else "down"
            population, subject, predicate = _roles(sent, q, measure, a, b)
            if not population and context.population:
                population = context.population
            in_quote = sent.in_quote or _inside(quotes, sent.start + q.start, sent.start + q.end)
            # A quote's speaker is often named in the sentence before or after it.
            around = " ".join(x.text for x in sentences[max(0, i - 1): i + 2]) if in_quote else sent.text
            checkable, reason = _checkable(sent, q, in_quote, around)
            doc_q = replace(q, start=sent.start + q.start, end=sent.start + q.end)
            clause_text = clause.strip().lstrip(",;:—–- ").strip()
            lead = clause.index(clause_text) if clause_text else 0
            claims.append(Claim(
                text=clause_text, start=sent.start + a + lead, end=sent.start + a + lead + len(clause_text),
                sentence=sent.text, sentence_start=sent.start, sentence_end=sent.end, quantity=doc_q,
                measure=measure, direction=direction, subject=subject, predicate=predicate,
                population=population, period=period, attribution=attribution,
                claim_type="quantity" if checkable else ("personal_experience" if in_quote else "other"),
                checkable=checkable, reason=reason, in_quote=in_quote,
            ))
        if attribution and not sent.in_quote:
            last_attr = attribution
        if own_attribution and not sent.in_quote:
            # "That same survey found…" inherits the period of the sentence that named the
            # source, not of the last year mentioned ("In 2021, when teachers…" is an aside).
            main_years = _years(_COMPARISON_YEAR.sub(" ", sent.text))
            last_period = main_years[0] if main_years else None
    return claims


_BASELINE_SPAN = re.compile(r"(?:\b(?:up|down)\s+from|,\s*from|\bcompared\s+(?:with|to)|\bversus|\bwhen)\b(?:[^;.]|\.(?=\d))*", re.I)
_WHEN_YEAR = re.compile(r"\b(?P<y>(?:19|20)\d\d),?\s+when\b")


def _when_year(sentence: str, start: int) -> str | None:
    """'…from 1969, when Gallup first asked and only 21% favoured it': the figure is 1969's."""
    found = [m for m in _WHEN_YEAR.finditer(sentence, 0, start)]
    if not found:
        return None
    last = found[-1]
    return None if _years(sentence[last.end():start]) else last.group("y")


_FUNCTION_WORDS = {
    "and", "or", "but", "to", "in", "on", "at", "with", "for", "by", "is", "was", "were", "are", "the", "a", "an", "who",
    "that", "when", "as", "after", "before", "because", "if", "so", "than", "then", "while", "until", "since", "from",
    "into", "about", "he", "she", "they", "it", "we", "you", "i", "this", "these", "those", "her", "his", "their",
}


_DURATION_BEFORE = re.compile(r"\b(?:the|past|last|previous|next|first|over|within|for|during)\s+$", re.I)


_STATED_VALUE_BEFORE = re.compile(
    r"\b(?:was|were|is|are|stood\s+at|reached|totall?ed|averaged|to|from|of)\s+(?:about|around|nearly|almost|some|roughly|just\s+)?$"
    r"|\b(?:score|rate|total|average|number|index|tally)\s*,\s*$", re.I)
_MEASURE_NOUN = re.compile(r"\b(?:number|average|total|median|mean|count|score|rate|index|tally)\b", re.I)
_SCORED_BEFORE = re.compile(r"\b(?:scored|scores|scoring)\s+(?:an?\s+average\s+of\s+|about\s+|around\s+|just\s+)?$", re.I)


def _is_statistic(sentence: str, q: Quantity) -> bool:
    """A bare count is a statistic only when it counts something ("28 surgeons", not "28 and ...").

    A duration that frames another figure ("over the 12 months ending June") is a period, not a claim.
    """
    if q.unit in ("months", "years", "weeks", "days", "hours") and _DURATION_BEFORE.search(sentence[max(0, q.start - _TAIL): q.start]):
        return False
    if re.search(r"\b(?:per|for\s+every|out\s+of\s+every|in\s+every|of\s+every)\s+$", sentence[: q.start], re.I):
        return False  # "381 crimes for every 100,000 residents": the denominator of a rate
    if q.vague or q.unit != "count" or q.kind in ("range",) or q.scale > 1 or abs(q.value) >= 1000:
        return True
    before = sentence[max(0, q.start - _TAIL): q.start]
    if (_STATED_VALUE_BEFORE.search(before) and _MEASURE_NOUN.search(before)) or _SCORED_BEFORE.search(before):
        return True  # "The average number of people per boat was 49", "up from 41"
    after = sentence[q.end:q.end + 40]
    if re.match(r"^\s*(?:of\s+(?:the\s+|them|those|all)?\s*)?[A-Za-z][a-z-]+", after):
        word = re.match(r"^\s*(?:of\s+(?:the\s+|them|those|all)?\s*)?([A-Za-z][a-z-]+)", after).group(1).lower()
        return word not in _FUNCTION_WORDS
    return False


def _checkable(sent: Sentence, q: Quantity, in_quote: bool, around: str = "") -> tuple[bool, str]:
    if q.vague:
        return False, f"vague quantity ('{q.text}')"
    if in_quote:
        # A quoted official's figure ("We have halved the number…", "Only 63% of Americans…")
        # is the claim a fact-checker most wants; a quoted personal account is not a statistic.
        if _OFFICIAL_SPEAKER.search(around or sent.text) and not _FIRST_PERSON_SINGULAR.search(sent.text):
            return True, ""
        return False, "inside a quotation: opinion or personal experience"
    personal = _personal_reason(sent.text)
    if personal:
        return False, personal
    if q.unit in ("months", "weeks", "days") and re.search(r"\bevery\s+$", sent.text[max(0, q.start - _TAIL): q.start]):
        return False, "a personal routine, not a statistic"
    return True, ""


@lru_cache(maxsize=16)
def _personal_reason(sentence: str) -> str:
    """Why a sentence is a personal account (or ""); cached, as each of its figures asks."""
    if _PERSONAL.search(sentence):
        return "first-person account: personal experience"
    if _PERSONAL_INTENT.search(sentence):
        return "a person's plan or intention, not a statistic"
    return ""


def _clause_spans(sentence: str, qs: list[Quantity], extend: bool = False) -> list[tuple[int, int]]:
    """The clause around each quantity: from the previous clause break to the next one.

    Two quantities in one clause are split where a connective joins them ("and",
    "compared with", "up from"), so each claim gets its own span.
    """
    breaks = [(m.start(), m.end()) for m in re.finditer(r"[,;:()]|\s?[—–]\s?|\s-\s", sentence)]
    # Matches do not overlap, so starts and ends both ascend: bisect instead of scanning
    # every break for every figure (a sentence with thousands of both was quadratic).
    starts, ends = [s for s, _ in breaks], [e for _, e in breaks]
    spans: list[tuple[int, int]] = []
    for i, q in enumerate(qs):
        j = bisect.bisect_right(ends, q.start)
        left = ends[j - 1] if j else 0
        j = bisect.bisect_left(starts, q.end)
        right = starts[j] if j < len(starts) else len(sentence)
        # Keep the subject: a clause that would start right at the number borrows the text
        # before the last break when that text is not an attribution ("According to...").
        if re.match(r"^\s*(?:according\s+to|said|says|say|reports?|reported|found)\b", sentence[left:q.start], re.I):
            # "..., according to 79% of members": the clause before holds what the figure is about.
            j = bisect.bisect_left(ends, left - 1)
            left = ends[j - 1] if j else 0
        if i > 0 and qs[i - 1].end > left:
            cut = _connective_cut(sentence, qs[i - 1].end, q.start)
            left = cut
        if i + 1 < len(qs) and qs[i + 1].start < right:
            right = _connective_cut(sentence, q.end, qs[i + 1].start)
        if extend:
            # The subject often sits clauses before the figure ("Snapchat reaches even more
            # of them, at 69%"): reach back to the previous figure's clause or the sentence
            # start (a leading "According to X," stays in: who says so is part of the claim).
            lead = _LEADING_ATTRIBUTION.match(sentence)
            floor = spans[-1][1] if spans else (lead.end() if lead and lead.end() <= q.start else 0)
            left = min(left, max(floor, 0)) if floor <= left else left
        spans.append((left, right))
    return spans


_LEADING_ATTRIBUTION = re.compile(r"^\s*(?:but|and|yet|still|so),?\s*", re.I)


def _connective_cut(sentence: str, a: int, b: int) -> int:
    between = sentence[a:b]
    cuts = list(re.finditer(r"\s(?:and|while|whereas|but|compared\s+with|compared\s+to|up\s+from|down\s+from|versus|vs\.?)\s", between))
    if cuts:
        return a + cuts[-1].start()
    mid = len(between) // 2
    spaces = [i for i, ch in enumerate(between) if ch == " "]
    return a + (min(spaces, key=lambda i: abs(i - mid)) if spaces else mid)


def _years(text: str) -> list[str]:
    out = []
    for m in _YEAR.finditer(text):
        y1, y2 = m.group("y1"), m.group("y2")
        if y2:
            y2 = y2 if len(y2) == 4 else y1[:2] + y2
            out.append(f"{y1}-{y2}")
        else:
            out.append(y1)
    return out


_COMPARISON_YEAR = re.compile(
    r"\b(?:with|from|than|since|versus|vs\.?|before|after|to|on)\s+(?:in\s+)?(?:the\s+|\w+'s\s+)?(?:(?:19|20)\d\d)(?:\s?[-–]\s?\d{2,4})?\b"
    # "22% above 2019 levels", "88% of its 2019 level", "warmer than the average for 1850-1900"
    r"|\b(?:1[89]|20)\d\d(?:\s?[-–]\s?\d{2,4})?\s+(?:levels?|figures?|peak|average|baseline|total)\b"
    r"|\b(?:average|baseline|level|levels|mean)\s+(?:for|of|in)\s+(?:the\s+)?(?:1[89]|20)\d\d(?:\s?[-–]\s?\d{2,4})?\b"
    # a target or deadline: "by 2030", "the 2025 targets", "goals for 2030"
    r"|\bby\s+(?:the\s+end\s+of\s+)?(?:19|20)\d\d\b|\b(?:19|20)\d\d\s+(?:targets?|goals?|deadlines?)\b"
    r"|\b(?:targets?|goals?|deadlines?)\s+(?:for|of)\s+(?:19|20)\d\d\b", re.I)
# "last year", "a year earlier": relative to a publication date the article does not give.
_RELATIVE_TIME = re.compile(r"\b(?:last|this|past|previous)\s+year\b|\ba\s+year\s+(?:earlier|ago|before)\b", re.I)


@lru_cache(maxsize=16)
def _has_comparison_year(sentence: str) -> bool:
    """Cached per sentence: every figure of a sentence asks, and a scan each time was quadratic."""
    return _COMPARISON_YEAR.search(sentence) is not None


def _period_for(clause: str, sent_years: list[str], sentence: str = "") -> str | None:
    """The clause's own year, else the sentence's single year unless that year is a comparison ("consistent with 2021")."""
    ys = _years(_COMPARISON_YEAR.sub(" ", clause))
    if ys:
        return ys[0]
    if _years(clause) or _RELATIVE_TIME.search(clause):
        return None
    if len(sent_years) == 1 and not _has_comparison_year(sentence):
        return sent_years[0]
    return None


# The end-anchored patterns below ("rose by about X") only need the words just before a
# figure. Searching the whole sentence before every figure was quadratic (a 20,000-
# character sentence of figures took a minute, found by benchmarks/fuzz.py); a match
# longer than this is not prose.
_TAIL = 400


def _measure(sentence: str, q: Quantity) -> tuple[str, str | None]:
    before, after = sentence[max(0, q.start - _TAIL): q.start], sentence[q.end:]
    if q.kind == "rank":
        return "rank", None
    if q.kind == "multiple":
        return "multiple", _direction(q.text)
    compared = _comparative_after(after)
    if compared:
        return ("change_points", compared[1]) if q.unit == "points" else compared
    if q.unit == "points":
        m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_BEFORE.search(before) or _CHANGE_NOUN_AFTER.match(after)
        return ("change_points", _direction(m.group("dir"))) if m else ("level", None)
    if q.unit == "percent":
        m = _CHANGE_NOUN_AFTER.match(after)
        if m and not _SHARE_AFTER.match(after):
            return "change", _direction(m.group("dir"))
        m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_BEFORE.search(before) or _CHANGE_VERB_OBJECT_BY.search(before)
        if m and (not re.match(r"^\s*of\b", after, re.I) or re.fullmatch(r"lost|lose|loses|losing|shed|gained|added", m.group("dir"), re.I)):
            return "change", _direction(m.group("dir"))
        if _rate_of_change_before(sentence, q.start) and not _SHARE_AFTER.match(after):
            # "inflation ran at 5.9%": a rate of change stated as a level.
            m = _TO_LEVEL_BEFORE.search(before)
            return "change", (_direction(m.group("dir")) if m else "up")
        if _SHARE_AFTER.match(after) or _SHARE_VERB_AFTER.match(after):
            return "share", None
        m = _TO_LEVEL_BEFORE.search(before)
        return "level", (_direction(m.group("dir")) if m else None)
    if q.unit.startswith("currency"):
        m = _CHANGE_VERB_BEFORE.search(before) or _CHANGE_NOUN_AFTER.match(after)
        if m and re.search(r"\bby\s", before[-20:] + " "):
            return "change", _direction(m.group("dir"))
        # "a fall of $547 billion", "the average home lost about £7,500": money moved.
        m = _CHANGE_NOUN_BEFORE.search(before) or _MONEY_MOVED_BEFORE.search(before)
        return ("change", _direction(m.group("dir"))) if m else ("amount", None)
    if q.unit.startswith("per "):
        m = _TO_LEVEL_BEFORE.search(before)
        return "level", (_direction(m.group("dir")) if m else None)  # a rate: "6.3 per 100,000"
    if q.unit in ("hours", "minutes", "days", "weeks", "months", "years", "km", "miles", "kg", "degrees", "litres", "tonnes"):
        return "level", None
    m = _CHANGE_VERB_BEFORE.search(before)
    if m and re.search(r"\bby\s+(?:\w+\s+){0,3}$", before):
        return "change", _direction(m.group("dir"))  # "grew by 3.5 million people"
    m = _TO_LEVEL_BEFORE.search(before)
    return "count", (_direction(m.group("dir")) if m else None)


@lru_cache(maxsize=16)
def _first_rate_of_change(sentence: str) -> int | None:
    m = _RATE_OF_CHANGE.search(sentence)
    return m.end() if m else None


_RATE_WORD_AT_END = re.compile(r"(?:inflation|rate|growth|increase|rise)\Z", re.I)


def _rate_of_change_before(sentence: str, start: int) -> bool:
    """Exactly `_RATE_OF_CHANGE.search(sentence[:start])`, without rescanning the sentence
    for each of its figures (quadratic on a sentence of thousands of figures).

    A match inside sentence[:start] is a match in the whole sentence too, unless it ends
    right at `start` (where the cut adds a word boundary): so when the sentence's first
    match ends by `start` the answer is yes, when there is none and no rate word ends at
    `start` it is no, and only otherwise is the prefix searched.
    """
    first = _first_rate_of_change(sentence)
    if first is not None and first <= start:
        return True
    if first is None and not _RATE_WORD_AT_END.search(sentence, max(0, start - 9), start):
        return False
    return _RATE_OF_CHANGE.search(sentence, 0, start) is not None


def _direction(word: str) -> str | None:
    w = word.lower()
    if re.fullmatch(_UP, w) or w in ("doubled", "tripled", "quadrupled", "twice") or "times" in w or "fold" in w:
        return "up"
    if w in ("raised", "raises", "lifted", "boosted"):
        return "up"
    if re.fullmatch(_DOWN, w) or w in ("halved", "wiped", "knocked", "lowered", "reduced", "slashed", "trimmed"):
        return "down"
    return None


_REPORTER_VERB = re.compile(r"\s+(?:reported|saw|recorded|posted|had|experienced|noted)\s+(?:an?\s+|the\s+)?$")
# A lazy noun phrase before the verb; only run on a bounded tail, where the verb is known
# to be (the lazy group makes it quadratic in the text it is given).
_REPORTER_NP = re.compile(r"(?P<np>[\w.'’\- ]+?)" + _REPORTER_VERB.pattern)


def _roles(sent: Sentence, q: Quantity, measure: str, a: int, b: int) -> tuple[str, str, str]:
    """(population, subject, predicate) of one quantity, read from its clause."""
    text = sent.text
    after = text[q.end:b]
    population = subject = predicate = ""
    if measure == "share":
        m = re.match(r"^\s*(?:of|among)\s+(?:the\s+|all\s+(?=the\s)?|those\s+)?(?P<pop>.*)", after, re.I)
        if m:
            rest = m.group("pop")
            stop = _POP_STOP.search(rest)
            population = rest[: stop.start()].strip() if stop else rest.strip()
            predicate = rest[stop.start():].strip(" ,;") if stop else ""
        else:
            predicate = after.strip(" ,;")
        subject = predicate
    elif measure in ("change", "change_points"):
        m = re.search(r"\b(?:in|of)\s+(?P<subj>[^,;.]+)", after)
        subject = _trim_period(m.group("subj")) if m else ""
        before = text[a:q.start]
        v = _REPORTER_NP.search(before[-_TAIL:]) if _REPORTER_VERB.search(before) else None
        if v:
            population = v.group("np").strip()
        elif not subject:
            subject = sent.subject
    else:
        m = re.match(r"^\s*(?P<noun>(?:[\w'’-]+\s?){1,4})", after)
        subject = _trim_period(m.group("noun")) if m else ""
        population = ""
    for tail in re.finditer(r"\bamong\s+(?P<pop>[^,;.]+)", text[a:b]):
        if not population and measure != "share":
            population = tail.group("pop").strip()
    return _clean(population), _clean(subject), _clean(predicate)


def _trim_period(s: str) -> str:
    return re.split(r"\s(?:in|during|over|since|for)\s(?:the\s)?(?:(?:19|20)\d\d|past|last|previous)\b", s)[0].strip()


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,;:.")[:200]


def _attribution(sent: Sentence) -> str | None:
    if sent.in_quote:
        return None
    for pat in _ATTRIB_PATTERNS:
        if pat is _ATTRIB_PATTERNS[3] and not _SAID.search(sent.text):
            continue  # no "X said": skip a search that tries every capital letter as a start
        m = pat.search(sent.text)
        if m:
            who = m.group("who").strip()
            # An attribution names someone: a capitalised name or acronym, not "their populations".
            if who and re.match(r"[A-Z]", who) and who.lower() not in _GEO and who.lower() not in _DEMONYMS and not re.fullmatch(r"(?:It|This|That|They|He|She|We|I|The|A|An)", who):
                return who
    orgs = [o for o in sent.orgs if o.lower() not in _GEO and o.lower() not in _DEMONYMS]
    return orgs[0] if orgs and re.search(r"\b(?:survey|report|study|poll|data)\b", sent.text, re.I) else None


# --- comparisons used by the judge ----------------------------------------------------

def geo_codes(text: str | None) -> set[str]:
    if not text:
        return set()
    low = text.lower()
    codes = set()
    for word, code in _GEO.items():
        if re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", low):
            codes.add(code)
    return codes


# Geography only counts on the claim's own side: "according to the UK's statistics office"
# names a source, "than in Britain" a comparison.
_NOT_SCOPE = re.compile(r"\baccording\s+to\b[^,;]*[,;]?|\b(?:than|compared\s+(?:with|to)|versus|vs\.?)\s+[^,;]*", re.I)


def claim_geo_codes(text: str) -> set[str]:
    """Places the claim itself is about, from its wording (not its source or comparisons)."""
    said = list(_SAID.finditer(text))
    if said:
        text = text[said[-1].end():]
    return geo_codes(_NOT_SCOPE.sub(" ", text))


def geo_overlap(claimed: set[str], found: set[str]) -> bool:
    """Colloquial "Britain" covers UK figures; a claim about "the UK" is not covered by Great Britain's."""
    return bool(claimed & found) or ("GB" in claimed and "UK" in found)


def population_head(text: str | None) -> str | None:
    """The head noun of a population phrase, singular and lower-case ('plastic surgeons surveyed' -> 'surgeon')."""
    if not text:
        return None
    text = re.split(r"\b(?:aged?|ages|between|who|whose|that|from|in|with|across|at|on|for|of|over|under|throughout|saying|say|says)\b", text.lower())[0]
    raw = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if w not in _HEAD_SKIP]
    words = [w for w in raw if w not in _GEO]
    if not words and raw and raw[-1] in _DEMONYMS:
        return "person"  # "Americans", "Britons": the whole population
    words = [w for w in words if w not in {"the", "all", "of", "in", "aged", "ages", "and", "who", "from"}]
    if not words:
        return None
    last = words[-1]
    if not last.endswith("s") and last not in _COLLECTIVE:
        return None  # "gross domestic product": not a group of people or things to compare
    return singular(_HEAD_SYNONYMS.get(last, last))


def singular(word: str) -> str:
    """'surgeons' -> 'surgeon', 'families' -> 'family': enough to compare head nouns."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def is_baseline_clause(text: str) -> bool:
    """'up from 58% a year earlier', 'compared with 2021': a clause giving the figure's baseline."""
    return _BASELINE_CLAUSE.match(text) is not None


# Groups of people a survey or statistic can be "of". Two different heads only disagree
# when both are people ("teens" vs "adults"); "market" vs "cars" says nothing.
_PERSON_HEADS = SUBGROUP_HEADS | _COLLECTIVE | {
    "adult", "american", "briton", "european", "canadian", "australian", "resident", "citizen", "household", "family",
    "employee", "owner", "homeowner", "renter", "tenant", "driver", "passenger", "customer", "consumer", "buyer", "shopper",
    "applicant", "graduate", "pupil", "teacher", "physician", "smoker", "reader", "viewer", "listener", "investor",
    "migrant", "immigrant", "refugee", "asylum", "individual", "person", "people", "member", "respondent", "participant",
    "voter", "taxpayer", "borrower", "saver", "traveller", "traveler", "tourist", "visitor", "nurse", "doctor", "surgeon",
    "worker", "parent", "patient", "user", "retiree", "senior", "girl", "boy", "teen", "student", "child", "baby", "infant",
    "pensioner", "veteran", "farmer", "officer", "manager", "executive", "entrepreneur", "professional", "youngster",
}


def is_person_head(head: str | None) -> bool:
    return head is not None and (head in _PERSON_HEADS or head.endswith(("ist", "ian")))


def is_generic_head(head: str | None) -> bool:
    return head is None or head in _GENERIC_HEADS or head in {"member", "respondent", "participant", "people", "person"}


def attribution_aliases(text: str | None) -> set[str]:
    """Names an organisation goes by: its words, its acronym, a parenthesised short form."""
    if not text:
        return set()
    aliases = set()
    for paren in re.findall(r"\(([^)]+)\)", text):
        aliases.add(paren.strip().lower())
    base = re.sub(r"\([^)]*\)", " ", text)
    # "IFPI (International Federation of the Phonographic Industry)": the long form's words count too.
    words = re.findall(r"[A-Za-z][\w&.'-]*", base) + re.findall(r"[A-Za-z][\w&.'-]*", " ".join(re.findall(r"\(([^)]+)\)", text)))
    caps = [w for w in words if w[0].isupper() and w.lower() not in {"the", "of", "and", "for", "in", "on"}]
    if len(caps) >= 2:
        aliases.add("".join(w[0] for w in caps).lower())
    stop = {"the", "of", "and", "for", "in", "on", "a", "an", "survey", "report", "study", "poll", "annual", "data",
            "same", "that", "this", "new", "research", "center", "centre", "institute", "national", "american", "association", "academy"}
    # "the Paris-based agency's outlook" names the International Energy Agency (Paris) too.
    parts = {p for w in words for p in re.split(r"[-]", re.sub(r"['’]s$", "", w.lower().strip(".")))}
    aliases |= {p for p in parts if p not in stop | {"based"} and len(p) > 2 and not p.isdigit()}
    return aliases
