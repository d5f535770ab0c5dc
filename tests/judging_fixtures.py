"""One source sentence as a retrieved candidate, and the verdict on a claim against it.

The judge's unit tests read both sides with the real extractor (spaCy) and give the
candidate's similarity themselves, so each test pins one rule without retrieval in the way.
"""

from __future__ import annotations

from claims.extract import extract_claims
from claims.judge import judge
from claims.model import Evidence, Verdict


def evidence_from(sentence: str, nlp, similarity: float = 0.8, title: str = "A source") -> Evidence:
    """The first figure of `sentence` as a candidate statement of a source titled `title`."""
    f = extract_claims(sentence, nlp)[0]
    return Evidence("st-1", "src-1", title, f.sentence, f.start, f.end, similarity, f)


def verdict_against(nlp, claim_text: str, source_text: str, similarity: float = 0.8,
                    title: str = "A source") -> Verdict:
    """The verdict on the first claim of `claim_text` with `source_text` as its only candidate."""
    return judge(extract_claims(claim_text, nlp)[0], [evidence_from(source_text, nlp, similarity, title)])
