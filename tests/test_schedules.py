"""`claimdesk serve`: the schedules from config.yaml, their next run times, and a real
served schedule (1-minute cron, its own Prefect server) checking a new inbox file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimdesk.errors import ConfigError
from flows import service
from flows.cli import main
from flows.serve_cmd import _healthy, next_run
from store.db import session

from .conftest import DEMO, REPO


def _config(tmp_path: Path, schedules: str) -> Path:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"database: test.duckdb\nschedules:\n{schedules}")
    return cfg


def test_dry_run_lists_every_schedule_with_its_next_run(tmp_path, capsys):
    cfg = _config(tmp_path, '  timezone: Europe/Berlin\n  check_inbox:\n    cron: "*/5 * * * *"\n    inbox: "in, more"\n'
                            '  recheck:\n    cron: "30 2 * * *"\n')
    assert main(["--config", str(cfg), "serve", "--dry-run"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith(("check_inbox", "recheck"))}
    assert "*/5 * * * *" in lines["check_inbox"] and "Europe/Berlin" in lines["check_inbox"]
    assert f"{tmp_path / 'in'}, {tmp_path / 'more'}" in lines["check_inbox"] and "flow check_inbox" in lines["check_inbox"]
    assert "30 2 * * *" in lines["recheck"] and "flow recheck_claims" in lines["recheck"]
    assert " 02:30 " in lines["recheck"]  # next run, in the schedule's own time zone
    assert "does not exist yet" in out


def test_next_run_follows_the_time_zone_across_daylight_saving():
    # Friday 6 March 2026, 15:00 UTC; New York moves to EDT on Sunday 8 March.
    friday = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)
    monday = next_run("0 9 * * 1-5", "America/New_York", "k", after=friday)
    assert monday.astimezone(dt.UTC) == dt.datetime(2026, 3, 9, 13, 0, tzinfo=dt.UTC)  # 09:00 EDT
    assert next_run("0 9 * * 1-5", "America/New_York", "k", after=dt.datetime(2026, 3, 5, 15, 0, tzinfo=dt.UTC)
                    ).astimezone(dt.UTC).hour == 14  # 09:00 EST the day before


def test_bad_cron_or_time_zone_is_one_line_naming_the_key(tmp_path, capsys):
    cfg = _config(tmp_path, '  recheck:\n    cron: "61 * * * *"\n')
    assert main(["--config", str(cfg), "serve", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "schedules.recheck.cron" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(ConfigError):
        next_run("every day", "UTC", "schedules.check_inbox.cron")
    cfg = _config(tmp_path, "  timezone: Mars/Olympus\n")
    assert main(["--config", str(cfg), "serve", "--dry-run"]) == 2
    assert "schedules.timezone" in capsys.readouterr().err


@pytest.mark.slow
def test_served_schedule_checks_a_new_inbox_file(settings, tmp_path):
    """`claimdesk serve` in its own process with a 1-minute check_inbox schedule: no
    PREFECT_API_URL, so it starts a Prefect server (scheduler included) and stops it on exit."""
    cfg = _config(tmp_path, '  server_port: 0\n  check_inbox:\n    cron: "* * * * *"\n    inbox: inbox\n'
                            '  recheck:\n    cron: "0 0 1 1 *"\n')
    db = tmp_path / "test.duckdb"
    service.index_sources([str(DEMO / "sources")], dataclasses.replace(settings, database=str(db)))
    (tmp_path / "inbox").mkdir()
    shutil.copy(DEMO / "articles" / "baby-botox-trend.txt", tmp_path / "inbox" / "new.txt")

    # As from a shell: no Prefect server, no logging level chosen (the test session set WARNING).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "PREFECT_LOGGING_LEVEL"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_RUNNER_POLL_FREQUENCY="2")
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "--config", str(cfg), "serve", "--no-desk"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    checked = None
    try:
        deadline = time.monotonic() + 300  # a bound, not a speed check: slow only on a loaded machine
        while time.monotonic() < deadline and proc.poll() is None and checked is None:
            time.sleep(3)
            if db.exists():
                with session(db, read_only=True) as con:
                    checked = con.execute("SELECT count(*), any_value(details->>'prefect_flow_run_id') FROM runs"
                                          " WHERE kind = 'check' AND status = 'completed' HAVING count(*) > 0").fetchone()
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            # A loaded machine can make the graceful stop slow; what is tested is the run itself.
            proc.terminate()
            try:
                out, _ = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert checked is not None, out[-3000:]
    with session(db, read_only=True) as con:
        paths = [r[0] for r in con.execute("SELECT path FROM articles").fetchall()]
        n_claims = con.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert paths == [str(tmp_path / "inbox" / "new.txt")] and n_claims >= 8
    assert "check_inbox" in out and "Prefect server: http://127.0.0.1:" in out
    assert "[1/1]" in out  # progress lines reach the served run's log at INFO
    url = out.split("Prefect server: ")[1].split()[0]
    gone = time.monotonic() + 30
    while _healthy(f"{url}/api") and time.monotonic() < gone:
        time.sleep(1)
    assert not _healthy(f"{url}/api")  # the server `serve` started is gone with it
