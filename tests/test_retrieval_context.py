"""Debate context and speaker options of benchmarks/retrieval.py on hand-made rows (no shared data)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from benchmarks.retrieval import Dataset, load_transcripts, speaker_prior, surname


def test_surname_reads_transcript_and_politifact_spellings() -> None:
    assert surname("Donald Trump") == surname("TRUMP") == "trump"
    assert surname("SEN. BERNIE SANDERS, I-VT") == "sanders"
    assert surname("Julián Castro") == surname("CASTRO") == "castro"
    assert surname("E. Warren") == "warren"
    assert surname("") is None and surname(None) is None


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_context_lines_and_speaker_prior(tmp_path: Path) -> None:
    data, extra = tmp_path / "set", tmp_path / "t5"
    data.mkdir()
    extra.mkdir()
    lines = [
        "Thank you.",
        "What about college?",
        "We can provide universal childcare.",
        "We can expand Pell.",
    ]
    speakers = ["MODERATOR", "MODERATOR", "WARREN", "WARREN"]
    _write(
        extra / "dev.jsonl",
        [
            {"debate": "d1", "line_number": i + 1, "speaker": s, "text": t, "label": 0}
            for i, (s, t) in enumerate(zip(speakers, lines, strict=True))
        ],
    )
    queries = [
        # punctuation differs from the transcript (the CLEF-2021 texts lost their dashes): still placed
        {
            "qid": "d1_4",
            "text": "We can expand Pell",
            "debate": "d1",
            "line_number": 4,
            "official_split": "dev",
        },
        # text differs: not placed, so no context and no speaker
        {"qid": "d1_3", "text": "Something else", "debate": "d1", "line_number": 3, "official_split": "dev"},
        {"qid": "d2_1", "text": "No transcript", "debate": "d2", "line_number": 1, "official_split": "dev"},
    ]
    docs = [{"vclaim_id": "a", "speaker": "Elizabeth Warren"}, {"vclaim_id": "b", "speaker": "Donald Trump"}]
    ds = Dataset(name="clef2021", path=data, queries=queries, docs=docs)
    tr = load_transcripts(ds, extra)
    assert set(tr.where) == {"d1_4"}
    assert tr.previous("d1_4", 2) == ["What about college?", "We can provide universal childcare."]
    assert tr.previous("d1_4", 9) == lines[:3]
    assert tr.previous("d1_3", 2) == [] and tr.previous("d2_1", 1) == []
    prior = speaker_prior(ds, queries, tr)
    np.testing.assert_array_equal(prior, [[1, 0], [0, 0], [0, 0]])
