"""The review desk under load: page latency for concurrent readers, with a flow writing.

    python -m benchmarks.desk_load [--claims 100000] [--readers 20] [--seconds 30] [--db PATH]
                                   [--with-writer] [--writer-pause 0.2] [--writer-fold-every 5] [--writer-bulk]
                                   [--think 0] [--json FILE]

Builds (or reuses) a synthetic database of N claims (benchmarks/desk_db.py), starts
`claimdesk review` on a free 127.0.0.1 port in a child process, signs one editor in and
runs R reader threads, each a keep-alive HTTP connection asking for one page after
another (closed loop; with --think T each pauses T seconds on average between pages, as
an editor reading them would), over a mix of the desk's read pages: the queue (a
random status tab and one of its first pages), a random claim, a random article, and
each one's JSON twin. With --with-writer a second child process does what a check flow
does to the database meanwhile: one write session per article (`store.db.session`, the
write-ahead log folded every 5th article as the pipeline does), an article with 10
claims, their matches and verdicts, then --writer-pause seconds of "model work" (the log is folded
into the main file every --writer-fold-every sessions, 0: only once at the end); one INSERT a row, or
with --writer-bulk one a table, as the pipeline writes an article (store/writes.py).

Prints p50/p95/p99 latency, pages/s and errors (a non-200 answer or a failed request)
per page kind and overall, and the writer's commits, its median and longest wait for
the database (opening the session) and its longest session. Bounded: the readers and
the writer stop after --seconds, then the desk is stopped. Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks import desk_db
from benchmarks._common import REPO, header_lines
from claimdesk.processes import stop_process

KINDS = ("queue", "queue.json", "claim", "claim.json", "article", "article.json")
STATUSES = ("all", "flagged", "unreviewed", "reviewed")
FAILURES: list[str] = []  # what the failed pages answered, to print a few


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


@contextlib.contextmanager
def desk(db: Path, port: int, log: Path) -> Iterator[None]:
    """`claimdesk review` over `db` on 127.0.0.1:`port` until the block ends."""
    code = "import sys; from flows.cli import main; sys.exit(main(sys.argv[1:]))"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code, "--db", str(db), "review", "--port", str(port)],
                                cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the desk did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield
    finally:
        stop_process(proc)


def _cookies(resp: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in resp.headers.get_all("set-cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";")[0]


def sign_in(port: int) -> str:
    """The Cookie header of a signed-in editor (through the login form, CSRF token and all)."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    jar: dict[str, str] = {}
    con.request("GET", "/login")
    resp = con.getresponse()
    page = resp.read().decode()
    _cookies(resp, jar)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not token:
        raise RuntimeError("no CSRF token on the login page")
    body = urlencode({"name": desk_db.EDITOR, "password": desk_db.PASSWORD, "csrf_token": token.group(1), "next": "/"})
    con.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    resp = con.getresponse()
    resp.read()
    _cookies(resp, jar)
    con.close()
    if resp.status != 303 or "claimdesk_session" not in " ".join(jar):
        raise RuntimeError(f"sign-in failed: HTTP {resp.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _path(kind: str, rng: random.Random, claims: int) -> str:
    articles = max(1, claims // desk_db.CLAIMS_PER_ARTICLE)
    if kind.startswith("queue"):
        params = {"status": rng.choice(STATUSES), "page": rng.randint(1, 4)}
        return ("/queue.json" if kind.endswith("json") else "/") + "?" + urlencode(params)
    if kind.startswith("claim"):
        return f"/claims/c-{rng.randrange(claims)}" + (".json" if kind.endswith("json") else "")
    return f"/articles/art-{rng.randrange(articles)}" + (".json" if kind.endswith("json") else "")


def reader(port: int, cookie: str, claims: int, until: float, seed: int, out: list[tuple[str, float, bool]],
           think: float = 0.0) -> None:
    """Ask for pages until `until`, pausing `think` seconds on average (exponential) between them;
    append (kind, seconds, ok) per page."""
    rng = random.Random(seed)
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        if think > 0:
            time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.monotonic())))
            if time.monotonic() >= until:
                break
        kind = rng.choice(KINDS)
        t0 = time.perf_counter()
        path = _path(kind, rng, claims)
        try:
            try:
                con.request("GET", path, headers={"Cookie": cookie})
                resp = con.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the idle keep-alive connection (uvicorn: after 5 s) as this
                # request went out: what a browser does, open a new one and ask again.
                con.close()
                con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                con.request("GET", path, headers={"Cookie": cookie})
                resp = con.getresponse()
            body = resp.read()
            ok = resp.status == 200
            if not ok:
                FAILURES.append(f"{kind}: HTTP {resp.status} {body[:120]!r}")
        except (OSError, http.client.HTTPException) as exc:
            ok = False
            FAILURES.append(f"{kind}: {type(exc).__name__} {exc}")
            con.close()
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append((kind, time.perf_counter() - t0, ok))
    con.close()


_WRITER = """
import json, sys, time
from store.db import session, transaction, checkpoint
db, seconds, pause, every, bulk = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
until = time.monotonic() + seconds
waits, spans, n = [], [], 0
while time.monotonic() < until:
    t0 = time.perf_counter()
    with session(db, fold=every > 0 and n % every == every - 1) as con:
        waits.append(time.perf_counter() - t0)
        with transaction(con):
            a = f"w-{time.time_ns()}"
            con.execute("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES (?, ?, ?, ?, ?)",
                        [a, f"articles/{a}.txt", f"Writer article {a}", "In 2024 the share rose to 50%. " * 10, a])
            if bulk:  # each table's rows in one statement, as the pipeline writes them (store/writes.py)
                con.execute("INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end,"
                            " claim_text, start_char, end_char, claim_type, checkable, extractor, extractor_version)"
                            " SELECT $a || '-' || i, $a, 'In 2024 the share rose to 50%.', 31 * i, 31 * i + 30,"
                            " 'the share rose to 50%', 31 * i + 8, 31 * i + 29, 'statistical', true, 'bench', '1'"
                            " FROM range(10) t(i)", {"a": a})
                con.execute("INSERT INTO matches (claim_id, statement_id, rank, similarity)"
                            " SELECT $a || '-' || i, 'st-1', 1, 0.8 FROM range(10) t(i)", {"a": a})
                con.execute("INSERT INTO verdicts (claim_id, verdict, confidence, flagged, explanation, judge_version)"
                            " SELECT $a || '-' || i, 'supported', 0.8, false, 'writer', 'judge-bench'"
                            " FROM range(10) t(i)", {"a": a})
            for i in range(0 if bulk else 10):
                c = f"{a}-{i}"
                con.execute("INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end,"
                            " claim_text, start_char, end_char, claim_type, checkable, extractor, extractor_version)"
                            " VALUES (?, ?, 'In 2024 the share rose to 50%.', ?, ?, 'the share rose to 50%', ?, ?,"
                            " 'statistical', true, 'bench', '1')", [c, a, 31 * i, 31 * i + 30, 31 * i + 8, 31 * i + 29])
                con.execute("INSERT INTO matches (claim_id, statement_id, rank, similarity) VALUES (?, 'st-1', 1, 0.8)", [c])
                con.execute("INSERT INTO verdicts (claim_id, verdict, confidence, flagged, explanation, judge_version)"
                            " VALUES (?, 'supported', 0.8, false, 'writer', 'judge-bench')", [c])
    spans.append(time.perf_counter() - t0)
    n += 1
    time.sleep(pause)
checkpoint(db)
waits.sort()
print(json.dumps({"commits": n, "wait_p50": waits[len(waits) // 2] if waits else None,
                  "wait_max": max(waits, default=None), "session_max": max(spans, default=None)}))
"""


def _summary(results: list[tuple[str, float, bool]], seconds: float) -> dict[str, Any]:
    def block(rows: list[tuple[str, float, bool]]) -> dict[str, Any]:
        lat = [t for _, t, _ in rows]
        return {"pages": len(rows), "errors": sum(1 for *_, ok in rows if not ok),
                "p50_ms": round(_pct(lat, 50) * 1000, 1), "p95_ms": round(_pct(lat, 95) * 1000, 1),
                "p99_ms": round(_pct(lat, 99) * 1000, 1), "pages_per_s": round(len(rows) / seconds, 1)}

    out = {"all": block(results)}
    for kind in KINDS:
        out[kind] = block([r for r in results if r[0] == kind])
    return out


def run(db: Path, claims: int, readers: int, seconds: float, *, with_writer: bool, writer_pause: float,
        think: float = 0.0, fold_every: int = 5, bulk: bool = False) -> dict[str, Any]:
    """One bounded load run against a fresh desk process; the figures as a dict."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp, desk(db, port, Path(tmp) / "desk.log"):
        cookie = sign_in(port)
        writer = None
        if with_writer:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
            writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), str(seconds), str(writer_pause),
                                       str(fold_every), "1" if bulk else "0"],
                                      cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        results: list[tuple[str, float, bool]] = []
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=reader, args=(port, cookie, claims, until, i, results, think)) for i in range(readers)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        summary: dict[str, Any] = {"pages": _summary(results, elapsed), "failures": sorted(set(FAILURES))[:5]}
        if writer is not None:
            try:
                stdout, stderr = writer.communicate(timeout=seconds + 120)
            except subprocess.TimeoutExpired:
                writer.kill()
                stdout, stderr = writer.communicate()
            lines = stdout.strip().splitlines()
            summary["writer"] = json.loads(lines[-1]) if writer.returncode == 0 and lines else {
                "error": (stderr.strip().splitlines() or ["no output"])[-1]}
    return summary


def _print(summary: dict[str, Any]) -> None:
    for kind, b in summary["pages"].items():
        print(f"desk  {kind:<13} p50 {b['p50_ms']:>7.1f} ms  p95 {b['p95_ms']:>7.1f} ms  p99 {b['p99_ms']:>7.1f} ms  "
              f"{b['pages_per_s']:>6.1f} pages/s  {b['pages']:>6} pages  {b['errors']} errors")
    for failure in summary.get("failures", []):
        print(f"failed  {failure}")
    w = summary.get("writer")
    if w is not None:
        if "error" in w:
            print(f"writer  failed: {w['error']}")
        else:
            print(f"writer  {w['commits']} commits  wait p50 {w['wait_p50'] * 1000:.0f} ms  "
                  f"longest wait {w['wait_max'] * 1000:.0f} ms  longest session {w['session_max'] * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.desk_load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--db", help="database to use (built with --claims claims if it does not exist)")
    ap.add_argument("--with-writer", action="store_true", help="a flow-like writer process writes meanwhile")
    ap.add_argument("--writer-pause", type=float, default=0.2, help="seconds of 'model work' between articles")
    ap.add_argument("--writer-fold-every", type=int, default=5,
                    help="fold the write-ahead log every N write sessions, as the pipeline does (0: only at the end)")
    ap.add_argument("--writer-bulk", action="store_true",
                    help="the writer inserts each table's rows of an article in one statement, as the pipeline does")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean pause of a reader between pages, seconds (default 0: the next page at once)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--no-header", action="store_true")
    args = ap.parse_args(argv)
    db = Path(args.db or Path(tempfile.gettempdir()) / f"claimdesk-desk-load-{args.claims}.duckdb")
    if not db.exists():
        t0 = time.perf_counter()
        desk_db.build(db, args.claims)
        print(f"built {db} ({args.claims} claims) in {time.perf_counter() - t0:.1f} s")
    if not args.no_header:
        print("\n".join(header_lines()))
    print(f"database  {db}  " + " ".join(f"{k}={v}" for k, v in desk_db.counts(db).items()))
    summary = run(db, args.claims, args.readers, args.seconds, with_writer=args.with_writer,
                  writer_pause=args.writer_pause, think=args.think, fold_every=args.writer_fold_every,
                  bulk=args.writer_bulk)
    summary["args"] = {k: v for k, v in vars(args).items() if k != "json"}
    _print(summary)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
