"""A long PDF report of the kind a newsroom indexes: many pages of prose, charts and tables.

    python -m benchmarks.long_pdf OUT.pdf [--pages 200] [--seed 0]

Each page is one chapter of a survey report built from the benchmark corpus's sources
(`benchmarks.corpus.make_source`, so the figures are the kind claimdesk checks):

- a heading and a method paragraph (publisher, population, period);
- the chapter's findings as running prose, two or three paragraphs, plus a
  boilerplate paragraph with no figure (what real reports are mostly made of);
- a figure: a bar chart drawn with vector shapes (bars, axis, value labels) and a
  caption "Figure N. ..." (its labels end up in the extracted text, as a real chart's do);
- a table of the chapter's figures (fpdf2's `table`: header row, 4-6 rows, borders), with
  a caption "Table N. ...";
- a running footer with the page number.

Why not only lines of findings: the indexer's cost per page depends on what pdfplumber has
to lay out (words, rectangles, table cells) and on how much prose spaCy parses, so the
benchmark page should carry all three. fpdf2's core fonts are Latin-1, so pound and euro
signs become "GBP"/"EUR".
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from benchmarks.corpus import TOPICS, Finding, Source, make_source

_FILLER = (
    "The survey was fielded online and weighted by age, gender, region and education to match the population. "
    "Respondents could skip any question; shares are of those who answered. Differences of a few points between "
    "years are within the margin of error and should be read as stable. Definitions follow the previous edition "
    "unless a note says otherwise."
)


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: the corpus's pound and euro signs become words."""
    return text.replace("£", "GBP ").replace("€", "EUR ").encode("latin-1", "replace").decode("latin-1")


def _bar_value(f: Finding) -> float:
    return abs(f.value) if f.kind in ("share", "change", "level") else 0.0


def _paragraphs(src: Source) -> list[str]:
    """The findings as two or three paragraphs of prose, then a paragraph with no figure."""
    sentences = [f.source_sentence for f in src.findings]
    cut = max(1, len(sentences) // 3)
    parts = [sentences[:cut], sentences[cut:2 * cut], sentences[2 * cut:]]
    return [" ".join(p) for p in parts if p] + [_FILLER]


def _discussion(src: Source, number: int) -> str:
    """A closing paragraph that refers to the figure and table and repeats one finding in other words."""
    first = src.findings[0].source_sentence
    return (f"Discussion. Figure {number} and Table {number} set the {src.year} results side by side. "
            f"The headline result bears repeating: {first[0].lower() + first[1:]} "
            f"Results for {src.pop} are compared with the previous edition in the appendix. " + _FILLER)


def _chart(pdf: object, src: Source, number: int) -> None:
    """A bar chart of the chapter's shares and changes (vector shapes), with its caption."""
    bars = [_bar_value(f) for f in src.findings if _bar_value(f) > 0][:6] or [10.0, 20.0, 30.0]
    top = max(bars)
    x0, y0, width, height = pdf.l_margin + 10, pdf.get_y() + 2, 120.0, 34.0
    pdf.set_draw_color(60, 60, 60)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.line(x0, y0, x0, y0 + height)
    step = width / len(bars)
    pdf.set_font("helvetica", size=7)
    for i, v in enumerate(bars):
        h = height * v / top
        pdf.set_fill_color(40 + 30 * i, 90, 160)
        pdf.rect(x0 + i * step + 2, y0 + height - h, step - 4, h, style="F")
        pdf.text(x0 + i * step + 3, y0 + height - h - 1, f"{v:g}")
        pdf.text(x0 + i * step + 3, y0 + height + 4, f"Q{i + 1}")
    pdf.set_y(y0 + height + 6)
    pdf.set_font("helvetica", "I", 8)
    pdf.multi_cell(0, 4, new_x="LMARGIN", new_y="NEXT",
                   text=_latin1(f"Figure {number}. {src.topic['nouns'][0].capitalize()}: selected results, {src.year} "
                                f"(bars in the order of the questions Q1-Q{len(bars)})."))


def _table(pdf: object, src: Source, number: int) -> None:
    """The chapter's figures as a bordered table with a header row, and its caption."""
    pdf.set_font("helvetica", "I", 8)
    pdf.multi_cell(0, 4, new_x="LMARGIN", new_y="NEXT",
                   text=_latin1(f"Table {number}. Key figures of the {src.year} survey ({src.pop})."))
    pdf.set_font("helvetica", size=8)
    pdf.set_fill_color(255, 255, 255)
    rows = src.findings[:6]
    with pdf.table(col_widths=(18, 22, 110, 30), text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
                   line_height=4.5) as table:
        head = table.row()
        for h in ("Item", "Kind", "Measure", "Value"):
            head.cell(h)
        for i, f in enumerate(rows):
            row = table.row()
            row.cell(f"Q{i + 1}")
            row.cell(f.kind)
            row.cell(_latin1(str(f.slot).replace("{x}", "x").replace("|", " ")[:70]))
            row.cell(f"{f.value:,.{f.decimals}f}")


def write_report(path: Path, pages: int, seed: int = 0) -> int:
    """A `pages`-page report, one chapter a page; returns the number of findings it states."""
    from fpdf import FPDF

    rng = random.Random(seed)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(15, 12, 15)
    findings = 0
    for page in range(pages):
        src = make_source(rng, page, TOPICS[page % len(TOPICS)])
        name, short = src.org
        pdf.add_page()
        pdf.set_font("helvetica", "B", 13)
        pdf.multi_cell(0, 7, new_x="LMARGIN", new_y="NEXT",
                       text=_latin1(f"Chapter {page + 1}. {src.topic['nouns'][0].capitalize()} in {src.year}"))
        pdf.set_font("helvetica", size=9)
        pdf.multi_cell(0, 4.4, new_x="LMARGIN", new_y="NEXT",
                       text=_latin1(f"Publisher: {name} ({short}). Method: online survey of {src.pop}, weighted to be "
                                    f"nationally representative. Period: the {src.year} calendar year."))
        for para in _paragraphs(src):
            pdf.ln(1.5)
            pdf.multi_cell(0, 4.4, new_x="LMARGIN", new_y="NEXT", text=_latin1(para))
        findings += len(src.findings)
        pdf.ln(2)
        _chart(pdf, src, page + 1)
        pdf.ln(2)
        _table(pdf, src, page + 1)
        pdf.ln(3)
        pdf.set_font("helvetica", size=9)
        pdf.multi_cell(0, 4.4, new_x="LMARGIN", new_y="NEXT", text=_latin1(_discussion(src, page + 1)))
        pdf.set_y(-12)
        pdf.set_font("helvetica", size=7)
        pdf.cell(0, 4, f"{short} annual survey report - page {page + 1} of {pages}", align="C")
    pdf.output(str(path))
    return findings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.long_pdf", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    n = write_report(a.out, a.pages, a.seed)
    print(f"{a.out}: {a.pages} pages, {n} findings, {a.out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
