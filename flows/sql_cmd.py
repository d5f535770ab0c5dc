"""`claimdesk sql` and `claimdesk export`: analysts' access to the database.

Queries run on a read-only connection unless `--write` is given, so a typo in an
analyst's query can never change the data.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import duckdb

from claimdesk.errors import ClaimdeskError
from claimdesk.settings import Settings
from store.db import session


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def print_table(cols: list[str], rows: list[tuple[object, ...]], max_width: int = 60) -> None:
    cells = [[_fmt(v)[:max_width] for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def run_sql(settings: Settings, query: str, *, fmt: str = "table", write: bool = False) -> int:
    db = settings.resolve(settings.database)
    with session(db, read_only=not write) as con:
        try:
            cur = con.execute(query)
        except duckdb.Error as exc:
            msg = str(exc).splitlines()[0]
            if not write and "read-only" in msg.lower():
                msg += " (the database is opened read-only; add --write to change it)"
            raise ClaimdeskError(f"SQL error: {msg}") from None
        if cur.description is None:
            print("ok")
            return 0
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    if fmt == "json":
        for r in rows:
            print(json.dumps(dict(zip(cols, r, strict=True)), default=str))
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    else:
        print_table(cols, rows)
    return 0


def run_export(settings: Settings, *, fmt: str, out: str | None, reviewed_only: bool) -> int:
    db = settings.resolve(settings.database)
    target = Path(out or f"claim_verdicts.{fmt}").resolve()
    if not target.parent.is_dir():
        raise ClaimdeskError("output folder does not exist", path=str(target))
    where = " WHERE reviewed_verdict IS NOT NULL" if reviewed_only else ""
    with session(db, read_only=True) as con:
        rel = con.sql("SELECT * FROM claim_verdicts" + where + " ORDER BY article_path, start_char")
        if fmt == "csv":
            rel.write_csv(str(target))
        else:
            rel.write_parquet(str(target))
        n = con.execute("SELECT count(*) FROM claim_verdicts" + where).fetchone()[0]
    print(f"wrote {n} claims to {target}")
    return 0
