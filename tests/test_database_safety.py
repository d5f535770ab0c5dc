"""The database file holds editors' decisions: claimdesk refuses what is not its own,
migrates only after a checked backup copy, and read commands never write.

Refused files must come out byte-identical, with no .wal or backup created beside them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

import store.db
import store.doctor
import store.migrations
from claimdesk.errors import ClaimdeskError
from flows.cli import main
from store.db import connect
from store.migrations import MIGRATIONS, Migration

from .conftest import REPO

COMMANDS = [["sql", "SELECT 1"], ["sql", "--write", "SELECT 1"], ["doctor"]]


def _claimdesk_db(path: Path) -> Path:
    """A real claimdesk database with an article and an editor's review in it."""
    con = connect(path)
    con.execute("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES ('a1', '/x/a.txt', 'A', 'text', 'h')")
    con.execute("INSERT INTO reviews (claim_id, verdict, note, reviewer) VALUES ('c1', 'supported', 'checked by phone', 'ed')")
    con.execute("INSERT INTO embeddings SELECT 'h' || range, 'm', 2, [0.5, 0.25] FROM range(3000)")  # a few blocks of data
    con.close()
    return path


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name and p.name.startswith(path.name))


def _refused(path: Path, capsys: pytest.CaptureFixture[str], expected: str, commands: list[list[str]] = COMMANDS) -> None:
    before = path.read_bytes()
    for cmd in commands:
        assert main(["--db", str(path), *cmd]) == 2, cmd
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and expected in err and path.name in err, err
        assert "Traceback" not in err
    with pytest.raises(ClaimdeskError, match=expected):
        connect(path)
    assert path.read_bytes() == before
    assert _siblings(path) == []  # no .wal, no backup, nothing written beside it


def test_random_bytes_are_refused_untouched(tmp_path, capsys):
    p = tmp_path / "claimdesk.duckdb"
    p.write_bytes(os.urandom(100_000))
    _refused(p, capsys, "not a DuckDB database file")


def test_damaged_duckdb_file_is_refused_untouched(tmp_path, capsys):
    p = _claimdesk_db(tmp_path / "damaged.duckdb")
    data = bytearray(p.read_bytes())
    for i in range(4096, len(data), 7):  # keep the header, scramble the blocks
        data[i] = (data[i] * 31 + 7) % 256
    p.write_bytes(bytes(data))
    _refused(p, capsys, "damaged")


def test_truncated_duckdb_file_is_refused_untouched(tmp_path, capsys):
    p = _claimdesk_db(tmp_path / "truncated.duckdb")
    p.write_bytes(p.read_bytes()[:6000])
    _refused(p, capsys, "damaged")


@pytest.mark.parametrize("tables", [
    "CREATE TABLE sales (id INTEGER, amount DOUBLE); INSERT INTO sales VALUES (1, 9.5)",
    # Looks like ours at a glance, but has no migration record.
    "CREATE TABLE articles (article_id VARCHAR, text VARCHAR); INSERT INTO articles VALUES ('a', 'b')",
])
def test_foreign_duckdb_file_is_refused_untouched(tmp_path, capsys, tables):
    p = tmp_path / "analytics.duckdb"
    con = duckdb.connect(str(p))
    con.execute(tables)
    con.close()
    _refused(p, capsys, "not a claimdesk database")


def test_newer_schema_is_read_but_never_written(tmp_path, capsys):
    p = _claimdesk_db(tmp_path / "newer.duckdb")
    con = duckdb.connect(str(p))
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
    con.close()
    before = p.read_bytes()
    assert main(["--db", str(p), "sql", "--write", "SELECT 1"]) == 2
    assert "newer claimdesk" in capsys.readouterr().err
    assert main(["--db", str(p), "sql", "SELECT count(*) AS n FROM articles", "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "1"]
    assert main(["--db", str(p), "doctor"]) == 1
    assert "unknown versions [999]" in capsys.readouterr().out
    assert p.read_bytes() == before


def _add_migration(monkeypatch: pytest.MonkeyPatch, sql: str) -> Migration:
    """A later schema version, as a future claimdesk release would ship it."""
    extra = Migration(max(m.version for m in MIGRATIONS) + 1, "test: a later migration", sql)
    for module in (store.migrations, store.db, store.doctor):
        monkeypatch.setattr(module, "MIGRATIONS", (*MIGRATIONS, extra))
    return extra


def test_older_schema_is_migrated_in_place_after_a_backup(tmp_path, monkeypatch):
    p = _claimdesk_db(tmp_path / "old.duckdb")
    old_version = max(m.version for m in MIGRATIONS)
    extra = _add_migration(monkeypatch, "ALTER TABLE articles ADD COLUMN desk VARCHAR DEFAULT 'news'")

    con = connect(p)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == extra.version
    assert con.execute("SELECT desk, count(*) FROM articles GROUP BY desk").fetchall() == [("news", 1)]
    assert con.execute("SELECT note FROM reviews").fetchall() == [("checked by phone",)]
    con.close()

    backups = [b for b in tmp_path.iterdir() if b.name.startswith("old.duckdb.bak-")]
    assert len(backups) == 1 and not backups[0].name.endswith(".partial")
    bak = duckdb.connect(str(backups[0]), read_only=True)  # a valid database at the older version
    assert bak.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == old_version
    assert bak.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    assert "desk" not in [r[0] for r in bak.execute("DESCRIBE articles").fetchall()]
    bak.close()

    connect(p).close()  # current now: no second backup
    assert len([b for b in tmp_path.iterdir() if ".bak-" in b.name]) == 1


def test_failed_migration_changes_nothing(tmp_path, monkeypatch, capsys):
    p = _claimdesk_db(tmp_path / "old.duckdb")
    old_version = max(m.version for m in MIGRATIONS)
    _add_migration(monkeypatch, "ALTER TABLE articles ADD COLUMN desk VARCHAR; SELECT * FROM no_such_table")
    assert main(["--db", str(p), "sql", "--write", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert "cannot be migrated" in err and len(err.strip().splitlines()) == 1
    con = duckdb.connect(str(p), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == old_version
    assert "desk" not in [r[0] for r in con.execute("DESCRIBE articles").fetchall()]
    con.close()
    assert any(".bak-" in b.name for b in tmp_path.iterdir())  # the copy was taken first


def test_no_backup_no_migration(tmp_path, monkeypatch):
    p = _claimdesk_db(tmp_path / "old.duckdb")
    old_version = max(m.version for m in MIGRATIONS)
    _add_migration(monkeypatch, "ALTER TABLE articles ADD COLUMN desk VARCHAR")

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.db.shutil, "copyfile", disk_full)
    with pytest.raises(ClaimdeskError, match="cannot write a backup copy"):
        connect(p)
    con = duckdb.connect(str(p), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == old_version
    con.close()
    assert not any(".bak-" in b.name for b in tmp_path.iterdir())


def test_read_commands_never_write_and_deleting_needs_the_flag(tmp_path, capsys):
    p = _claimdesk_db(tmp_path / "desk.duckdb")
    before = p.read_bytes()
    for cmd in (["sql", "SELECT * FROM claim_verdicts"], ["sql", "SELECT count(*) FROM reviews", "--format", "json"], ["doctor"]):
        assert main(["--db", str(p), *cmd]) == 0, cmd
    assert main(["--db", str(p), "sql", "DELETE FROM reviews"]) == 2
    assert "--write" in capsys.readouterr().err
    assert p.read_bytes() == before and _siblings(p) == []
    # The explicit flag is the only way to delete.
    assert main(["--db", str(p), "sql", "--write", "DELETE FROM reviews"]) == 0
    con = duckdb.connect(str(p), read_only=True)
    assert con.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    con.close()


_HOLDER = textwrap.dedent("""
    import sys, time
    import duckdb
    con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    time.sleep(60)
""")


def test_a_locked_database_gives_a_clear_error_after_waiting(tmp_path):
    p = _claimdesk_db(tmp_path / "busy.duckdb")
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(p)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        t0 = time.monotonic()
        with pytest.raises(ClaimdeskError) as info:
            connect(p, wait=1.0)
        assert time.monotonic() - t0 < 10
        assert "lock" in str(info.value).lower() and "\n" not in str(info.value)
    finally:
        holder.kill()
        holder.wait(30)
    connect(p).close()  # free again once the other process is gone
