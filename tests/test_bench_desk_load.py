"""Smoke test of the desk load benchmark (benchmarks/desk_load.py): a 300-claim database, the desk
served by `claimdesk review` in a child process, two readers and the flow-like writer for two
seconds. Checks that it runs, reads every kind of page without an error and that the writer
commits; not how fast this machine is."""

from __future__ import annotations

import json

from benchmarks import desk_load


def test_desk_load_runs_and_reports_no_errors(tmp_path, capsys):
    out = tmp_path / "load.json"
    code = desk_load.main(["--claims", "300", "--readers", "2", "--seconds", "2", "--with-writer", "--no-header",
                           "--db", str(tmp_path / "load.duckdb"), "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    figures = json.loads(out.read_text())
    pages = figures["pages"]
    assert pages["all"]["pages"] > 0 and pages["all"]["errors"] == 0
    assert sum(pages[k]["pages"] for k in desk_load.KINDS) == pages["all"]["pages"]
    assert figures["writer"]["commits"] >= 1, figures["writer"]
    assert "desk  all" in printed and "writer" in printed
