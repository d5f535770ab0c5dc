"""`claimdesk report ARTICLE_ID --out report.html`: one article's fact-check as a single HTML file.

The file is meant to be mailed, archived or opened offline, so it carries everything
inline: CSS in a <style> element, the verdict chart as inline SVG, no script, no
external asset, and a Content-Security-Policy that forbids fetching anything. The
article text is untrusted: it is only ever placed through Jinja2's autoescaping, cut at
the stored claim offsets, never parsed as HTML. Colours match the review desk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from claimdesk.errors import ClaimdeskError
from claimdesk.output_files import output_target, write_text_atomically
from claimdesk.settings import Settings
from flows.sql_cmd import reading
from store import reads

VERDICTS: tuple[str, ...] = ("contradicted", "misrepresented", "unverifiable", "supported", "not_checkable")
PENDING = "pending"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --line: #dde1e8; --bg: #f5f6f8; --card: #fff; --accent: #1f4fd1;
  --supported: #1b7a3e; --supported-bg: #e2f4e7; --contradicted: #b42318; --contradicted-bg: #fde7e4;
  --misrepresented: #b54708; --misrepresented-bg: #fdf0dc; --unverifiable: #6a3fc4; --unverifiable-bg: #efe9fb;
  --not_checkable: #566274; --not_checkable-bg: #eceff3; --pending: #8a93a3; --pending-bg: #f0f1f4; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.topbar { padding: .6rem 1.5rem; background: #172033; color: #cfd6e4; }
.brand { font-weight: 700; color: #fff; }
.brand span { font-weight: 400; color: #9aa6bd; margin-left: .25rem; }
main { max-width: 1200px; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .4rem; font-family: Georgia, "Times New Roman", serif; }
h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 .75rem; }
.meta { color: var(--muted); font-size: .875rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
.v-supported { --c: var(--supported); --cb: var(--supported-bg); }
.v-contradicted { --c: var(--contradicted); --cb: var(--contradicted-bg); }
.v-misrepresented { --c: var(--misrepresented); --cb: var(--misrepresented-bg); }
.v-unverifiable { --c: var(--unverifiable); --cb: var(--unverifiable-bg); }
.v-not_checkable { --c: var(--not_checkable); --cb: var(--not_checkable-bg); }
.v-pending { --c: var(--pending); --cb: var(--pending-bg); }
.badge { display: inline-block; font-size: .78rem; font-weight: 600; padding: .12rem .55rem; border-radius: 999px;
  white-space: nowrap; color: var(--c); background: var(--cb); border: 1px solid var(--c); }
.summary { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; align-items: center; }
.chart { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
.chart .label { fill: var(--ink); }
.chart .n { fill: var(--muted); }
.chart .bar { fill: var(--c); }
.legend { list-style: none; margin: 0; padding: 0; display: grid; gap: .35rem; font-size: .9rem; }
.legend b { font-variant-numeric: tabular-nums; }
.layout { display: grid; grid-template-columns: minmax(0, 7fr) minmax(0, 6fr); gap: 1.5rem; align-items: start; }
.article-text { font-family: Georgia, "Times New Roman", serif; font-size: 1.1rem; line-height: 1.75;
  white-space: pre-wrap; margin: 0; }
mark.hl { background: var(--cb); color: inherit; border-bottom: 3px solid var(--c); padding: .05em .15em; border-radius: 3px; }
mark.hl:target { outline: 2px solid var(--accent); }
a.ref { font: 600 .7rem system-ui, sans-serif; vertical-align: super; margin-left: .1rem; color: var(--c); }
.claims { list-style: none; margin: 0; padding: 0; }
.claim { border: 1px solid var(--line); border-left: 5px solid var(--c); border-radius: 6px; padding: .7rem .9rem;
  margin-bottom: .8rem; background: var(--card); }
.claim:target { box-shadow: 0 0 0 2px var(--accent); }
.claim header { display: flex; flex-wrap: wrap; gap: .3rem .7rem; align-items: baseline; font-size: .85rem; color: var(--muted); }
.claim .num { font-weight: 700; color: var(--ink); }
.claim blockquote { margin: .45rem 0; font-family: Georgia, serif; font-size: 1.02rem; }
.claim .quote { font-weight: 600; }
.claim dl { margin: .3rem 0 0; font-size: .92rem; }
.claim dt { color: var(--muted); font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; margin-top: .45rem; }
.claim dd { margin: .1rem 0 0; }
.claim dd blockquote { margin: 0 0 .15rem; }
.fields span { display: inline-block; font-size: .75rem; border-radius: 4px; padding: 0 .4rem; margin: 0 .2rem .2rem 0; }
.fields .agree { background: var(--supported-bg); color: var(--supported); }
.fields .disagree { background: var(--contradicted-bg); color: var(--contradicted); }
.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: .8rem; margin-top: 2rem; }
@media (max-width: 900px) { .layout, .summary { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .topbar { display: none; } .layout { grid-template-columns: 1fr; } }
"""

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="generator" content="claimdesk">
<title>{{ title }} · claimdesk report</title>
<style>{{ css }}</style>
</head>
<body>
<header class="topbar"><span class="brand">claimdesk <span>fact-check report</span></span></header>
<main>
<h1>{{ title }}</h1>
<p class="meta">{{ article.path }} · article id {{ article.article_id }} · {{ claims|length }} claims · report written {{ written }}</p>
<section class="card summary" aria-label="Verdicts">
  <svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{{ chart.width }}" height="{{ chart.height }}"
       viewBox="0 0 {{ chart.width }} {{ chart.height }}" aria-labelledby="chart-title">
    <title id="chart-title">Verdicts: {% for r in chart.rows %}{{ r.n }} {{ r.label }}{{ ", " if not loop.last }}{% endfor %}</title>
    {% for r in chart.rows %}
    <g class="v-{{ r.verdict }}" data-verdict="{{ r.verdict }}" data-count="{{ r.n }}">
      <text class="label" x="0" y="{{ r.y + 13 }}">{{ r.label }}</text>
      <rect class="bar" x="{{ chart.bar_x }}" y="{{ r.y }}" width="{{ r.w }}" height="{{ chart.bar_h }}" rx="2"></rect>
      <text class="n" x="{{ chart.bar_x + r.w + 6 }}" y="{{ r.y + 13 }}">{{ r.n }}</text>
    </g>
    {% endfor %}
  </svg>
  <ul class="legend">
    {% for r in chart.rows %}<li class="v-{{ r.verdict }}"><span class="badge">{{ r.label }}</span> <b>{{ r.n }}</b> {{ "claim" if r.n == 1 else "claims" }}</li>
    {% endfor %}
  </ul>
</section>
<div class="layout">
<article class="card"><h2>Article</h2><div class="article-text">
{%- for s in segments %}{% if s.claim %}<mark class="hl v-{{ s.claim.css }}" id="claim-{{ s.claim.claim_id }}" data-claim-id="{{ s.claim.claim_id }}" data-verdict="{{ s.claim.css }}" title="{{ s.claim.label }}">{{ s.text }}</mark><a class="ref v-{{ s.claim.css }}" href="#detail-{{ s.claim.claim_id }}">{{ s.claim.number }}</a>{% else %}{{ s.text }}{% endif %}{% endfor -%}
</div></article>
<section aria-label="Claims">
<h2>Claims, evidence and reasons</h2>
<ol class="claims">
{% for c in claims %}
<li class="claim v-{{ c.css }}" id="detail-{{ c.claim_id }}" data-claim-id="{{ c.claim_id }}" data-verdict="{{ c.css }}">
  <header><span class="num">{{ c.number }}</span> <span class="badge">{{ c.label }}</span>
    {% if c.confidence is not none %}<span>confidence {{ "%.0f"|format(c.confidence * 100) }}%</span>{% endif %}
    {% if c.reviewed_verdict %}<span>reviewed by {{ c.reviewer }}{% if c.reviewed_at %} on {{ (c.reviewed_at|string)[:10] }}{% endif %}{% if c.machine_verdict and c.machine_verdict != c.reviewed_verdict %} (machine said {{ c.machine_verdict|replace("_", " ") }}){% endif %}</span>
    {% elif c.flagged %}<span>flagged for review</span>{% endif %}
    {% if c.located %}<a href="#claim-{{ c.claim_id }}">in the article</a>{% endif %}
  </header>
  <blockquote class="quote">{{ c.claim_text }}</blockquote>
  <dl>
    {% if c.evidence_text %}
    <dt>{{ "Closest statement" if c.verdict == "unverifiable" else "Evidence" }}</dt>
    <dd><blockquote>{{ c.evidence_text }}</blockquote>{% if c.source_title or c.source_path %}<span class="meta">{{ c.source_title or c.source_path }}{% if c.source_publisher %} · {{ c.source_publisher }}{% endif %}</span>{% endif %}</dd>
    {% endif %}
    <dt>Reason</dt><dd>{{ c.explanation or c.not_checkable_reason or "not judged yet" }}</dd>
    {% if c.review_note %}<dt>Editor's note</dt><dd>{{ c.review_note }}</dd>{% endif %}
    {% if c.agree or c.disagree %}<dt>Fields</dt><dd class="fields">{% for f in c.disagree or [] %}<span class="disagree">{{ f }} differs</span>{% endfor %}{% for f in c.agree or [] %}<span class="agree">{{ f }} agrees</span>{% endfor %}</dd>{% endif %}
  </dl>
</li>
{% else %}
<li class="empty">No claims were found in this article.</li>
{% endfor %}
</ol>
</section>
</div>
<footer>Written by claimdesk from {{ db }}. Verdicts: supported, contradicted, misrepresented, unverifiable, not checkable; an editor's review is final.</footer>
</main>
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _label(verdict: str) -> str:
    return verdict.replace("_", " ")


def segments(text: str, claims: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The article text cut into plain pieces and claim pieces at the stored offsets.

    A claim whose offsets do not fit the text, or that overlaps an earlier claim, is not
    marked (it is still listed with its evidence); its `located` is left False.
    """
    out: list[dict[str, Any]] = []
    pos = 0
    for c in sorted(claims, key=lambda c: (c["start_char"], -c["end_char"])):
        start, end = c["start_char"], c["end_char"]
        if not (isinstance(start, int) and isinstance(end, int) and pos <= start < end <= len(text)):
            continue
        if start > pos:
            out.append({"text": text[pos:start], "claim": None})
        out.append({"text": text[start:end], "claim": c})
        c["located"] = True
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "claim": None})
    return out


def chart(counts: Mapping[str, int], width: int = 320) -> dict[str, Any]:
    """Geometry of a horizontal bar per verdict that occurs, scaled to the largest count."""
    bar_x, bar_h, row_h = 112, 18, 26
    longest = max(counts.values(), default=0) or 1
    span = width - bar_x - 30
    rows = [
        {"verdict": v, "label": _label(v), "n": n, "y": i * row_h, "w": round(max(span * n / longest, 2), 1)}
        for i, (v, n) in enumerate((v, counts[v]) for v in (*VERDICTS, PENDING) if counts.get(v))
    ]
    return {"width": width, "height": max(len(rows) * row_h - (row_h - bar_h), bar_h), "bar_x": bar_x,
            "bar_h": bar_h, "rows": rows}


def render(data: Mapping[str, Any], db: str = "") -> str:
    """The report page for `store.reads.article_report` data."""
    article = data["article"]
    claims = [dict(c) for c in data["claims"]]
    counts: dict[str, int] = {}
    for i, c in enumerate(claims, 1):
        verdict = c.get("verdict") or PENDING
        c.update(number=i, css=verdict if verdict in (*VERDICTS, PENDING) else PENDING, label=_label(verdict),
                 located=False)
        counts[c["css"]] = counts.get(c["css"], 0) + 1
    pieces = segments(article["text"], claims)
    return _ENV.from_string(TEMPLATE).render(
        csp=CSP,
        css=Markup(CSS),
        title=article.get("title") or Path(str(article["path"])).name,
        article=article,
        claims=claims,
        segments=pieces,
        chart=chart(counts),
        written=datetime.now().strftime("%Y-%m-%d %H:%M"),
        db=db,
    )


def run_report(settings: Settings, article_id: str, out: str, force: bool = False) -> int:
    db = settings.resolve(settings.database)
    target = output_target(out, force=force)
    with reading(db) as con:
        data = reads.article_report(con, article_id)
    if data is None:
        raise ClaimdeskError(f"no article with id {article_id!r} (list them: claimdesk sql \"SELECT article_id, title FROM articles\")")
    write_text_atomically(target, render(data, str(db)))
    print(f"wrote the report of {len(data['claims'])} claims to {target}")
    return 0
