"""The `claimdesk` command: a thin layer over the flows and the store.

Every user-facing failure is one line on stderr naming the file or key, with exit
status 1 when some inputs failed and 2 for bad usage, config or database.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk import __version__
from claimdesk.errors import ClaimdeskError, ConfigError
from claimdesk.settings import REPO_CONFIG, Settings, load_settings

if TYPE_CHECKING:
    from flows.pipeline import RunSummary

DEMO_DIR = REPO_CONFIG.parent / "data" / "demo"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="claimdesk",
        description="Check the statistics in news articles against their source documents; results land in DuckDB.",
        epilog="Run `claimdesk COMMAND --help` for a command's options. Docs: README.md and docs/.",
    )
    p.add_argument("--config", metavar="FILE", help="config file (default: ./config.yaml, else the bundled one)")
    p.add_argument("--db", metavar="FILE", help="DuckDB database file (overrides `database` in the config)")
    p.add_argument("--version", action="version", version=f"claimdesk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="index the bundled demo sources, check the demo articles, print the review queue")
    d.add_argument("--quiet", action="store_true", help="no progress lines")

    s = sub.add_parser("sources", help="manage source documents")
    ssub = s.add_subparsers(dest="sources_command", metavar="ACTION")
    sa = ssub.add_parser("add", help="index source documents (files or folders: txt, md, html, pdf, csv)",
                         description="Index source documents. Unchanged files (same content hash) are skipped; when "
                                     "every input is unchanged, no Prefect flow is started.")
    sa.add_argument("paths", nargs="+", metavar="PATH")
    sa.add_argument("--quiet", action="store_true", help="no progress lines")

    c = sub.add_parser("check", help="check articles (files, folders or URLs) against the indexed sources",
                       description="Check articles against the indexed sources. Unchanged articles (same content hash) "
                                   "are skipped; when every input is an unchanged file, no Prefect flow is started. "
                                   "An unreadable file, or an article that hits an unexpected error, is one line on "
                                   "stderr and is skipped; the rest are checked, and the exit status is 1.")
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.add_argument("--force", action="store_true", help="re-check articles even when unchanged")
    c.add_argument("--quiet", action="store_true", help="no progress lines")

    r = sub.add_parser("review", help="start the editors' review web app on 127.0.0.1")
    r.add_argument("--host", help="address to bind (default from config: 127.0.0.1)")
    r.add_argument("--port", type=int, help="port (default from config)")

    sv = sub.add_parser("serve", help="run the scheduled flows from config.yaml (check_inbox, recheck)")
    sv.add_argument("--dry-run", action="store_true", help="print each schedule and its next run time, then exit")

    rc = sub.add_parser("recheck", help="re-judge stored claims against sources added or changed since their last judgement")
    rc.add_argument("--all", action="store_true", help="re-judge every stored claim")
    rc.add_argument("--quiet", action="store_true", help="no progress lines")

    sub.add_parser("doctor", help="check the database: integrity, orphans, duplicates, views")

    rp = sub.add_parser("report", help="write a self-contained HTML report of one article")
    rp.add_argument("article_id", metavar="ARTICLE_ID")
    rp.add_argument("--out", metavar="PATH", required=True, help="output .html file")
    rp.add_argument("--force", action="store_true", help="replace PATH if it exists")

    q = sub.add_parser("sql", help="run a read-only SQL query against the database")
    q.add_argument("query", metavar="SQL")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument("--write", action="store_true", help="allow statements that change the database")

    e = sub.add_parser("export", help="export claim verdicts (ClaimReview JSON-LD, csv, parquet)")
    e.add_argument("--format", choices=["claimreview", "csv", "parquet"], required=True)
    e.add_argument("--out", metavar="PATH", help="output file (default: claim_verdicts.csv/.parquet, claimreview.jsonld)")
    e.add_argument("--reviewed-only", action="store_true", help="only claims an editor has reviewed")
    e.add_argument("--force", action="store_true", help="replace the output file if it exists")

    ev = sub.add_parser("eval", help="score against a labelled set: GOLD_DIR holds gold.jsonl, articles/ and sources/")
    ev.add_argument("gold_dir", metavar="GOLD_DIR")
    ev.add_argument("--json", action="store_true", help="print the figures as one JSON object")

    x = sub.add_parser("extract", help="claims and check-worthiness per sentence as JSON lines; no database")
    x.add_argument("file", metavar="FILE|-")
    x.add_argument("--lines", action="store_true", help="treat each input line as its own document")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        settings = load_settings(args.config, database=args.db)
        return _dispatch(args, settings, parser)
    except ConfigError as exc:
        print(f"claimdesk: config error: {exc}", file=sys.stderr)
        return 2
    except ClaimdeskError as exc:
        print(f"claimdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimdesk: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings, parser: argparse.ArgumentParser) -> int:
    cmd = args.command
    if cmd == "sources":
        if args.sources_command != "add":
            parser.parse_args(["sources", "--help"])
        return _sources_add(args.paths, settings, quiet=args.quiet)
    if cmd == "check":
        return _check(args.paths, settings, quiet=args.quiet, force=args.force)
    if cmd == "demo":
        return _demo(settings, quiet=args.quiet)
    if cmd == "sql":
        from flows.sql_cmd import run_sql

        return run_sql(settings, args.query, fmt=args.format, write=args.write)
    if cmd == "eval":
        return _eval(Path(args.gold_dir), settings, as_json=args.json)
    if cmd == "extract":
        from flows.extract_cmd import run_extract

        return run_extract(args.file, settings, lines=args.lines)
    if cmd == "export":
        from flows.sql_cmd import run_export

        return run_export(settings, fmt=args.format, out=args.out, reviewed_only=args.reviewed_only, force=args.force)
    if cmd == "review":
        from flows.review_cmd import run_review

        run_review(str(settings.resolve(settings.database)), args.host or settings.review.host, args.port or settings.review.port)
        return 0
    if cmd == "serve":
        from flows.serve_cmd import run_serve

        return run_serve(settings, dry_run=args.dry_run)
    if cmd == "recheck":
        from flows.serve_cmd import run_recheck

        return run_recheck(settings, all_claims=args.all, quiet=args.quiet)
    if cmd == "doctor":
        from flows.doctor_cmd import run_doctor

        return run_doctor(settings)
    if cmd == "report":
        from flows.report_cmd import run_report

        return run_report(settings, args.article_id, args.out, force=args.force)
    parser.print_help()
    return 2


def _print_errors(errors: list[str]) -> None:
    for e in errors:
        print(f"claimdesk: skipped {e}", file=sys.stderr)


def _unchanged(paths: list[str], settings: Settings, *, kind: str, quiet: bool) -> RunSummary | None:
    """The run's summary when every input is unchanged, without importing Prefect or the
    models (`flows.pipeline.unchanged_run`); None when there is work for a flow."""
    from flows.pipeline import record_unchanged_run, unchanged_run

    summary = unchanged_run(paths, settings, kind=kind)
    if summary is None:
        return None
    record_unchanged_run(settings, summary)
    if not quiet:
        total = len(summary.skipped) + len(summary.errors)
        if summary.skipped:
            print(f"[{len(summary.skipped)}/{total}] {len(summary.skipped)} unchanged, skipped", file=sys.stderr, flush=True)
        if summary.errors:
            print(f"[{total}/{total}] {len(summary.errors)} unreadable, skipped", file=sys.stderr, flush=True)
    return summary


def _sources_add(paths: list[str], settings: Settings, *, quiet: bool) -> int:
    summary = _unchanged(paths, settings, kind="sources", quiet=quiet)
    if summary is None:
        from flows.flows import index_sources

        summary = index_sources(paths, settings, progress=not quiet)
    _print_errors(summary.errors)
    print(f"sources: {len(summary.processed)} indexed, {len(summary.skipped)} unchanged, {len(summary.errors)} failed; "
          f"{summary.claims} statements")
    return 1 if summary.errors else 0


def _check(paths: list[str], settings: Settings, *, quiet: bool, force: bool) -> int:
    summary = None if force else _unchanged(paths, settings, kind="check", quiet=quiet)
    if summary is None:
        from flows.flows import check_articles

        summary = check_articles(paths, settings, progress=not quiet, force=force)
    _print_errors(summary.errors)
    _print_summary(summary)
    return 1 if summary.errors else 0


def _print_summary(summary: object) -> None:
    from flows.pipeline import RunSummary

    assert isinstance(summary, RunSummary)
    print(f"articles: {len(summary.processed)} checked, {len(summary.skipped)} unchanged, {len(summary.errors)} failed; "
          f"{summary.claims} claims in {summary.seconds:.1f}s")
    if summary.verdicts:
        width = max(len(k) for k in summary.verdicts)
        print(f"{'verdict'.ljust(width)}  claims")
        for k in ("contradicted", "misrepresented", "unverifiable", "supported", "not_checkable"):
            if k in summary.verdicts:
                print(f"{k.ljust(width)}  {summary.verdicts[k]:>6}")


def _demo(settings: Settings, *, quiet: bool) -> int:
    from flows.flows import check_articles, index_sources
    from store import reads
    from store.db import session

    src = index_sources([str(DEMO_DIR / "sources")], settings, progress=not quiet)
    _print_errors(src.errors)
    summary = check_articles([str(DEMO_DIR / "articles")], settings, progress=not quiet)
    _print_errors(summary.errors)
    _print_summary(summary)
    with session(str(settings.resolve(settings.database))) as con:
        queue = reads.review_queue(con)
    print_queue(queue)
    print(f"\nDatabase: {settings.resolve(settings.database)}  —  open the review desk with `claimdesk review`.")
    return 1 if (src.errors or summary.errors) else 0


def print_queue(queue: list[dict[str, object]]) -> None:
    print("\nReview queue (problems first):")
    for row in queue:
        flag = "FLAG" if row["flagged"] else "    "
        print(f"\n{flag} {str(row['verdict']).upper():<15} conf {float(row['confidence'] or 0):.2f}  [{row['article_title']}]")
        print(f"     claim:    {row['claim_text']}")
        if row.get("evidence_text"):
            print(f"     evidence: {row['evidence_text']}  ({row['source_title']})")
        print(f"     why:      {row['explanation']}")


def _eval(gold_dir: Path, settings: Settings, *, as_json: bool) -> int:
    from claims.evaluation import SystemClaim, load_gold, score
    from flows.flows import check_articles, index_sources
    from store import reads
    from store.db import session

    gold_file = gold_dir / "gold.jsonl"
    if not gold_file.exists():
        raise ClaimdeskError("no gold.jsonl in this folder", path=str(gold_dir))
    gold = load_gold(gold_file)
    # Index and check the set first; unchanged files are skipped, so this is cheap after
    # an explicit `sources add` + `check`.
    if (gold_dir / "sources").exists():
        index_sources([str(gold_dir / "sources")], settings, progress=False)
    check_articles([str(gold_dir / "articles")], settings, progress=False)
    with session(str(settings.resolve(settings.database))) as con:
        rows = reads.claims_for_eval(con)
        texts = {Path(p).name: t for p, t in reads.article_texts(con).items()}
    names = {g.article for g in gold}
    claims = [SystemClaim(Path(str(r["article_path"])).name, str(r["claim_id"]), str(r["claim_text"]), int(r["start_char"]),
                          int(r["end_char"]), str(r["verdict"])) for r in rows if Path(str(r["article_path"])).name in names]
    rep = score(gold, texts, claims)
    figs = rep.figures()
    if as_json:
        print(json.dumps(figs))
    else:
        print(f"gold claims:            {rep.gold}")
        print(f"recall:                 {rep.recall:.3f}  ({rep.found}/{rep.checkable_gold} checkable gold claims found)")
        print(f"verdict accuracy:       {rep.accuracy:.3f}  ({rep.exact}/{rep.gold})")
        print(f"flag accuracy:          {rep.flag_accuracy:.3f}  ({rep.flag_right}/{rep.gold})")
        print(f"errors caught:          {rep.errors_caught}/{rep.errors_total}")
        print(f"false alarms (supported flagged as problems): {rep.false_alarms}/{rep.supported_total}")
        print(f"extra flags:            {rep.extra_flags}")
        for m in rep.misses:
            print(f"  miss: {m}")
        for x in rep.extra:
            print(f"  extra flag: {x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
