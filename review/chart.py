"""Geometry for the server-rendered SVG bar charts of verdicts: per article in the queue
(`bars`), per verdict in one article's report (`verdict_bars`).

Computed here so the template only draws rectangles: no chart library, no CDN,
nothing for the browser to fetch. Each article gets its title on one line and a
stacked bar (problem verdicts first) below it, scaled to the busiest article.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ORDER = ("contradicted", "misrepresented", "unverifiable", "supported", "not_checkable", "pending")
WIDTH = 300
BAR_H = 14
LABEL_H = 16
ROW_H = LABEL_H + BAR_H + 12
TOTAL_W = 28


def _short(title: str, limit: int = 44) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def bars(per_article: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Rows of label position, bar segments (x, width per verdict) and the total's position."""
    longest = max((a["total"] for a in per_article), default=0) or 1
    span = WIDTH - TOTAL_W
    rows = []
    for i, art in enumerate(per_article):
        y = i * ROW_H
        x = 0.0
        segs = []
        for verdict in ORDER:
            n = art["counts"].get(verdict, 0)
            if not n:
                continue
            w = span * n / longest
            segs.append({"verdict": verdict, "n": n, "x": round(x, 1), "w": round(max(w - 1, 1), 1)})
            x += w
        rows.append(
            {
                "article_id": art["article_id"],
                "title": art["title"],
                "label": _short(art["title"] or ""),
                "total": art["total"],
                "label_y": y + 12,
                "bar_y": y + LABEL_H,
                "total_y": y + LABEL_H + BAR_H - 3,
                "end_x": round(x + 5, 1),
                "segments": segs,
            }
        )
    return {"width": WIDTH, "height": max(len(rows) * ROW_H - 8, 0), "bar_h": BAR_H, "rows": rows}


def verdict_bars(counts: dict[str, int], width: int = 320) -> dict[str, Any]:
    """One horizontal bar per verdict that occurs (problems first, as in the queue), scaled to
    the largest count: the verdict summary of one article's report."""
    bar_x, bar_h, row_h = 112, 18, 26
    longest = max(counts.values(), default=0) or 1
    span = width - bar_x - 30
    present = [(v, counts[v]) for v in ORDER if counts.get(v)]
    rows = [
        {"verdict": v, "n": n, "y": i * row_h, "w": round(max(span * n / longest, 2), 1)}
        for i, (v, n) in enumerate(present)
    ]
    return {"width": width, "height": max(len(rows) * row_h - (row_h - bar_h), bar_h), "bar_x": bar_x,
            "bar_h": bar_h, "rows": rows}
