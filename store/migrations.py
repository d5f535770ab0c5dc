"""Named, ordered schema migrations, each applied once in its own transaction.

The applied versions are recorded in `schema_migrations`, so opening an old database
brings it up to date in place and opening a current one does nothing. Views are
`CREATE OR REPLACE` and re-created on every open, so a view change is never stuck.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from claims.vocabulary import VerdictName
from store.vocabulary_sql import QUEUE_ORDER, verdict_order_sql


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial tables",
        """
        CREATE TABLE articles (
            article_id   VARCHAR PRIMARY KEY,
            path         VARCHAR NOT NULL,
            title        VARCHAR,
            text         VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            added_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE claims (
            claim_id          VARCHAR PRIMARY KEY,
            article_id        VARCHAR NOT NULL,
            sentence          VARCHAR NOT NULL,
            sentence_start    INTEGER NOT NULL,
            sentence_end      INTEGER NOT NULL,
            claim_text        VARCHAR NOT NULL,
            start_char        INTEGER NOT NULL,
            end_char          INTEGER NOT NULL,
            claim_type        VARCHAR NOT NULL,
            checkworthiness   DOUBLE,
            checkable         BOOLEAN NOT NULL,
            not_checkable_reason VARCHAR,
            quantity_text     VARCHAR,
            value             DOUBLE,
            low               DOUBLE,
            high              DOUBLE,
            unit              VARCHAR,
            hedge             VARCHAR,
            measure           VARCHAR,
            direction         VARCHAR,
            subject           VARCHAR,
            predicate         VARCHAR,
            population        VARCHAR,
            period            VARCHAR,
            attribution       VARCHAR,
            extractor         VARCHAR NOT NULL,
            extractor_version VARCHAR NOT NULL,
            created_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE source_documents (
            source_id    VARCHAR PRIMARY KEY,
            path         VARCHAR NOT NULL,
            title        VARCHAR,
            format       VARCHAR NOT NULL,
            publisher    VARCHAR,
            published    VARCHAR,
            period       VARCHAR,
            text         VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            added_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE source_statements (
            statement_id      VARCHAR PRIMARY KEY,
            source_id         VARCHAR NOT NULL,
            text              VARCHAR NOT NULL,
            start_char        INTEGER NOT NULL,
            end_char          INTEGER NOT NULL,
            finding_text      VARCHAR,
            quantity_text     VARCHAR,
            value             DOUBLE,
            low               DOUBLE,
            high              DOUBLE,
            unit              VARCHAR,
            hedge             VARCHAR,
            measure           VARCHAR,
            direction         VARCHAR,
            subject           VARCHAR,
            predicate         VARCHAR,
            population        VARCHAR,
            period            VARCHAR,
            attribution       VARCHAR,
            extractor         VARCHAR NOT NULL,
            extractor_version VARCHAR NOT NULL
        );
        CREATE TABLE embeddings (
            text_hash VARCHAR NOT NULL,
            model     VARCHAR NOT NULL,
            dim       INTEGER NOT NULL,
            vector    FLOAT[] NOT NULL,
            PRIMARY KEY (text_hash, model)
        );
        CREATE TABLE matches (
            claim_id     VARCHAR NOT NULL,
            statement_id VARCHAR NOT NULL,
            rank         INTEGER NOT NULL,
            similarity   DOUBLE NOT NULL,
            dense        DOUBLE,
            lexical      DOUBLE,
            run_id       VARCHAR,
            PRIMARY KEY (claim_id, statement_id)
        );
        CREATE SEQUENCE verdict_seq START 1;
        CREATE TABLE verdicts (
            verdict_id    BIGINT PRIMARY KEY DEFAULT nextval('verdict_seq'),
            claim_id      VARCHAR NOT NULL,
            run_id        VARCHAR,
            verdict       VARCHAR NOT NULL,
            confidence    DOUBLE NOT NULL,
            flagged       BOOLEAN NOT NULL,
            explanation   VARCHAR NOT NULL,
            statement_id  VARCHAR,
            similarity    DOUBLE,
            agree         VARCHAR[],
            disagree      VARCHAR[],
            comparisons   JSON,
            judge_version VARCHAR NOT NULL,
            judged_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE SEQUENCE review_seq START 1;
        CREATE TABLE reviews (
            review_id       BIGINT PRIMARY KEY DEFAULT nextval('review_seq'),
            claim_id        VARCHAR NOT NULL,
            verdict         VARCHAR NOT NULL,
            note            VARCHAR,
            reviewer        VARCHAR NOT NULL,
            machine_verdict VARCHAR,
            reviewed_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE runs (
            run_id      VARCHAR PRIMARY KEY,
            kind        VARCHAR NOT NULL,
            started_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
            finished_at TIMESTAMP,
            status      VARCHAR NOT NULL,
            n_inputs    INTEGER,
            n_claims    INTEGER,
            n_errors    INTEGER,
            details     JSON
        );
        """,
    ),
    # Issue #13: every field of a Quantity, so a claim or finding read back is the one written.
    # Rows written before keep NULL here and are read as before (store/codec.py).
    Migration(
        2,
        "lossless claims and statements",
        """
        ALTER TABLE claims ADD COLUMN in_quote BOOLEAN;
        ALTER TABLE claims ADD COLUMN quantity_start INTEGER;
        ALTER TABLE claims ADD COLUMN quantity_end INTEGER;
        ALTER TABLE claims ADD COLUMN low_inclusive BOOLEAN;
        ALTER TABLE claims ADD COLUMN high_inclusive BOOLEAN;
        ALTER TABLE claims ADD COLUMN vague BOOLEAN;
        ALTER TABLE claims ADD COLUMN scale DOUBLE;
        ALTER TABLE claims ADD COLUMN quantity_kind VARCHAR;
        ALTER TABLE source_statements ADD COLUMN sentence_start INTEGER;
        ALTER TABLE source_statements ADD COLUMN sentence_end INTEGER;
        ALTER TABLE source_statements ADD COLUMN quantity_start INTEGER;
        ALTER TABLE source_statements ADD COLUMN quantity_end INTEGER;
        ALTER TABLE source_statements ADD COLUMN low_inclusive BOOLEAN;
        ALTER TABLE source_statements ADD COLUMN high_inclusive BOOLEAN;
        ALTER TABLE source_statements ADD COLUMN vague BOOLEAN;
        ALTER TABLE source_statements ADD COLUMN scale DOUBLE;
        ALTER TABLE source_statements ADD COLUMN quantity_kind VARCHAR;
        """,
    ),
    # Issue #13: the name of the rule that decided each verdict (NULL for rows judged before).
    Migration(3, "verdicts.rule", "ALTER TABLE verdicts ADD COLUMN rule VARCHAR;"),
    # Issue #14: the calibrated probability that the claim has a problem (claims/decision.py);
    # NULL for rows judged before, or with `judge.calibrated_confidence: false`.
    Migration(4, "verdicts.problem_probability", "ALTER TABLE verdicts ADD COLUMN problem_probability DOUBLE;"),
    # Issue #18: review desk accounts and an append-only audit log. Reviews gain the signed-in
    # account (`reviews.user_id`); older reviews keep their free-text `reviewer` as history,
    # with user_id NULL. `session_epoch` is bumped by `users passwd`/`users disable`, which
    # ends every session signed before.
    Migration(
        5,
        "users and audit_log",
        """
        CREATE SEQUENCE user_seq START 1;
        CREATE TABLE users (
            user_id       BIGINT PRIMARY KEY DEFAULT nextval('user_seq'),
            name          VARCHAR NOT NULL UNIQUE,
            role          VARCHAR NOT NULL,
            password_hash VARCHAR,
            disabled      BOOLEAN NOT NULL DEFAULT false,
            session_epoch INTEGER NOT NULL DEFAULT 0,
            created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE SEQUENCE audit_seq START 1;
        CREATE TABLE audit_log (
            audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
            logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            actor    VARCHAR,
            action   VARCHAR NOT NULL,
            subject  VARCHAR,
            address  VARCHAR,
            detail   VARCHAR
        );
        ALTER TABLE reviews ADD COLUMN user_id BIGINT;
        """,
    ),
    # Issue #17: a news page's metadata on its article, and a claim's relative time ("last
    # year") kept as words and resolved from the publication date. NULL for rows written before.
    Migration(
        6,
        "article metadata and resolved periods",
        """
        ALTER TABLE articles ADD COLUMN author VARCHAR;
        ALTER TABLE articles ADD COLUMN site VARCHAR;
        ALTER TABLE articles ADD COLUMN published DATE;
        ALTER TABLE claims ADD COLUMN period_words VARCHAR;
        ALTER TABLE claims ADD COLUMN period_resolved VARCHAR;
        """,
    ),
    # Table statements keep where they came from (sources/tables.py): page (PDFs), table,
    # 1-based row and column, and the excerpt the claim page draws (JSON). NULL for prose.
    Migration(
        7,
        "source_statements table origin",
        """
        ALTER TABLE source_statements ADD COLUMN page INTEGER;
        ALTER TABLE source_statements ADD COLUMN table_no INTEGER;
        ALTER TABLE source_statements ADD COLUMN row_no INTEGER;
        ALTER TABLE source_statements ADD COLUMN col_no INTEGER;
        ALTER TABLE source_statements ADD COLUMN table_excerpt VARCHAR;
        """,
    ),
    # Issue #17: RSS/Atom feed items seen by `check_feeds` (flows/feeds.py), one row per item
    # of a feed: whether its page was checked, why not, and how often it was tried.
    Migration(
        8,
        "feed_items",
        """
        CREATE TABLE feed_items (
            feed_url     VARCHAR NOT NULL,
            guid         VARCHAR NOT NULL,
            link         VARCHAR,
            title        VARCHAR,
            published    TIMESTAMP,
            content_hash VARCHAR,
            status       VARCHAR NOT NULL,
            error        VARCHAR,
            attempts     INTEGER NOT NULL DEFAULT 0,
            first_seen   TIMESTAMP NOT NULL DEFAULT current_timestamp,
            last_attempt TIMESTAMP,
            article_id   VARCHAR,
            PRIMARY KEY (feed_url, guid)
        );
        """,
    ),
    # Issue #15: computed evidence, the arithmetic behind a verdict decided from two source
    # figures (claims/derived.py): one row per verdict row that has it.
    Migration(
        9,
        "computed_evidence",
        """
        CREATE TABLE computed_evidence (
            verdict_id            BIGINT PRIMARY KEY,
            claim_id              VARCHAR NOT NULL,
            operation             VARCHAR NOT NULL,
            operand_statement_ids VARCHAR[] NOT NULL,
            operand_values        DOUBLE[] NOT NULL,
            result                DOUBLE NOT NULL,
            result_low            DOUBLE,
            result_high           DOUBLE,
            unit                  VARCHAR NOT NULL,
            expression            VARCHAR NOT NULL,
            fits                  BOOLEAN NOT NULL
        );
        """,
    ),
    # Issue #15: every figure of a sentence is a claim; a baseline ("up from 60% the year
    # before") or a change ("a 4% increase") links to its main figure. NULL role: written before.
    Migration(
        11,
        "claims.role and related_claim_id",
        """
        ALTER TABLE claims ADD COLUMN role VARCHAR;
        ALTER TABLE claims ADD COLUMN related_start INTEGER;
        ALTER TABLE claims ADD COLUMN related_claim_id VARCHAR;
        """,
    ),
    # Issue #14: what a figure counts, read from the parse (claims/measured.py), on both sides,
    # so a conflicting figure about something else is not a contradiction. NULL: written before.
    Migration(
        12,
        "claims.measured and source_statements.measured",
        """
        ALTER TABLE claims ADD COLUMN measured VARCHAR;
        ALTER TABLE source_statements ADD COLUMN measured VARCHAR;
        """,
    ),
)


# The columns of `claim_verdicts` and their joins (aliases c, a, v, r, s, d, ce), shared with the desk's
# claim- and article-scoped queries (store/scoped_verdicts.py), which compute `latest_verdict` and
# `latest_review` for one claim or article instead of the whole table (issue #16).
CLAIM_VERDICT_COLUMNS = """\
        SELECT
            c.claim_id, c.article_id, a.title AS article_title, a.path AS article_path,
            c.sentence, c.claim_text, c.start_char, c.end_char, c.claim_type,
            c.value, c.unit, c.measure, c.population, c.period, c.attribution,
            coalesce(r.verdict, v.verdict) AS verdict,
            v.verdict AS machine_verdict,
            v.confidence,
            CASE WHEN r.review_id IS NOT NULL THEN false ELSE coalesce(v.flagged, true) END AS flagged,
            v.explanation,
            s.source_id, d.title AS source_title, s.text AS evidence_text,
            v.similarity,
            r.verdict AS reviewed_verdict, r.reviewer, r.reviewed_at,
            c.quantity_text, c.low, c.high, c.hedge, c.direction, c.subject,
            c.checkworthiness, c.extractor, c.extractor_version,
            v.agree, v.disagree, v.judged_at,
            v.statement_id, r.note AS review_note,
            v.rule, v.problem_probability,
            s.page AS evidence_page, s.table_no AS evidence_table_no, s.row_no AS evidence_row_no,
            s.col_no AS evidence_col_no, s.table_excerpt AS evidence_table,
            ce.operation AS computed_operation, ce.expression AS computed_expression,
            ce.operand_statement_ids AS computed_operand_ids, ce.operand_values AS computed_operand_values,
            ce.result AS computed_result, ce.unit AS computed_unit
"""
CLAIM_VERDICT_JOINS = """\
        FROM claims c
        JOIN articles a USING (article_id)
        LEFT JOIN latest_verdict v USING (claim_id)
        LEFT JOIN latest_review r USING (claim_id)
        LEFT JOIN source_statements s ON s.statement_id = v.statement_id
        LEFT JOIN source_documents d ON d.source_id = s.source_id
        LEFT JOIN computed_evidence ce ON ce.verdict_id = v.verdict_id
"""


VIEWS: dict[str, str] = {
    # One row per claim with its current verdict: the newest machine verdict, and the
    # newest editor review if any (an editor's verdict is final).
    "claim_verdicts": f"""
        CREATE OR REPLACE VIEW claim_verdicts AS
        WITH latest_verdict AS (
            SELECT * FROM verdicts
            QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY verdict_id DESC) = 1
        ),
        latest_review AS (
            SELECT * FROM reviews
            QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY review_id DESC) = 1
        )
{CLAIM_VERDICT_COLUMNS}{CLAIM_VERDICT_JOINS}    """,
    # The review queue: what still needs an editor (flagged by the machine, not yet reviewed),
    # in the review desk's order (problems first, then the least sure), as `claimdesk demo` prints it.
    "flagged_claims": f"""
        CREATE OR REPLACE VIEW flagged_claims AS
        SELECT *, row_number() OVER (ORDER BY {QUEUE_ORDER}) AS queue_position
        FROM claim_verdicts
        WHERE flagged
        ORDER BY queue_position
    """,
    # Counts for dashboards: how many claims of each article got each current verdict, per source
    # of the evidence (NULL source: no evidence statement, e.g. not_checkable).
    "verdict_summary": f"""
        CREATE OR REPLACE VIEW verdict_summary AS
        SELECT
            article_id, any_value(article_title) AS article_title,
            source_id, any_value(source_title) AS source_title,
            verdict,
            count(*) AS claims,
            count(*) FILTER (WHERE flagged) AS flagged,
            count(reviewed_verdict) AS reviewed
        FROM claim_verdicts
        GROUP BY article_id, source_id, verdict
        ORDER BY article_title, article_id, source_title NULLS LAST, source_id, {verdict_order_sql('verdict')}
    """,
    # Per source statement: the claims whose current verdict rests on it, by verdict, and how
    # often retrieval proposed it. Statements that back problem verdicts come first.
    "source_coverage": f"""
        CREATE OR REPLACE VIEW source_coverage AS
        WITH used AS (
            SELECT statement_id,
                count(*) FILTER (WHERE verdict = '{VerdictName.SUPPORTED}') AS supports,
                count(*) FILTER (WHERE verdict = '{VerdictName.CONTRADICTED}') AS contradicts,
                count(*) FILTER (WHERE verdict = '{VerdictName.MISREPRESENTED}') AS misrepresents,
                count(*) AS evidence_for
            FROM claim_verdicts WHERE statement_id IS NOT NULL
            GROUP BY statement_id
        ),
        proposed AS (
            SELECT statement_id, count(*) AS candidate_for FROM matches GROUP BY statement_id
        )
        SELECT
            s.statement_id, s.source_id, d.title AS source_title, s.text AS statement_text,
            s.start_char, s.end_char,
            coalesce(u.supports, 0) AS supports,
            coalesce(u.contradicts, 0) AS contradicts,
            coalesce(u.misrepresents, 0) AS misrepresents,
            coalesce(u.evidence_for, 0) AS evidence_for,
            coalesce(p.candidate_for, 0) AS candidate_for
        FROM source_statements s
        JOIN source_documents d USING (source_id)
        LEFT JOIN used u USING (statement_id)
        LEFT JOIN proposed p USING (statement_id)
        ORDER BY coalesce(u.contradicts, 0) + coalesce(u.misrepresents, 0) DESC, coalesce(u.evidence_for, 0) DESC,
                 s.source_id, s.start_char, s.statement_id
    """,
    # Every time a later judgement of a claim changed its machine verdict (re-checks after a
    # source was added or revised): one row per consecutive pair of verdict rows that differ.
    "verdict_changes": """
        CREATE OR REPLACE VIEW verdict_changes AS
        WITH paired AS (
            SELECT verdict_id, claim_id,
                lag(verdict) OVER (PARTITION BY claim_id ORDER BY verdict_id) AS old_verdict,
                verdict AS new_verdict, explanation AS why, judged_at AS changed_at, run_id
            FROM verdicts
        )
        SELECT claim_id, old_verdict, new_verdict, why, changed_at, run_id
        FROM paired
        WHERE old_verdict IS NOT NULL AND old_verdict <> new_verdict
        ORDER BY verdict_id
    """,
}


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    return {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}


def pending(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    done = applied_versions(con)
    return [m for m in MIGRATIONS if m.version not in done]


def migrate(
    con: duckdb.DuckDBPyConnection, before_first: Callable[[], None] | None = None
) -> list[Migration]:
    """Apply pending migrations in order, each atomically; then (re)create the views.

    `before_first` runs once before the first pending migration on a database that
    already had some applied, so the caller can take a backup copy first.
    """
    todo = pending(con)
    if todo and before_first is not None and applied_versions(con):
        before_first()
    for m in todo:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [m.version, m.name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    _refresh_views(con)
    return todo


_VIEW_HASHES = {f"{name}={hashlib.sha1(sql.encode('utf-8')).hexdigest()}" for name, sql in VIEWS.items()}


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database is exactly at this code's schema: every migration and no other applied,
    every view present as defined here. One plain query, so a write session on a current database
    skips the schema check and `migrate` (~7 queries; issue #16). False when unsure."""
    try:
        rows = con.execute(
            "SELECT 'version', version::VARCHAR FROM schema_migrations"
            " UNION ALL SELECT 'hash', name || '=' || sql_hash FROM schema_views"
            " UNION ALL SELECT 'view', view_name FROM duckdb_views()"
            " WHERE NOT internal AND database_name = current_database()"
        ).fetchall()
    except duckdb.Error:
        return False  # e.g. a new file without schema_migrations or schema_views yet
    found: dict[str, set[str]] = {"version": set(), "hash": set(), "view": set()}
    for kind, value in rows:
        found[kind].add(value)
    return (found["version"] == {str(m.version) for m in MIGRATIONS}
            and found["hash"] >= _VIEW_HASHES and found["view"] >= set(VIEWS))


def _refresh_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create only the views whose definition changed, so opening a current database writes nothing.

    Re-creating views on every open would make concurrent sessions collide on the catalog.
    """
    con.execute("CREATE TABLE IF NOT EXISTS schema_views (name VARCHAR PRIMARY KEY, sql_hash VARCHAR NOT NULL)")
    have = dict(con.execute("SELECT name, sql_hash FROM schema_views").fetchall())
    existing = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    for name, sql in VIEWS.items():
        digest = hashlib.sha1(sql.encode("utf-8")).hexdigest()
        if have.get(name) == digest and name in existing:
            continue
        con.execute(sql)
        con.execute("INSERT OR REPLACE INTO schema_views (name, sql_hash) VALUES (?, ?)", [name, digest])
