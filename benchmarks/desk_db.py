"""A synthetic claimdesk database of N claims for the desk load benchmark, written in SQL.

The pipeline is not needed to see how the review desk behaves on a big database: what
matters is the row counts and shapes its queries scan. Rows are generated inside DuckDB
(`range()`), through the store's own schema (`store.db.connect` creates and migrates it),
so 100,000 claims take seconds. Shapes, per claim: one article in ten claims, two
candidate matches, one machine verdict (one claim in ten has a second, later one), one in
twenty has an editor's review. Article texts are the claims' sentences one after the
other, so the claims' character offsets point at their own text, as the desk expects.
"""

from __future__ import annotations

from pathlib import Path

from store.db import connect, transaction

CLAIMS_PER_ARTICLE = 10
STATEMENTS_PER_SOURCE = 5
SENTENCE = 120  # characters: every sentence padded to this, so offsets are arithmetic
PASSWORD = "desk load benchmark"
EDITOR = "Bench Editor"

_GEN = f"""
CREATE TEMP TABLE gen AS
SELECT n, n // {CLAIMS_PER_ARTICLE} AS a, n % {CLAIMS_PER_ARTICLE} AS i,
       format('In {{}} the share of {{}} in region {{}} rose to {{}}% according to survey {{}}.',
              2000 + n % 24, (['households', 'teenagers', 'nurses', 'farmers', 'voters'])[1 + n % 5],
              n % 97, 10 + n % 80, n % 1000) AS s
FROM range($n) t(n)
"""

_ARTICLES = f"""
INSERT INTO articles (article_id, path, title, text, content_hash)
SELECT 'art-' || a, 'articles/art-' || a || '.txt', 'Synthetic article ' || a,
       string_agg(rpad(s, {SENTENCE - 1}, ' ') || ' ', '' ORDER BY i), 'hash-' || a
FROM gen GROUP BY a
"""

_CLAIMS = f"""
INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end, claim_text, start_char,
                    end_char, claim_type, checkable, quantity_text, value, unit, measure, subject, population,
                    period, extractor, extractor_version)
SELECT 'c-' || n, 'art-' || a, s, i * {SENTENCE}, i * {SENTENCE} + length(s), s, i * {SENTENCE},
       i * {SENTENCE} + length(s), 'statistical', true, (10 + n % 80) || '%', 10 + n % 80, 'percent', 'share',
       'share', 'region ' || (n % 97), (2000 + n % 24)::VARCHAR, 'bench', '1'
FROM gen
"""

_SOURCES = """
INSERT INTO source_documents (source_id, path, title, format, publisher, published, period, text, content_hash)
SELECT 'src-' || k, 'sources/src-' || k || '.txt', 'Synthetic survey ' || k, 'txt', 'Bench Institute',
       '2024-01-01', '2023', 'Survey ' || k || ' findings.', 'hash-src-' || k
FROM range($sources) t(k)
"""

_STATEMENTS = f"""
INSERT INTO source_statements (statement_id, source_id, text, start_char, end_char, finding_text, value, low, high,
                               unit, measure, subject, population, period, attribution, extractor,
                               extractor_version)
SELECT 'st-' || k, 'src-' || (k // {STATEMENTS_PER_SOURCE}), 'In survey ' || k || ' the share was ' || (k % 90) || '%.',
       0, 20, 'the share was ' || (k % 90) || '%', k % 90, k % 90 - 0.5, k % 90 + 0.5, 'percent', 'share',
       'share', 'region ' || (k % 97), '2023', 'Bench Institute', 'bench', '1'
FROM range($statements) t(k)
"""

_MATCHES = """
INSERT INTO matches (claim_id, statement_id, rank, similarity, dense, lexical, run_id)
SELECT 'c-' || n, 'st-' || ((n * 7 + r * 13) % $statements), r, 0.9 - r * 0.1, 0.9 - r * 0.1, 0.3, 'run-bench'
FROM gen, range(1, 3) t(r)
"""

_VERDICTS = """
INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation, statement_id, similarity,
                      agree, disagree, comparisons, judge_version, judged_at)
SELECT 'c-' || n, 'run-bench', (['supported', 'contradicted', 'misrepresented', 'unverifiable', 'supported',
       'not_checkable', 'supported'])[1 + (n + k) % 7], 0.5 + (n % 50) / 100, n % 3 = 0,
       'Synthetic verdict ' || k || ' for claim ' || n || '.', 'st-' || ((n * 7 + 13) % $statements), 0.8,
       ['value'], [], '{}', 'judge-bench', TIMESTAMP '2024-05-01 09:00:00' + to_seconds(n + k * 1000000)
FROM gen, range(2) t(k) WHERE k = 0 OR n % 10 = 0
"""

_REVIEWS = """
INSERT INTO reviews (claim_id, verdict, note, reviewer, machine_verdict, reviewed_at)
SELECT 'c-' || n, 'supported', 'Checked against the survey.', $editor, 'supported',
       TIMESTAMP '2024-05-01 09:00:00' + to_seconds(n + 500000)
FROM gen WHERE n % 20 = 0
"""


def build(path: str | Path, claims: int) -> Path:
    """Create `path` with `claims` synthetic claims and a signed-in-able editor (EDITOR / PASSWORD)."""
    from review.auth import hash_password
    from store import accounts

    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    sources = max(10, claims // 1000)
    con = connect(path)
    try:
        con.execute("SET enable_progress_bar = false")
        with transaction(con):
            con.execute(_GEN, {"n": claims})
            con.execute(_ARTICLES)
            con.execute(_CLAIMS)
            con.execute(_SOURCES, {"sources": sources})
            con.execute(_STATEMENTS, {"statements": sources * STATEMENTS_PER_SOURCE})
            con.execute(_MATCHES, {"statements": sources * STATEMENTS_PER_SOURCE})
            con.execute(_VERDICTS, {"statements": sources * STATEMENTS_PER_SOURCE})
            con.execute(_REVIEWS, {"editor": EDITOR})
        accounts.add_user(con, EDITOR, "editor", hash_password(PASSWORD), actor="bench", address="bench")
        con.execute("DROP TABLE gen")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def counts(path: str | Path) -> dict[str, int]:
    """Row counts of the tables the desk reads, to print beside the figures."""
    from store.db import session

    with session(path, read_only=True) as con:
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in ("articles", "claims", "matches", "verdicts", "reviews", "source_statements")}
