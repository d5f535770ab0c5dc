"""Check an article from the review desk with warm models: submit to last verdict.

    python -m benchmarks.desk_check [--runs 3] [--words 1000] [--workdir DIR] [--json FILE]

As under `claimdesk serve`: a Prefect server runs (PREFECT_API_URL, else Prefect's
temporary server started here, `flows.quick_start.start_temporary_server`), the desk app has a `DeskChecker`
whose models are loaded, and one warm-up check has run. Then each run pastes a
different article of about `--words` words (paragraphs of generated benchmark articles,
`benchmarks.corpus`, whose sources are indexed first) into the form as a signed-in
editor (an HTTP POST through Starlette's TestClient) and polls the job's JSON every
20 ms until it is done: the time from the POST to the job being done, which is when the
article, its claims and their verdicts are committed (one transaction) and the article
page shows them. Issue #16's goal: ≤ 2 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks._common import REPO, Reporter, cpu_seconds, run_reported
from benchmarks.corpus import generate


def articles_of(folder: Path, n: int, words: int) -> list[tuple[str, str]]:
    """`n` (title, text) pairs of about `words` words each, from the generated articles' paragraphs."""
    paragraphs = []
    for path in sorted(folder.glob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    out, at = [], 0
    for i in range(n):
        chosen: list[str] = []
        while sum(len(p.split()) for p in chosen) < words and at < len(paragraphs):
            chosen.append(paragraphs[at])
            at += 1
        out.append((f"Desk benchmark article {i + 1}", "\n\n".join(chosen)))
    return out


def run(args: argparse.Namespace, rep: Reporter) -> None:
    import contextlib

    from flows import quick_start
    from flows.prefect_env import configure

    work = Path(args.workdir or tempfile.mkdtemp(prefix="claimdesk-desk-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(work / "prefect"))
    configure()
    with contextlib.ExitStack() as stack:
        if not os.environ.get("PREFECT_API_URL"):
            proc, url = quick_start.start_temporary_server()
            stack.callback(proc.terminate)
            if not quick_start.wait_until_up(proc, url, timeout=600):
                raise SystemExit("the Prefect server did not start")
            os.environ["PREFECT_API_URL"] = url
        measure(args, rep, work)


def measure(args: argparse.Namespace, rep: Reporter, work: Path) -> None:
    from starlette.testclient import TestClient

    from claimdesk.settings import load_settings
    from flows import service
    from review.app import create_app
    from review.auth import hash_password
    from review.submit import DeskChecker
    from store import accounts
    from store.db import session

    corpus = generate(work / "corpus", 40, seed=args.seed, n_sources=12)
    settings = dataclasses.replace(load_settings(REPO / "config.yaml"), database=str(work / "desk.duckdb"))
    Path(settings.database).unlink(missing_ok=True)
    service.index_sources([str(corpus.sources_dir)], settings)
    password = "desk benchmark password"
    with session(settings.database) as con:
        accounts.add_user(con, "Bench Editor", "editor", hash_password(password), actor="bench", address="bench")
    checker = DeskChecker(settings, warm=True).start()  # indexing above loaded the models already
    client = TestClient(create_app(settings.database, checker=checker))
    token = _sign_in(client, password)
    texts = articles_of(corpus.articles_dir, args.runs + 1, args.words)
    warm = _check(client, token, *texts[0])
    rep.fig("desk", "warm-up check (first flow run of the process)", warm[0], "s", f"{warm[1]} claims")
    times = []
    for i, (title, text) in enumerate(texts[1:]):
        cpu = cpu_seconds()
        seconds, claims = _check(client, token, title, text)
        times.append(seconds)
        rep.fig("desk", f"run {i + 1}: submit to last verdict", seconds, "s",
                f"{len(text.split())} words, {claims} claims, CPU {cpu_seconds() - cpu:.1f}s (whole process), "
                f"load {os.getloadavg()[0]:.1f}")
    rep.fig("desk", "median submit to last verdict", statistics.median(times), "s", f"{len(times)} runs; goal ≤ 2 s")
    checker.stop()


def _sign_in(client: object, password: str) -> str:
    from bs4 import BeautifulSoup

    def token(page: str) -> str:
        return str(BeautifulSoup(client.get(page).text, "html.parser").select_one("input[name=csrf_token]")["value"])

    r = client.post("/login", data={"name": "Bench Editor", "password": password, "csrf_token": token("/login"),
                                    "next": "/"}, follow_redirects=False)
    if r.status_code != 303:
        raise SystemExit(f"sign-in failed: {r.status_code}")
    return token("/check")


def _check(client: object, token: str, title: str, text: str) -> tuple[float, int]:
    t = time.perf_counter()
    r = client.post("/check", data={"title": title, "text": text, "csrf_token": token}, follow_redirects=False)
    if r.status_code != 303:
        raise SystemExit(f"submit failed: {r.status_code} {r.text[:300]}")
    while True:
        status = client.get(r.headers["location"] + ".json")
        job = status.json() if status.status_code == 200 else {}
        if job.get("finished"):
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - t
    if job["state"] != "done":
        raise SystemExit(f"the check failed: {job['message']}")
    return seconds, int(job["claims"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.desk_check", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", metavar="DIR")
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args(argv)
    return run_reported("desk", lambda rep: run(a, rep), json_path=a.json)


if __name__ == "__main__":
    raise SystemExit(main())
