"""Config mistakes are one line naming the file and the key, and exit status 2.

Each case goes through the real CLI (`claimdesk --config FILE sql "SELECT 1"`), so what
is tested is what a user sees: no traceback, nothing else on stderr.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimdesk.settings import cron_problem
from flows.cli import main
from store.db import connect, writable_folder


def _cli_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, *cmd: str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(config)
    code = main(["--config", str(path), *(cmd or ("sql", "SELECT 1"))])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert str(path) in err or "database" in err
    return err


@pytest.mark.parametrize(("config", "expected"), [
    ("retrieval:\n  topk: 3\n", "unknown key 'retrieval.topk'"),
    ("databse: x.duckdb\n", "unknown key 'databse'"),
    ("schedules:\n  recheck:\n    crontab: '0 * * * *'\n", "unknown key 'schedules.recheck.crontab'"),
    ("retrieval:\n  top_k: many\n", "key 'retrieval.top_k' must be int"),
    ("retrieval:\n  top_k: true\n", "key 'retrieval.top_k' must be int"),
    ("judge:\n  flag_below_confidence: '0.6'\n", "key 'judge.flag_below_confidence' must be float"),
    ("retrieval: 5\n", "retrieval must be a mapping"),
    ("- a\n- b\n", "top level must be a mapping"),
    ("models:\n  spacy: [a, b]\n", "key 'models.spacy' must be str"),
    ("retrieval: [\n", "not valid YAML at line"),
    ("retrieval:\n  top_k: 0\n", "key 'retrieval.top_k' is out of range"),
    ("retrieval:\n  min_similarity: 1.2\n", "key 'retrieval.min_similarity' is out of range"),
    ("judge:\n  supported_similarity: 5\n", "key 'judge.supported_similarity' is out of range (must be between 0 and 1, got 5.0)"),
    ("judge:\n  open_ended_topic_overlap: -0.1\n", "key 'judge.open_ended_topic_overlap' is out of range"),
    ("judge:\n  contradiction_topic_overlap: high\n", "key 'judge.contradiction_topic_overlap' must be float"),
])
def test_unknown_keys_and_wrong_types(tmp_path, capsys, config, expected):
    assert expected in _cli_error(tmp_path, capsys, config)


@pytest.mark.parametrize(("cron", "why"), [
    ("61 * * * *", "Bad minute"),
    ("* * *", "Wrong number of fields"),
    ("every hour", "Wrong number of fields"),
    ("*/0 * * * *", "Bad minute"),
    ("0 0 30 2 *", "Bad day-of-month"),  # 30 February never comes: the schedule would never run
    ("0 0 * * 8", "Bad day-of-week"),
    ("", "Wrong number of fields"),
])
def test_bad_cron_strings(tmp_path, capsys, cron, why):
    err = _cli_error(tmp_path, capsys, f"schedules:\n  check_inbox:\n    cron: '{cron}'\n")
    assert "key 'schedules.check_inbox.cron'" in err and "not a valid cron string" in err and why in err


@pytest.mark.parametrize("cron", ["*/15 * * * *", "0 6 * * MON-FRI", "0,30 8-18 * * *", "@daily", "@hourly", "0 0 1 * *"])
def test_good_cron_strings_load(cron):
    assert cron_problem(cron) is None


def test_cron_and_timezone_in_the_recheck_schedule(tmp_path, capsys):
    assert "schedules.recheck.cron" in _cli_error(tmp_path, capsys, "schedules:\n  recheck:\n    cron: '0 25 * * *'\n")
    assert "schedules.timezone" in _cli_error(tmp_path, capsys, "schedules:\n  timezone: Mars/Olympus\n")


def test_missing_config_file(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.yaml"), "sql", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert "config file not found" in err and "nope.yaml" in err


def test_database_in_a_missing_folder(tmp_path, capsys):
    err = _cli_error(tmp_path, capsys, "database: no/such/folder/claimdesk.duckdb\n")
    assert "key 'database'" in err and "does not exist" in err
    # The same through --db.
    assert main(["--db", str(tmp_path / "gone" / "x.duckdb"), "sql", "SELECT 1"]) == 2
    assert "gone does not exist" in capsys.readouterr().err


def test_database_path_that_is_a_folder(tmp_path, capsys):
    (tmp_path / "db.duckdb").mkdir()
    assert "is a folder" in _cli_error(tmp_path, capsys, "database: db.duckdb\n", "sql", "--write", "SELECT 1")


def _read_only_folder(tmp_path: Path) -> Path | None:
    """A folder this process really cannot write: chmod 555 for a normal user; for root
    (which ignores permission bits) a read-only system folder if there is one."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    if not writable_folder(folder):
        return folder
    folder.chmod(0o755)
    for candidate in (Path("/proc/sys"), Path("/sys/fs")):
        if candidate.is_dir() and not os.access(candidate, os.W_OK):
            return candidate
    return None


def test_database_in_a_read_only_folder(tmp_path, capsys):
    folder = _read_only_folder(tmp_path)
    if folder is None:
        pytest.skip("running as root with no read-only folder: permission bits do not stop root")
    try:
        # Writing is refused in one line before DuckDB is asked to create anything.
        err = _cli_error(tmp_path, capsys, f"database: {folder}/claimdesk.duckdb\n", "sql", "--write", "SELECT 1")
        assert "read-only" in err and str(folder) in err
        with pytest.raises(Exception, match="read-only"):
            connect(folder / "claimdesk.duckdb")
    finally:
        if folder.is_relative_to(tmp_path):
            folder.chmod(0o755)


def test_writable_folder_check(tmp_path):
    assert writable_folder(tmp_path)
    assert not writable_folder(tmp_path / "missing")
