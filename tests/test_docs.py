"""The docs are enforced: docs/schema.md describes every table, view and column a fresh
database has (with its type), each view has an example query that runs on the demo
database, and every CLI command has help text and a mention in README.md."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import duckdb
import pytest

from claimdesk.settings import Settings
from flows.cli import _parser
from store.db import connect, session
from store.migrations import VIEWS

from .conftest import REPO
from .test_sql_cmd import build_demo_db

SCHEMA_DOC = REPO / "docs" / "schema.md"
README = REPO / "README.md"

_SECTION = re.compile(r"^### `(?P<name>\w+)`\s*$", re.M)
_ROW = re.compile(r"^\|\s*`(?P<col>\w+)`\s*\|\s*(?P<type>[^|]+?)\s*\|\s*(?P<meaning>[^|]*?)\s*\|\s*$", re.M)
_SAME = re.compile(r"Same columns as \[?`(?P<base>\w+)`")
_SQL = re.compile(r"^```sql\n(?P<sql>.*?)^```", re.M | re.S)


def _sections() -> dict[str, str]:
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    marks = list(_SECTION.finditer(text))
    out = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        # A section ends at the next heading of any level.
        body = text[m.end():end]
        stop = re.search(r"^#{1,3} ", body, re.M)
        out[m.group("name")] = body[: stop.start()] if stop else body
    return out


def _documented_columns(sections: dict[str, str], name: str) -> list[tuple[str, str]]:
    body = sections[name]
    cols: list[tuple[str, str]] = []
    same = _SAME.search(body)
    if same:
        cols += _documented_columns(sections, same.group("base"))
    for m in _ROW.finditer(body):
        assert m.group("meaning").strip(), f"{name}.{m.group('col')} has no meaning in docs/schema.md"
        cols.append((m.group("col"), m.group("type").strip()))
    return cols


@pytest.fixture(scope="module")
def fresh_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Every table and view of a freshly created database: name -> (kind, [(column, type)])."""
    con = connect(tmp_path_factory.mktemp("docs") / "fresh.duckdb")
    try:
        objects = con.execute(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
        out = {}
        for name, kind in objects:
            cols = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                [name],
            ).fetchall()
            out[name] = (kind, [(c, t) for c, t in cols])
        out["__sequences__"] = ("", [(r[0], "") for r in con.execute("SELECT sequence_name FROM duckdb_sequences()").fetchall()])
        return out
    finally:
        con.close()


def test_every_table_view_and_column_is_documented(fresh_schema):
    sections = _sections()
    missing = []
    for name, (_kind, cols) in fresh_schema.items():
        if name == "__sequences__":
            continue
        if name not in sections:
            missing.append(f"{name} (whole {_kind.lower()})")
            continue
        documented = dict(_documented_columns(sections, name))
        for col, typ in cols:
            if col not in documented:
                missing.append(f"{name}.{col} ({typ})")
            elif documented[col] != typ:
                missing.append(f"{name}.{col}: documented as {documented[col]}, is {typ}")
    assert missing == [], "docs/schema.md does not describe: " + "; ".join(missing)


def test_doc_describes_nothing_that_does_not_exist(fresh_schema):
    sections = _sections()
    stale = [name for name in sections if name not in fresh_schema]
    for name, (_kind, cols) in fresh_schema.items():
        if name in sections:
            real = [c for c, _ in cols]
            stale += [f"{name}.{c}" for c, _ in _documented_columns(sections, name) if c not in real]
            documented = [c for c, _ in _documented_columns(sections, name)]
            assert documented == real, f"docs/schema.md lists {name}'s columns in another order than the database"
    assert stale == []
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    assert all(f"`{seq}`" in text for seq, _ in fresh_schema["__sequences__"][1])


def test_every_view_has_an_example_query():
    sections = _sections()
    for view in VIEWS:
        assert _SQL.search(sections[view]), f"docs/schema.md has no example query for view {view}"
    assert "array_cosine_similarity" in sections["embeddings"] and "FLOAT[384]" in sections["embeddings"]


@pytest.fixture(scope="module")
def demo_with_history(tmp_path_factory: pytest.TempPathFactory, repo_settings: Settings) -> Path:
    """The demo database plus an editor review and a re-check that changed one verdict."""
    db = build_demo_db(tmp_path_factory.mktemp("docs-demo") / "demo.duckdb", repo_settings, tmp_path_factory.getbasetemp())
    with session(db) as con:
        cid = con.execute("SELECT claim_id FROM claim_verdicts WHERE verdict = 'unverifiable' LIMIT 1").fetchone()[0]
        con.execute(
            "INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation, judge_version)"
            " VALUES (?, 'run-2', 'supported', 0.9, false, 'A newly added price survey states $10-$20 per unit.', '1.0')",
            [cid],
        )
        con.execute(
            "INSERT INTO reviews (claim_id, verdict, note, reviewer, machine_verdict)"
            " SELECT claim_id, verdict, 'confirmed', 'Ana Ortiz', verdict FROM claim_verdicts WHERE verdict = 'misrepresented'"
        )
    return db


def test_example_queries_run_on_the_demo_database(demo_with_history):
    queries = [m.group("sql") for m in _SQL.finditer(SCHEMA_DOC.read_text(encoding="utf-8"))]
    assert len(queries) >= len(VIEWS) + 1
    con = duckdb.connect(str(demo_with_history), read_only=True)
    try:
        for sql in queries:
            rows = con.execute(sql).fetchall()
            assert rows, f"example query returned nothing on the demo database:\n{sql}"
    finally:
        con.close()


def _commands(parser: argparse.ArgumentParser, prefix: str = "claimdesk") -> list[tuple[str, str | None]]:
    """Every command and sub-command with its help text, e.g. ("claimdesk sources add", "index ...")."""
    out: list[tuple[str, str | None]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((f"{prefix} {name}", helps.get(name)))
                out += _commands(sub, f"{prefix} {name}")
    return out


def test_every_cli_command_has_help_and_a_readme_mention():
    commands = _commands(_parser())
    assert len(commands) >= 10
    readme = README.read_text(encoding="utf-8")
    no_help = [c for c, h in commands if not (h and h.strip())]
    not_in_readme = [c for c, _ in commands if not re.search(re.escape(c) + r"\b", readme)]
    assert no_help == [], f"commands without help text: {no_help}"
    assert not_in_readme == [], f"commands README.md does not mention: {not_in_readme}"
