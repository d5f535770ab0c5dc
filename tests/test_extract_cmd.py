"""`claimdesk extract`: one JSON line per sentence, no database, no Prefect server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def encoder():
    """One encoder process for the in-process runs below (each would otherwise start one
    and import torch again); the CLI runs start their own."""
    from claimdesk.settings import load_settings
    from flows.encode_worker import EncoderProcess

    settings = load_settings(None)
    # Two threads while the main process waits, so the tests also run that path.
    proc = EncoderProcess(settings.models.embedding, settings.models.batch_size, threads_when_idle=2)
    yield proc
    proc.close()

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


# Varied lines: statistics, quotes, headlines, questions, non-claims, repeats, odd characters.
VARIED_LINES = [
    "Prices rose 4% in 2023.",
    "Unemployment fell to 3.5% in 2019, according to the Bureau of Labor Statistics.",
    "We're 9 million jobs short of that.",
    "Thank you all for coming tonight.",
    "“Nearly half of our members, 48 percent, reported burnout last year,” said the association's president.",
    "Crime is down 20 percent since I took office, and the economy added 2.1 million jobs.",
    "Is that really what you believe?",
    "The deficit was $1.4 trillion in 2009. It is now $438 billion.",
    "MORE THAN 60% OF VOTERS SAY THE COUNTRY IS ON THE WRONG TRACK",
    "Prices rose 4% in 2023.",
    "About one in five children in this state lives in poverty.",
    "I will never raise taxes on the middle class.",
    "The survey of 1,200 adults found that 37% had skipped a doctor's visit because of cost.",
    "Nine out of ten dentists recommend it.",
    "Well, let me say this.",
    "Since 2010, average rents have increased by roughly a third, while wages grew 12%.",
    "Exports to China doubled between 2015 and 2020.",
    "ok",
    "The plan would cost $32 trillion over ten years, the Urban Institute estimated.",
    "Three-quarters of teachers say class sizes are too large (NEA, 2022).",
    "We have lost 50,000 manufacturing jobs in Ohio alone.",
    "Senator, you voted against this bill 14 times.",
    "The temperature hit 41.5°C in Seville on Tuesday — a record.",
    "Our nation's debt doubled under the last administration.",
    "Life expectancy in the U.S. fell to 76.4 years in 2021, the lowest since 1996.",
    "Applause.",
    "Over 40 million Americans live below the poverty line; that's 12 percent of the population.",
    "The company reported revenue of €2.3bn, up 8% from a year earlier.",
    "No, that's not true at all, and you know it.",
    "In 1980, inflation was 13.5 percent; by 1988 it had fallen to 4.1 percent.",
]


def test_extract_batched_matches_one_document_at_a_time(capsys, encoder):
    """Chunks of many lines give the same records, in the same order, as one line at a time."""
    from claimdesk.settings import load_settings
    from flows.extract_cmd import records_many, run_extract, sentence_records

    settings = load_settings(None)
    batched = records_many(VARIED_LINES, settings)
    single = [sentence_records(line, settings) for line in VARIED_LINES]
    assert len(batched) == len(single) == len(VARIED_LINES)
    for b_doc, s_doc in zip(batched, single, strict=True):
        assert [r["sentence"] for r in b_doc] == [r["sentence"] for r in s_doc]
        for b, s in zip(b_doc, s_doc, strict=True):
            # Vectors encoded in another batch differ in their last float bits only.
            assert abs(b["score"] - s["score"]) <= 2e-4
            assert {k: v for k, v in b.items() if k != "score"} == {k: v for k, v in s.items() if k != "score"}
    assert sum(len(d) for d in batched) > len(VARIED_LINES)  # some lines are two sentences
    assert any(r["claims"] for d in batched for r in d)

    # The command's output does not depend on the chunk size: document numbers and order kept.
    text = "\n".join(VARIED_LINES[:12]) + "\n\n" + "\n".join(VARIED_LINES[12:]) + "\n"
    outputs = []
    for chunk in (1, 7, 512):
        import io
        import sys

        stdin, sys.stdin = sys.stdin, io.StringIO(text)
        try:
            run_extract("-", settings, lines=True, chunk=chunk, encoder=encoder)
        finally:
            sys.stdin = stdin
        outputs.append([json.loads(line) for line in capsys.readouterr().out.splitlines()])
    one, seven, big = outputs
    assert [r["doc"] for r in one] == [r["doc"] for r in big] == [r["doc"] for r in seven]
    assert 12 not in {r["doc"] for r in big} and max(r["doc"] for r in big) == len(VARIED_LINES)
    for a, b in zip(one, big, strict=True):
        assert abs(a["score"] - b["score"]) <= 2e-4 and a["sentence"] == b["sentence"] and a["claims"] == b["claims"]


def test_extract_lines_output_is_byte_identical_to_the_unpipelined_command(capsys, encoder):
    """The pipelined command (encoder in a process of its own with its linear layers on
    real tokens only, the entity recogniser only where organisations are read, rules and
    scoring meanwhile) prints exactly what the command printed before it was pipelined:
    `extract_lines_golden.jsonl` is that command's output on these lines (commit 0b1e4a7,
    one chunk), and with 7-line chunks several encodes overlap the next chunk's spaCy pass.
    Regenerated once since, for three intended changes of reading (session 5, issue #14):
    "added 2.1 million jobs" and "lost 50,000 jobs" are changes (the parse shows the verb of
    change), and "nine out of ten" is read as 85-95%; and once in session 7: an inflation rate
    that "had fallen to 4.1 percent" is a rise in prices of 4.1% (direction `up`, the rate's sign);
    and once in session 8: a record after a figure's clause ("… on Tuesday — a record.") is a
    claim of its own, of measure `rank` and no figure."""
    import io
    import sys

    from claimdesk.settings import load_settings
    from flows.extract_cmd import run_extract

    golden = (REPO / "tests" / "extract_lines_golden.jsonl").read_text(encoding="utf-8")
    text = "\n".join(VARIED_LINES[:12]) + "\n\n" + "\n".join(VARIED_LINES[12:]) + "\n"
    settings = load_settings(None)
    for chunk in (7, 512):
        stdin, sys.stdin = sys.stdin, io.StringIO(text)
        try:
            run_extract("-", settings, lines=True, chunk=chunk, encoder=encoder)
        finally:
            sys.stdin = stdin
        assert capsys.readouterr().out == golden, f"chunk {chunk}"


def test_prepared_scoring_equals_score_sentences():
    """The two halves of the check-worthiness score give the one-call score, bit for bit."""
    import numpy as np

    from claims.checkworthy import prepare_sentences, score_prepared, score_sentences

    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(len(VARIED_LINES), 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    whole = score_sentences(VARIED_LINES, vecs)
    assert np.array_equal(score_prepared(prepare_sentences(VARIED_LINES), vecs), whole)
    assert len(set(np.round(whole, 3))) > 5  # the scores vary, so equality means something
    assert score_prepared(prepare_sentences([]), np.zeros((0, 384), dtype=np.float32)).shape == (0,)


def test_encoder_process_gives_the_vectors_of_an_in_process_encode(encoder):
    """The worker's vectors are those the main process would compute, bit for bit, also
    once it switches to two threads (the main process idle)."""
    import numpy as np

    from claimdesk.settings import load_settings
    from sources.embed import Embedder

    settings = load_settings(None)
    here = Embedder(settings.models.embedding, settings.models.batch_size)
    encoder.main_is_busy()
    encoder.submit(VARIED_LINES[:16])
    encoder.submit(VARIED_LINES[16:])
    first = encoder.result()
    encoder.main_is_idle()
    second = encoder.result()
    assert encoder.pending == 0
    for got, texts in ((first, VARIED_LINES[:16]), (second, VARIED_LINES[16:])):
        assert np.array_equal(got.view(np.uint32), here.encode(texts).view(np.uint32))


def test_entity_recogniser_only_where_organisations_are_read():
    """`entities_where`: the same sentences and subjects everywhere, the same organisations
    on the lines that name a survey, report, study, poll or data, none elsewhere (so "ner"
    really did not run there)."""
    from claimdesk.settings import load_settings
    from claims.attribution import may_read_organisations
    from claims.sentences import load_nlp, segment_many

    lines = [*VARIED_LINES, "The Federal Reserve in Washington raised rates three times, Goldman Sachs said.",
             "A Gallup survey of 1,000 adults found that 40% trust the Senate."]
    nlp = load_nlp(load_settings(None).models.spacy)
    full = segment_many(lines, nlp)
    lazy = segment_many(lines, nlp, entities_where=may_read_organisations)
    assert [[(s.text, s.start, s.end, s.in_quote, s.subject) for s in d] for d in lazy] == \
           [[(s.text, s.start, s.end, s.in_quote, s.subject) for s in d] for d in full]
    for line, f_doc, l_doc in zip(lines, full, lazy, strict=True):
        assert [s.orgs for s in l_doc] == ([s.orgs for s in f_doc] if may_read_organisations(line) else [() for _ in l_doc])
    assert any(s.orgs for s in full[-2]) and not any(s.orgs for s in lazy[-2])  # not cued: skipped
    assert any(s.orgs for s in lazy[-1])  # cued ("survey"): recognised


def test_an_encoder_process_that_dies_is_one_line_not_a_traceback():
    """The encoder runs in a child process; if the system kills it (out of memory), the
    command must end with the one-line error the CLI prints, not a RuntimeError traceback."""
    from claimdesk.errors import ClaimdeskError
    from claimdesk.settings import load_settings
    from flows.encode_worker import EncoderProcess

    settings = load_settings(None)
    proc = EncoderProcess(settings.models.embedding, settings.models.batch_size)
    try:
        proc._process.kill()
        proc._process.join(30)
        proc.submit(["Unemployment fell to 3.5% in 2019."])
        with pytest.raises(ClaimdeskError, match="encoder process ended unexpectedly"):
            proc.result()
    finally:
        proc.close()
