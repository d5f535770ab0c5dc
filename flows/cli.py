"""The `claimdesk` command: a thin layer over the service, the flows and the store.

Every subcommand is one row of `COMMANDS`: its name, help, argument setup and handler.
Every user-facing failure is one line on stderr naming the file or key, with exit
status 1 when some inputs failed and 2 for bad usage, config or database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk import __version__
from claimdesk.errors import ClaimdeskError, ConfigError
from claimdesk.settings import REPO_CONFIG, Settings, load_settings

if TYPE_CHECKING:
    from flows.steps import RunSummary

DEMO_DIR = REPO_CONFIG.parent / "data" / "demo"


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


@dataclass(frozen=True)
class Command:
    """One subcommand: what `--help` says, its arguments and what runs it."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Settings], int]
    description: str | None = None
    # Runs Prefect flows: Prefect's environment is set first (`flows.prefect_env.configure`).
    # `serve` sets its own (its log level differs), so it is not marked here.
    prefect: bool = False


# --- sources add / check / demo / eval: the batch runs ----------------------------------------

def _print_errors(errors: list[str]) -> None:
    for e in errors:
        print(f"claimdesk: skipped {e}", file=sys.stderr)


def _unchanged(paths: list[str], settings: Settings, *, kind: str, quiet: bool) -> RunSummary | None:
    """The run's summary when every input is unchanged, without importing Prefect or the
    models (`flows.runs.unchanged_run`); None when there is work for a flow."""
    from flows.runs import record_unchanged_run, unchanged_run

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


def _index_flow(paths: list[str], settings: Settings, *, progress: bool, force: bool = False) -> RunSummary:
    from flows.quick_start import prepare

    prepare(settings)  # as for `check`
    from flows.prefect_flows import index_sources_flow, on_runner

    return on_runner(index_sources_flow, settings)(paths, settings, progress, force)


def _check_flow(paths: list[str], settings: Settings, *, progress: bool, force: bool = False) -> RunSummary:
    from flows.quick_start import prepare

    prepare(settings)  # a running Prefect server, or one started while the models load (flows/quick_start.py)
    from flows.prefect_flows import check_articles_flow, on_runner

    return on_runner(check_articles_flow, settings)(paths, settings, progress, force)


def _sources_arguments(s: argparse.ArgumentParser) -> None:
    ssub = s.add_subparsers(dest="sources_command", metavar="ACTION")
    sa = ssub.add_parser("add", help="index source documents (files or folders: txt, md, html, pdf, csv)",
                         description="Index source documents. Unchanged files (same content hash) are skipped; when "
                                     "every input is unchanged, no Prefect flow is started.")
    sa.add_argument("paths", nargs="+", metavar="PATH")
    sa.add_argument("--quiet", action="store_true", help="no progress lines")
    sa.add_argument("--force", action="store_true",
                    help="re-index documents even when unchanged (after an upgrade that reads more statements; "
                         "then run `claimdesk recheck --all`)")
    s.set_defaults(sources_parser=s)


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    if args.sources_command != "add":
        args.sources_parser.parse_args(["--help"])
    summary = None if args.force else _unchanged(args.paths, settings, kind="sources", quiet=args.quiet)
    if summary is None:
        summary = _index_flow(args.paths, settings, progress=not args.quiet, force=args.force)
    _print_errors(summary.errors)
    print(f"sources: {len(summary.processed)} indexed, {len(summary.skipped)} unchanged, {len(summary.errors)} failed; "
          f"{summary.claims} statements")
    return 1 if summary.errors else 0


def _check_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.add_argument("--force", action="store_true", help="re-check articles even when unchanged")
    c.add_argument("--quiet", action="store_true", help="no progress lines")


def _check(args: argparse.Namespace, settings: Settings) -> int:
    summary = None if args.force else _unchanged(args.paths, settings, kind="check", quiet=args.quiet)
    if summary is None:
        summary = _check_flow(args.paths, settings, progress=not args.quiet, force=args.force)
    _print_errors(summary.errors)
    _print_summary(summary)
    return 1 if summary.errors else 0


def _print_summary(summary: RunSummary) -> None:
    print(f"articles: {len(summary.processed)} checked, {len(summary.skipped)} unchanged, {len(summary.errors)} failed; "
          f"{summary.claims} claims in {summary.seconds:.1f}s")
    if summary.verdicts:
        width = max(len(k) for k in summary.verdicts)
        print(f"{'verdict'.ljust(width)}  claims")
        for k in ("contradicted", "misrepresented", "unverifiable", "supported", "not_checkable"):
            if k in summary.verdicts:
                print(f"{k.ljust(width)}  {summary.verdicts[k]:>6}")


def _quiet_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from store import reads
    from store.db import session

    src = _index_flow([str(DEMO_DIR / "sources")], settings, progress=not args.quiet)
    _print_errors(src.errors)
    summary = _check_flow([str(DEMO_DIR / "articles")], settings, progress=not args.quiet)
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


def _eval_arguments(ev: argparse.ArgumentParser) -> None:
    ev.add_argument("gold_dir", metavar="GOLD_DIR")
    ev.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from claims.evaluation import SystemClaim, class_table, load_gold, rule_table, score
    from store import reads
    from store.db import session

    gold_dir = Path(args.gold_dir)
    gold_file = gold_dir / "gold.jsonl"
    if not gold_file.exists():
        raise ClaimdeskError("no gold.jsonl in this folder", path=str(gold_dir))
    gold = load_gold(gold_file)
    # Index and check the set first; unchanged files are skipped, so this is cheap after
    # an explicit `sources add` + `check`.
    if (gold_dir / "sources").exists():
        _index_flow([str(gold_dir / "sources")], settings, progress=False)
    _check_flow([str(gold_dir / "articles")], settings, progress=False)
    with session(str(settings.resolve(settings.database))) as con:
        rows = reads.claims_for_eval(con)
        texts = {Path(p).name: t for p, t in reads.article_texts(con).items()}
    names = {g.article for g in gold}
    claims = [SystemClaim(Path(str(r["article_path"])).name, str(r["claim_id"]), str(r["claim_text"]), int(r["start_char"]),
                          int(r["end_char"]), str(r["verdict"]), str(r["rule"] or "")) for r in rows
              if Path(str(r["article_path"])).name in names]
    rep = score(gold, texts, claims)
    if args.json:
        figures = rep.figures()
        if rep.by_class:
            figures["classes"] = {k: v.figures() for k, v in rep.by_class.items()}
        figures["rules"] = {k: {"decided": sum(v), "right": v[0]} for k, v in rep.by_rule.items()}
        print(json.dumps(figures))
        return 0
    print(f"gold claims:            {rep.gold}")
    print(f"recall:                 {rep.recall:.3f}  ({rep.found}/{rep.checkable_gold} checkable gold claims found)")
    print(f"verdict accuracy:       {rep.accuracy:.3f}  ({rep.exact}/{rep.gold})")
    print(f"flag accuracy:          {rep.flag_accuracy:.3f}  ({rep.flag_right}/{rep.gold})")
    print(f"errors caught:          {rep.errors_caught}/{rep.errors_total}")
    print(f"false alarms (supported flagged as problems): {rep.false_alarms}/{rep.supported_total}")
    print(f"extra flags:            {rep.extra_flags}  ({rep.extra_flags_outside_gold} outside any gold quote, "
          f"{rep.extra_flags_in_supported_quotes} inside quotes labelled supported)")
    for line in class_table(rep):  # per error class (gold lines' "classes"), when the gold file names any
        print(line)
    for line in rule_table(rep):  # per deciding rule: how often its verdicts are right on this set
        print(line)
    for m in rep.misses:
        print(f"  miss: {m}")
    for x in rep.extra:
        print(f"  extra flag: {x}")
    return 0


# --- the other commands: each handler is in its own module ------------------------------------

def _review_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("--host", help="address to bind (default from config: 127.0.0.1)")
    r.add_argument("--port", type=int, help="port (default from config)")
    r.add_argument("--checks", action="store_true",
                   help="let editors check articles from the desk (models load on the first one; `serve` keeps them warm)")


def _review(args: argparse.Namespace, settings: Settings) -> int:
    from flows.review_cmd import run_review

    return run_review(settings, args.host or settings.review.host, args.port or settings.review.port, checks=args.checks)


def _users_arguments(u: argparse.ArgumentParser) -> None:
    from flows.users_cmd import arguments

    arguments(u)


def _users(args: argparse.Namespace, settings: Settings) -> int:
    from flows.users_cmd import run_users

    return run_users(args, settings)


def _serve_arguments(sv: argparse.ArgumentParser) -> None:
    sv.add_argument("--dry-run", action="store_true", help="print each schedule and its next run time, then exit")
    sv.add_argument("--no-desk", action="store_true",
                    help="only the schedules: do not also serve the review desk (with warm models for checks)")


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from flows.serve_cmd import run_serve

    return run_serve(settings, dry_run=args.dry_run, desk=not args.no_desk)


def _recheck_arguments(rc: argparse.ArgumentParser) -> None:
    rc.add_argument("--all", action="store_true", help="re-judge every stored claim")
    rc.add_argument("--quiet", action="store_true", help="no progress lines")


def _recheck(args: argparse.Namespace, settings: Settings) -> int:
    from flows.serve_cmd import run_recheck

    return run_recheck(settings, all_claims=args.all, quiet=args.quiet)


def _feeds_arguments(f: argparse.ArgumentParser) -> None:
    from flows.feeds_cmd import arguments

    arguments(f)


def _feeds(args: argparse.Namespace, settings: Settings) -> int:
    from flows.feeds_cmd import run_feeds

    return run_feeds(args, settings)


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from flows.doctor_cmd import run_doctor

    return run_doctor(settings)


def _report_arguments(rp: argparse.ArgumentParser) -> None:
    rp.add_argument("article_id", metavar="ARTICLE_ID")
    rp.add_argument("--out", metavar="PATH", required=True, help="output .html file")
    rp.add_argument("--force", action="store_true", help="replace PATH if it exists")


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from flows.report_cmd import run_report

    return run_report(settings, args.article_id, args.out, force=args.force)


def _sql_arguments(q: argparse.ArgumentParser) -> None:
    q.add_argument("query", metavar="SQL")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument("--write", action="store_true", help="allow statements that change the database")


def _sql(args: argparse.Namespace, settings: Settings) -> int:
    from flows.sql_cmd import run_sql

    return run_sql(settings, args.query, fmt=args.format, write=args.write)


def _export_arguments(e: argparse.ArgumentParser) -> None:
    e.add_argument("--format", choices=["claimreview", "csv", "parquet"], required=True)
    e.add_argument("--out", metavar="PATH", help="output file (default: claim_verdicts.csv/.parquet, claimreview.jsonld)")
    e.add_argument("--reviewed-only", action="store_true", help="only claims an editor has reviewed")
    e.add_argument("--force", action="store_true", help="replace the output file if it exists")


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from flows.sql_cmd import run_export

    return run_export(settings, fmt=args.format, out=args.out, reviewed_only=args.reviewed_only, force=args.force)


def _extract_arguments(x: argparse.ArgumentParser) -> None:
    x.add_argument("file", metavar="FILE|-")
    x.add_argument("--lines", action="store_true", help="treat each input line as its own document")


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from flows.extract_cmd import run_extract

    return run_extract(args.file, settings, lines=args.lines)


COMMANDS: tuple[Command, ...] = (
    Command("demo", "index the bundled demo sources, check the demo articles, print the review queue",
            _quiet_argument, _demo, prefect=True),
    Command("sources", "manage source documents", _sources_arguments, _sources, prefect=True),
    Command("check", "check articles (files, folders or URLs) against the indexed sources", _check_arguments, _check,
            description="Check articles against the indexed sources. Unchanged articles (same content hash) are skipped; "
                        "when every input is an unchanged file, no Prefect flow is started. An unreadable file, or an "
                        "article that hits an unexpected error, is one line on stderr and is skipped; the rest are "
                        "checked, and the exit status is 1.",
            prefect=True),
    Command("review", "start the editors' review web app on 127.0.0.1", _review_arguments, _review),
    Command("users", "manage review desk accounts: add, passwd, disable, enable, list", _users_arguments, _users),
    Command("serve", "run the scheduled flows from config.yaml (check_inbox, recheck, check_feeds)", _serve_arguments,
            _serve),
    Command("feeds", "RSS/Atom feeds: `feeds check` checks the configured feeds' new and changed items once",
            _feeds_arguments, _feeds, prefect=True),
    Command("recheck", "re-judge stored claims against sources added or changed since their last judgement",
            _recheck_arguments, _recheck, prefect=True),
    Command("doctor", "check the database: integrity, orphans, duplicates, views", _no_arguments, _doctor),
    Command("report", "write a self-contained HTML report of one article", _report_arguments, _report),
    Command("sql", "run a read-only SQL query against the database", _sql_arguments, _sql),
    Command("export", "export claim verdicts (ClaimReview JSON-LD, csv, parquet)", _export_arguments, _export),
    Command("eval", "score against a labelled set: GOLD_DIR holds gold.jsonl, articles/ and sources/", _eval_arguments,
            _eval, prefect=True),
    Command("extract", "claims and check-worthiness per sentence as JSON lines; no database", _extract_arguments, _extract),
)


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
    for cmd in COMMANDS:
        cmd.arguments(sub.add_parser(cmd.name, help=cmd.help, description=cmd.description))
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command = next((c for c in COMMANDS if c.name == args.command), None)
    if command is None:
        parser.print_help()
        return 2
    if command.prefect:
        from flows.prefect_env import configure

        configure()
    try:
        settings = load_settings(args.config, database=args.db)
        return command.run(args, settings)
    except ConfigError as exc:
        print(f"claimdesk: config error: {exc}", file=sys.stderr)
        return 2
    except ClaimdeskError as exc:
        print(f"claimdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimdesk: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
