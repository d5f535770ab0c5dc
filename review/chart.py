"""Geometry for the queue's server-rendered SVG bar chart of verdicts per article.

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
