"""`claimdesk extract`: one JSON line per sentence, no database, no Prefect server."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import REPO

TEXT = ("Nearly 80% of plastic surgeons expect more young patients, according to the AAFPRS survey. "
        "Thank you all for coming tonight.\n")


def _run(args: list[str], stdin: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "flows.cli", "extract", *args], input=stdin, capture_output=True,
                         text=True, cwd=REPO, timeout=300, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_extract_prints_sentences_with_scores_and_claims(tmp_path):
    rows = _run(["-"], TEXT)
    assert [r["sentence"] for r in rows] == ["Nearly 80% of plastic surgeons expect more young patients, according to the AAFPRS survey.",
                                             "Thank you all for coming tonight."]
    first, second = rows
    for r in rows:
        assert set(r) >= {"sentence", "start", "end", "score", "checkworthy", "claim_type", "claims"}
        assert TEXT[r["start"]:r["end"]] == r["sentence"]
        assert 0.0 <= r["score"] <= 1.0
    assert first["score"] > second["score"] and first["checkworthy"] and not second["checkworthy"]
    claim = first["claims"][0]
    assert (claim["value"], claim["low"], claim["high"], claim["unit"]) == (80, 75, 80, "percent")
    assert claim["measure"] == "share" and "AAFPRS" in claim["attribution"]
    assert set(claim) >= {"text", "start", "end", "value", "low", "high", "unit", "measure", "population", "period", "attribution"}
    assert second["claims"] == [] and first["claim_type"] == "prediction"  # "expect": a forecast, in Full Fact's schema
    assert second["claim_type"] == "not_a_claim"
    assert not list(tmp_path.iterdir())  # nothing written


def test_extract_lines_mode_numbers_documents():
    rows = _run(["--lines", "-"], "Prices rose 4% in 2023.\n\nUnemployment fell to 3.5% in 2019.\n")
    assert [r["doc"] for r in rows] == [0, 2]
    assert rows[1]["claims"][0]["value"] == 3.5
