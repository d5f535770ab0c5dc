"""`claimdesk feeds check`: one `check_feeds` run by hand, as `claimdesk serve` runs it on its cron."""

from __future__ import annotations

import argparse
import sys

from claimdesk.settings import Settings


def arguments(f: argparse.ArgumentParser) -> None:
    sub = f.add_subparsers(dest="feeds_command", metavar="ACTION")
    c = sub.add_parser(
        "check", help="check the items of the configured RSS/Atom feeds once (new, changed and failed ones)",
        description="Read every feed in schedules.check_feeds.feeds (or the FEED_URLs given), fetch each listed "
                    "item's page and check it when it is new or its text changed; items that failed before are "
                    "retried. Each item's outcome is kept in the feed_items table. A feed that cannot be read, "
                    "or an item whose page fails (HTTP 404, timeout), is one line on stderr and the rest go on; "
                    "the exit status is then 1.")
    c.add_argument("urls", nargs="*", metavar="FEED_URL", help="feeds to read instead of the configured ones")
    c.add_argument("--quiet", action="store_true", help="no progress lines")
    f.set_defaults(feeds_parser=f)


def run_feeds(args: argparse.Namespace, settings: Settings) -> int:
    if args.feeds_command != "check":
        args.feeds_parser.parse_args(["--help"])
    from flows.feeds import feed_urls

    urls = list(dict.fromkeys(args.urls)) or feed_urls(settings)
    if not urls:
        print("feeds: none configured (add feed URLs to schedules.check_feeds.feeds, or give them on the "
              "command line)")
        return 0
    bad = [u for u in urls if not u.lower().startswith(("http://", "https://"))]
    if bad:
        print(f"claimdesk: {bad[0]}: not an http(s) feed URL", file=sys.stderr)
        return 2
    from flows.prefect_flows import check_feeds_flow

    summary = check_feeds_flow(settings, urls, not args.quiet)
    for line in summary.feed_problems:
        print(f"claimdesk: feed problem: {line}", file=sys.stderr)
    for line in summary.failed:
        print(f"claimdesk: failed item {line} (retried on the next run)", file=sys.stderr)
    print(summary.line())
    return 1 if summary.failed or summary.feed_problems else 0
