"""External anchors: claimdesk's claim-vs-given-evidence decision on AVeriTeC dev and a QuanTemp sample.

    python -m benchmarks.claim_evidence /path/to/averitec_dev --split dev
    python -m benchmarks.claim_evidence /path/to/quantemp_test_sample249
    python -m benchmarks.claim_evidence DIR --drop-restatements      # the stricter evidence variant
    python -m benchmarks.claim_evidence DIR --dataset averitec --json out.json

The dataset is recognised from its file (`dev.jsonl` with `averitec-` ids, `test.jsonl` with
`quantemp-` ids) or named with `--dataset`. Both data sets are CC BY-NC 4.0 and are read
from the folder given; nothing of them is copied into the repository.

What runs, for every row: the product's extractor on the claim text (`segment_many` +
`claims_from_sentences`, as `claimdesk extract` and `claimdesk check` do) and on the evidence
(`sources.findings.extract_findings`, as `claimdesk sources add` does); the findings are
written to a throw-away DuckDB file with `store.writes.replace_source` and read back with
`store.reads.load_statements`, so the judge sees findings exactly as the pipeline stores
them. Each row's evidence statements are then ranked and judged by the pipeline's own
`sources.matching.judge_claims` (retrieval text, hybrid cosine + BM25 ranking over that row's
statements only, top_k, and `claims.judge.judge` with the configured thresholds, which are
the defaults, `Thresholds()`), with the repository's `config.yaml`. All texts are encoded in
one batched call of the product's sentence-transformers model; spaCy runs through `nlp.pipe`.

The evidence, fixed before any run:
- AVeriTeC: the gold question-answer pairs, one paragraph each, as the file gives them
  ("Q: ... A: ..."). The annotators' `justification` is never used (it paraphrases the verdict).
- QuanTemp: the fact-check article with every sentence that states the rating removed
  (`strip_rating_sentences`: "we rate it False", "Our ruling", "Pants on Fire", "the claim is
  mostly true", "Truth-O-Meter", Pinocchios, "Rating:" ...); 120 of the 249 articles state it.
- `--drop-restatements` (a second, stricter variant, also fixed in advance): evidence that only
  repeats the claim is not evidence for it. AVeriTeC keeps the answers and drops the
  questions (which often quote the claim's figure); QuanTemp also drops article sentences that
  contain at least 70% of the claim's content words (`restates_claim`).

Verdicts to labels, fixed before any run (no threshold or rule here was chosen by looking at
scores on these sets):
- one row may yield several extracted claims; `not_checkable` ones are set aside. Then
  any `contradicted` or `misrepresented` -> refuted; all `supported` -> supported; anything
  else (an `unverifiable` among them, or no checkable claim at all) -> not enough evidence.
- AVeriTeC: supported -> SUPPORTED, refuted -> REFUTED, not enough -> NEI (CONFLICTING, i.e.
  "Conflicting Evidence/Cherrypicking", is never predicted).
- QuanTemp: supported -> SUPPORTED (True), refuted -> REFUTED (False), not enough ->
  CONFLICTING (the data has no "not enough evidence" label).

Printed: n, accuracy, macro-F1 over the data set's labels, the confusion matrix (rows gold,
columns predicted), the majority-class baseline, for AVeriTeC also the 119 claims typed
"Numerical Claim", and the published figures from the data sets' READMEs, which are NOT the
same measurement (see `PUBLISHED`). The last stdout line is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# --- labels and the verdict mapping (fixed a priori) ------------------------------------

LABELS = {"averitec": ("SUPPORTED", "REFUTED", "NEI", "CONFLICTING"), "quantemp": ("SUPPORTED", "REFUTED", "CONFLICTING")}
_NOT_ENOUGH = {"averitec": "NEI", "quantemp": "CONFLICTING"}
REFUTING = frozenset({"contradicted", "misrepresented"})

PUBLISHED = {
    "averitec": [
        "no published verdict accuracy with gold QA evidence on dev is given in the data's README;",
        "FEVER 2024 shared task, test set, AVeriTeC score (retrieval + verdict): TUDA_MAI 0.63, HerO 0.57",
        "(Schlichtkrull et al. 2024; Yoon et al. 2024) -- NOT comparable with gold-evidence accuracy on dev.",
    ],
    "quantemp": [
        "QuanTemp full test set (2,495 claims), best published baseline (claim decomposition + BM25 snippets + NLI):",
        "macro-F1 58.32 (Venktesh et al., SIGIR 2024). THIS IS A 249-CLAIM SAMPLE, NOT THE FULL TEST SET,",
        "and its evidence is the fact-check article itself (rating sentences stripped): not the same test.",
    ],
}


def aggregate(verdicts: Sequence[str]) -> str:
    """One decision for a row from the verdicts of the claims extracted from it:
    'refuted', 'supported' or 'not_enough'.

    A row's claim is false when any of its figures is wrong, and true only when every
    checkable figure is borne out; a row whose text yields no checkable figure has nothing
    the product can check, which is the "not enough evidence" case.
    """
    checked = [v for v in verdicts if v != "not_checkable"]
    if any(v in REFUTING for v in checked):
        return "refuted"
    if checked and all(v == "supported" for v in checked):
        return "supported"
    return "not_enough"


def to_label(decision: str, dataset: str) -> str:
    """The data set's label for an aggregated decision."""
    return {"supported": "SUPPORTED", "refuted": "REFUTED", "not_enough": _NOT_ENOUGH[dataset]}[decision]


# --- evidence text (pure) -----------------------------------------------------------------

_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Lt|Gen|Col|Sgt|St|Jr|Sr|No|vs|Inc|Co|Corp|Ltd|Jan|Feb|Mar|Apr|Jun|"
                     r"Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$")
# A sentence ends at . ! ? (and any closing quote or bracket) before a capital or digit, even with
# the space lost ("off guard.So,"), at a line break, and after Africa Check's "Verdict <rating>"
# run into the next sentence ("Verdict mostly-correctLife expectancy ...").
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s*[\"“‘(]?[A-Z0-9])|\n+|(?<=Verdict)[\s:-]*[a-z]+(?:-[a-z]+)?(?=\s*[A-Z])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, by punctuation. Not spaCy: this only has to find the
    rating sentences, and must be testable without a model. A full stop after a title or an
    initial ("Rep.", "U.S.") does not end a sentence."""
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] == "." and _ABBREV.search(text[start:m.start() + 1]):
            continue
        if text[start:m.end()].strip():
            out.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def split_sentences(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in sentence_spans(text)]


def without_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with these (sorted, disjoint) spans cut out; everything else as found."""
    parts, pos = [], 0
    for a, b in spans:
        parts.append(text[pos:a])
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


_RATING = (r"(?:pants[\s-]+on[\s-]+fire|(?:mostly|half|partly|partially|barely|largely)[\s-]+(?:true|false|accurate|correct)"
           r"|true|false|untrue|misleading|inaccurate|incorrect|accurate|correct|unproven|unsupported|mixture|exaggerated"
           r"|downplayed|fabricated|(?:one|two|three|four)\s+pinocchios?|fake|baseless)")
_CHECKED = r"(?:claim|claims|statement|post|assertion|allegation|meme|tweet|ad|video|image|figure|number)"
# Written once from the rating conventions of PolitiFact, Snopes, Africa Check, AFP, The Ferret,
# India Today, Vishvas News and the Washington Post, then widened after reading which rating
# sentences were left in the sample's articles (never by looking at verdict scores).
_RATING_RES = (
    # "We rate this claim Mostly False", "we therefore rate it incorrect", "I'd give it a Half True"
    re.compile(r"\b(?:we|i)\b[^.!?]{0,20}?\b(?:rate|rated|rating|give|gave|award|find|found|conclude|concluded|judge|judged|"
               r"deem|deemed|label|labeled|labelled|rule|ruled|score|scored|call)\b[^.!?]{0,80}?\b" + _RATING + r"\b", re.I),
    # "Our ruling", "Truth-O-Meter", "Rating: False", "Verdict:", Pinocchios, "About this rating", "Fact Check : False"
    re.compile(r"\b(?:our\s+(?:ruling|rating|verdict)|truth-o-meter|pants\s+on\s+fire|pinocchio|flip-o-meter|about\s+this\s+rating"
               r"|(?:ruling|rating|verdict)\s*:|fact[\s-]*check\s*:\s*" + _RATING + r")|(?-i:\bThe Verdict\b)"
               r"|(?-i:\b(?:True|False|Half True|Mostly True|Mostly False|Pants on Fire)\s+(?:ruling|rating))", re.I),
    # "The claim is false", "the claim made in the post is FALSE", "Zuma's claim is correct", "This is misleading"
    re.compile(r"(?:\b(?:the|this|that|his|her|their|its|such)|['’]s)\s+" + _CHECKED + r"\b[^.!?]{0,40}?\s(?:is|was|are|were)"
               r"\s+(?:\w+\s+){0,2}" + _RATING + r"\b|\b(?:this|that|it)(?:\s+is|\s+was|['’]s)\s+(?:\w+\s+)?(?:misleading|incorrect"
               r"|inaccurate|false|untrue|baseless|fake)\b", re.I),
    # "mostly correct", "Half True", "Verdict mostly-correct", "DETAILS Inaccurate", "that's a Half True"
    re.compile(r"\b(?:mostly|half|partly|partially|barely|largely)[\s-]+(?:true|false|accurate|correct|inaccurate|incorrect)\b"
               r"|\bverdict\s*(?:source\b|[\s-]+" + _RATING + r"(?:\b|(?-i:(?=[A-Z]))))|(?-i:\bDETAILS\s+[A-Z][a-z]+\b)"
               r"|\brating\s+framework"
               r"|\b(?:that's|that\s+is|it's|it\s+is|this\s+is)\s+(?:a|an)\s+" + _RATING + r"\b", re.I),
    # "AFWA has found the post to be untrue", "found that ... is true"; India Today's crow scale
    re.compile(r"\b(?:found|finds|find|concluded?)\b[^.!?]{0,60}?\b(?:is|are|was|were|be)\s+(?:not\s+)?"
               + _RATING + r"\b|\bcrows?\s*:|\bnumber\s+of\s+crows\b", re.I),
    # "earns a Mostly False", "rates it Half True", "gets a False"
    re.compile(r"\b(?:rates?|rated|earns?|earned|gets?|got|receives?|received)\s+(?:a|an|our|it|this|the)?\s*"
               + _RATING + r"\b", re.I),
)


def is_rating_sentence(sentence: str) -> bool:
    """The sentence states the fact-checker's rating (so it must not reach the judge)."""
    return any(r.search(sentence) for r in _RATING_RES)


def strip_rating_sentences(text: str) -> tuple[str, int]:
    """The article without its rating sentences, and how many were removed."""
    cut = [(a, b) for a, b in sentence_spans(text) if is_rating_sentence(text[a:b])]
    return without_spans(text, cut), len(cut)


_STOP = frozenset("the a an of in on at to for by and or but with from that this these those is are was were be been "
                  "has have had it its their they than as about more less over under all not no who which what when "
                  "where there here also just only said says say".split())


def content_words(text: str) -> set[str]:
    """Lower-cased words of 3+ letters and numbers, stop words left out."""
    return {w for w in re.findall(r"[a-z0-9][a-z0-9'%.,]*[a-z0-9%]|[0-9]", text.lower().replace("’", "'"))
            if w not in _STOP and (len(w) >= 3 or w[0].isdigit())}


RESTATEMENT_COVERAGE = 0.7


def restates_claim(sentence: str, claim: str) -> bool:
    """The sentence holds at least 70% of the claim's content words: it repeats the claim
    (an article quoting what it checks) rather than giving evidence about it."""
    mine = content_words(claim)
    return bool(mine) and len(mine & content_words(sentence)) / len(mine) >= RESTATEMENT_COVERAGE


def quantemp_evidence(claim: str, article: str, *, drop_restatements: bool = False) -> tuple[str, int, int]:
    """The article as evidence: rating sentences cut out (and, in the stricter variant, sentences
    restating the claim); the rest as found. Returns the text, rating sentences and
    restatements removed."""
    rated, restated = [], []
    for a, b in sentence_spans(article):
        if is_rating_sentence(article[a:b]):
            rated.append((a, b))
        elif drop_restatements and restates_claim(article[a:b], claim):
            restated.append((a, b))
    return without_spans(article, sorted(rated + restated)), len(rated), len(restated)


def averitec_evidence(pairs: Sequence[str], *, drop_restatements: bool = False) -> str:
    """The gold QA pairs, one paragraph each; the stricter variant keeps the answers only."""
    if not drop_restatements:
        return "\n\n".join(p.strip() for p in pairs if p.strip())
    answers = [p.split(" A: ", 1)[1] if " A: " in p else re.sub(r"^\s*Q:.*?\bA:\s*", "", p) for p in pairs]
    return "\n\n".join(a.strip() for a in answers if a.strip())


# --- data ---------------------------------------------------------------------------------


@dataclass
class Item:
    """One row: the claim, the evidence text the product sees, the gold label."""

    id: str
    claim: str
    evidence: str
    gold: str
    numerical: bool = False
    stripped: int = 0  # rating sentences removed (QuanTemp)
    restated: int = 0  # restatements removed (--drop-restatements)
    leak_flag: bool = False  # the data's own regex found a verdict phrase in the evidence
    verdicts: list[str] = field(default_factory=list)


_FILES = {"averitec": "dev.jsonl", "quantemp": "test.jsonl"}
_SPLITS = {"averitec": "dev", "quantemp": "test"}


def detect_dataset(folder: Path) -> str:
    for name, fname in _FILES.items():
        path = folder / fname
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                first = json.loads(fh.readline())
            if str(first.get("id", "")).startswith(name):
                return name
    raise SystemExit(f"{folder}: neither an AVeriTeC dev folder (dev.jsonl) nor a QuanTemp sample (test.jsonl); "
                     "name it with --dataset")


def load_items(folder: Path, dataset: str, *, drop_restatements: bool = False) -> list[Item]:
    items = []
    with (folder / _FILES[dataset]).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            if dataset == "averitec":
                ev = averitec_evidence(r["evidence"], drop_restatements=drop_restatements)
                items.append(Item(r["id"], r["claim"], ev, r["label"], numerical=bool(r.get("numerical_claim_type"))))
            else:
                ev, rated, restated = quantemp_evidence(r["claim"], r["evidence"], drop_restatements=drop_restatements)
                items.append(Item(r["id"], r["claim"], ev, r["label"], stripped=rated, restated=restated,
                                  leak_flag=bool(r.get("verdict_phrase_in_evidence"))))
    return items


# --- running the product ------------------------------------------------------------------


def judge_items(items: list[Item], settings: Any) -> dict[str, float]:
    """Fill each item's `verdicts` with the product's verdicts; returns seconds per stage."""
    import numpy as np

    from claims.extract import claims_from_sentences, load_nlp, segment_many
    from flows.steps import EXTRACTOR
    from sources.embed import Embedder
    from sources.findings import extract_findings
    from sources.matching import StatementIndex, judge_claims
    from sources.readers import Document, content_hash, header_meta, normalise_whitespace
    from sources.retrieval_text import retrieval_texts
    from store import reads, writes
    from store.db import session

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    nlp = load_nlp(settings.models.spacy)
    sentences = segment_many([it.claim for it in items], nlp, settings.models.batch_size)
    claims = [claims_from_sentences(it.claim, s) for it, s in zip(items, sentences, strict=True)]
    times["extract claims"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    docs = []
    for it, cl in zip(items, claims, strict=True):
        # A row without a checkable claim is never ranked against its evidence (`judge_claims`
        # judges it `not_checkable` whatever the evidence), so its evidence is not read: the
        # same verdicts, several times faster.
        wanted = any(c.checkable and c.quantity is not None for c in cl) and it.evidence.strip()
        text = normalise_whitespace(it.evidence) if wanted else ""
        # No title: the data give none, and a title would lend the findings a period or publisher.
        docs.append(Document(path=f"evidence/{it.id}", title="", text=text, format="text",
                             content_hash=content_hash(text), meta=header_meta(text)))
    findings = [extract_findings(d, nlp, settings.models.batch_size) if d.text else [] for d in docs]
    times["extract evidence"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="claimdesk-anchors-") as tmp:
        db = str(Path(tmp) / "evidence.duckdb")
        with session(db) as con:
            for d, fs in ((d, fs) for d, fs in zip(docs, findings, strict=True) if fs):
                writes.replace_source(con, source_id=d.doc_id, path=d.path, title=d.title, fmt=d.format, meta=d.meta,
                                      period=None, text=d.text, content_hash=d.content_hash, findings=fs,
                                      extractor=EXTRACTOR)
            rows = reads.load_statements(con)
    by_source: dict[str, list[Any]] = {}
    for r in rows:
        by_source.setdefault(r.source_id, []).append(r)
    times["store"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    texts = sorted({t for cl in claims for t in retrieval_texts(cl)} | {r.text for r in rows})
    vecs = Embedder(settings.models.embedding, settings.models.batch_size).encode(texts)
    vector = dict(zip(texts, vecs, strict=True))
    times["embed"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for it, d, cl in zip(items, docs, claims, strict=True):
        mine = by_source.get(d.doc_id, [])
        mat = np.stack([vector[r.text] for r in mine]) if mine else np.zeros((0, vecs.shape[1]), np.float32)
        index = StatementIndex.build(mine, mat, ann_min_statements=settings.retrieval.ann_min_statements)
        it.verdicts = [v.verdict for v, _ in judge_claims(cl, settings, index, vector)]
    times["judge"] = time.perf_counter() - t0
    return times


# --- scoring and report -------------------------------------------------------------------


def score(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    if not gold:
        return {"n": 0, "accuracy": None, "macro_f1": None, "confusion": []}
    return {"n": len(gold), "accuracy": float(accuracy_score(gold, pred)),
            "macro_f1": float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0)),
            "confusion": confusion_matrix(gold, pred, labels=list(labels)).tolist()}


def majority(gold: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Always the most frequent gold label of these rows (the baseline to beat)."""
    top = Counter(gold).most_common(1)[0][0] if gold else labels[0]
    return {"label": top, **score(gold, [top] * len(gold), labels)}


def _print_block(title: str, s: dict[str, Any], base: dict[str, Any], labels: Sequence[str]) -> None:
    print(f"\n== {title}: n={s['n']}")
    if not s["n"]:
        return
    print(f"   claimdesk       accuracy {s['accuracy']:.3f}   macro-F1 {s['macro_f1']:.3f}")
    print(f"   majority class  accuracy {base['accuracy']:.3f}   macro-F1 {base['macro_f1']:.3f}   (always {base['label']})")
    width = max(len(x) for x in labels) + 2
    print("   confusion (rows gold, columns predicted)")
    print("   " + " " * width + "".join(f"{x:>{width}}" for x in labels))
    for lab, row in zip(labels, s["confusion"], strict=True):
        print("   " + f"{lab:<{width}}" + "".join(f"{v:>{width}}" for v in row))


def report(items: list[Item], dataset: str) -> dict[str, Any]:
    labels = LABELS[dataset]
    gold = [it.gold for it in items]
    pred = [to_label(aggregate(it.verdicts), dataset) for it in items]
    out: dict[str, Any] = {"dataset": dataset, "all": score(gold, pred, labels), "majority": majority(gold, labels)}
    covered = [i for i, it in enumerate(items) if any(v != "not_checkable" for v in it.verdicts)]
    out["rows_with_checkable_claim"] = len(covered)
    out["claimdesk_verdicts"] = dict(Counter(v for it in items for v in it.verdicts))
    out["predicted"] = dict(Counter(pred))
    out["rows"] = [{"id": it.id, "gold": g, "predicted": p, "verdicts": it.verdicts} for it, g, p in zip(items, gold, pred,
                                                                                                     strict=True)]
    _print_block(f"{dataset}, all rows", out["all"], out["majority"], labels)
    print(f"   rows with a checkable claim: {len(covered)} of {len(items)}; predicted {out['predicted']}")
    print(f"   claimdesk verdicts over extracted claims: {out['claimdesk_verdicts']}")
    cg, cp = [gold[i] for i in covered], [pred[i] for i in covered]
    out["checkable_rows"] = score(cg, cp, labels)
    out["checkable_rows_majority"] = majority(cg, labels)
    _print_block(f"{dataset}, rows with a checkable claim only", out["checkable_rows"], out["checkable_rows_majority"],
                 labels)
    if dataset == "averitec":
        num = [i for i, it in enumerate(items) if it.numerical]
        ng, np_ = [gold[i] for i in num], [pred[i] for i in num]
        out["numerical"], out["numerical_majority"] = score(ng, np_, labels), majority(ng, labels)
        _print_block("averitec, claim type 'Numerical Claim'", out["numerical"], out["numerical_majority"], labels)
    else:
        stripped = sum(1 for it in items if it.stripped)
        both = sum(1 for it in items if it.stripped and it.leak_flag)
        flagged = sum(1 for it in items if it.leak_flag)
        out["rating_stripped_rows"] = stripped
        out["rating_sentences_stripped"] = sum(it.stripped for it in items)
        print(f"\n   rating sentences stripped: {out['rating_sentences_stripped']} in {stripped} articles "
              f"({both} of the {flagged} the data's own verdict-phrase regex flags)")
    if any(it.restated for it in items):
        out["restatements_dropped"] = sum(it.restated for it in items)
        print(f"   restating sentences dropped: {out['restatements_dropped']}")
    print("\n   published (from the data set's README):")
    for line in PUBLISHED[dataset]:
        print("     " + line)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.claim_evidence", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the data set's folder (AVeriTeC dev or the QuanTemp sample)")
    ap.add_argument("--dataset", choices=sorted(LABELS), help="default: recognised from the folder's file")
    ap.add_argument("--split", help="the folder's split (AVeriTeC: dev, QuanTemp: test); the only one there")
    ap.add_argument("--drop-restatements", action="store_true",
                    help="stricter evidence: AVeriTeC answers only, QuanTemp without sentences restating the claim")
    ap.add_argument("--limit", type=int, help="first N rows only (a smoke run; not a result)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures and every row's verdicts here")
    a = ap.parse_args(argv)
    dataset = a.dataset or detect_dataset(a.folder)
    if a.split and a.split != _SPLITS[dataset]:
        ap.error(f"{dataset} here has only the {_SPLITS[dataset]!r} split")
    from benchmarks._common import header_lines, write_report
    from claimdesk.settings import REPO_CONFIG, load_settings

    for line in header_lines():
        print(line, flush=True)
    t0 = time.perf_counter()
    items = load_items(a.folder, dataset, drop_restatements=a.drop_restatements)[: a.limit]
    settings = load_settings(REPO_CONFIG)
    times = judge_items(items, settings)
    print(f"dataset   {dataset} ({_SPLITS[dataset]}), {len(items)} rows, evidence "
          f"{'without restatements' if a.drop_restatements else 'as specified'}; seconds "
          + ", ".join(f"{k} {v:.1f}" for k, v in times.items()), flush=True)
    out = report(items, dataset)
    out.update({"evidence": "drop_restatements" if a.drop_restatements else "default", "limit": a.limit,
                "stage_seconds": {k: round(v, 1) for k, v in times.items()}})
    write_report(out, t0, a.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
