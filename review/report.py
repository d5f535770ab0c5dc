"""One article's fact-check as a single self-contained HTML file (`claimdesk report`).

The file is meant to be mailed, archived or opened offline, so it carries everything
inline: the review desk's own stylesheet (`static/app.css`, plus `static/report.css` for
what only the report has) in a <style> element, the verdict chart as inline SVG, no
script, no external asset, and a Content-Security-Policy that forbids fetching anything.
It is drawn with the desk's templates (`templates/report.html` uses its macros), chart
geometry (`review.chart`) and text cutting (`review.text`), so it looks like the desk.
The article text is untrusted: it is only ever placed through Jinja2's autoescaping,
cut at the stored claim offsets, never parsed as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from review import chart, text
from store.review_queries import VERDICTS

HERE = Path(__file__).resolve().parent
PENDING = "pending"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["label"] = lambda v: (v or PENDING).replace("_", " ")
    env.globals["VERDICT_ORDER"] = VERDICTS
    return env


def stylesheet() -> Markup:
    """The desk's stylesheet followed by the report's additions, to inline (our own files, not input)."""
    return Markup("\n".join((HERE / "static" / name).read_text(encoding="utf-8") for name in ("app.css", "report.css")))


def render(data: Mapping[str, Any], db: str = "") -> str:
    """The report page for `store.reads.article_report` data."""
    article = data["article"]
    claims = [dict(c) for c in data["claims"]]
    counts: dict[str, int] = {}
    for i, c in enumerate(claims, 1):
        verdict = c.get("verdict") or PENDING
        c.update(number=i, css=verdict if verdict in chart.ORDER else PENDING, located=False)
        counts[c["css"]] = counts.get(c["css"], 0) + 1
    by_id = {c["claim_id"]: c for c in claims}
    pieces = []
    for piece in text.segments(article["text"], claims):
        claim = by_id.get(piece["claim_id"]) if piece["claim_id"] else None
        if claim is not None:
            claim["located"] = True
        pieces.append({"text": piece["text"], "claim": claim})
    return _environment().get_template("report.html").render(
        csp=CSP,
        css=stylesheet(),
        title=article.get("title") or Path(str(article["path"])).name,
        article=article,
        claims=claims,
        segments=pieces,
        chart=chart.verdict_bars(counts),
        written=datetime.now().strftime("%Y-%m-%d %H:%M"),
        db=db,
    )
