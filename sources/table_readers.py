"""Files -> `Table`s: PDF tables (pdfplumber), spreadsheets (openpyxl), HTML <table>s, CSV.

Each reader also returns the running text outside the tables, so a report's prose still
becomes statements as before while its tables become statements with their context
(sources/tables.py). Every failure is an `InputError` naming the file.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from claimdesk.errors import InputError
from sources.tables import Table, TableStatement, clean, excerpt, from_grid, statements

_CAPTION = re.compile(r"^\s*(?:Table|Tab\.)\s*\w*", re.I)
_FOOTNOTE = re.compile(r"^\s*(?:Note|Notes|Source|Sources|Base|\*|†|‡|\(\w\)|[a-z]\))\s*[:.]?", re.I)
_VALUE_COLS = ("value", "figure", "amount", "number", "percent", "share")
MAX_TABLE_CELLS = 50_000  # statements per document: more is a data dump, not a report


# --- PDF ------------------------------------------------------------------------------

def pdf_tables(raw: bytes, path: str) -> tuple[str, list[Table]]:
    """Tables of a PDF with their captions, and the text outside them.

    A table that continues on the next page (the first table there, with no caption of
    its own and as many columns) is joined to the one before; a header row repeated at
    the top of the continuation is dropped.
    """
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    found: list[dict[str, Any]] = []
    texts: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            for pageno, page in enumerate(pdf.pages, start=1):
                tables = page.find_tables()
                boxes = [t.bbox for t in tables]
                outside = page.filter(lambda obj, boxes=boxes: not _inside(obj, boxes)) if boxes else page
                texts.append(outside.extract_text() or "")
                for t in tables:
                    grid = t.extract()
                    found.append({"page": pageno, "grid": grid, "caption": _caption_above(page, t.bbox),
                                  "notes": _notes_below(page, t.bbox), "first": t is tables[0]})
                page.close()  # drop the page's parsed objects: a 200-page report kept ~0.9 GB of them (issue #16)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on hostile files
        raise InputError(f"malformed PDF (tables): {type(exc).__name__}", path=path) from None
    return "\n\n".join(texts), _join_pdf_tables(found)


def _inside(obj: dict[str, Any], boxes: Sequence[tuple[float, float, float, float]]) -> bool:
    x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)


def _lines(page: Any, box: tuple[float, float, float, float]) -> list[str]:
    x0, top, x1, bottom = box
    if bottom - top < 1:
        return []
    text = page.crop((x0, max(0, top), x1, min(page.height, bottom))).extract_text() or ""
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _caption_above(page: Any, bbox: tuple[float, float, float, float]) -> str:
    """The line just above a table when it reads like a caption ('Table 2: ...', or a short heading)."""
    lines = _lines(page, (0, bbox[1] - 40, page.width, bbox[1] - 0.5))
    if not lines:
        return ""
    last = lines[-1]
    if _CAPTION.match(last) or (len(last) <= 160 and not last.endswith(".")):
        return last
    return ""


def _notes_below(page: Any, bbox: tuple[float, float, float, float]) -> list[str]:
    return [ln for ln in _lines(page, (0, bbox[3] + 0.5, page.width, bbox[3] + 50)) if _FOOTNOTE.match(ln)]


def _join_pdf_tables(found: list[dict[str, Any]]) -> list[Table]:
    merged: list[dict[str, Any]] = []
    for t in found:
        prev = merged[-1] if merged else None
        width = max((len(r) for r in t["grid"]), default=0)
        if (prev and t["first"] and t["page"] == prev["pages"][-1] + 1 and not _CAPTION.match(t["caption"] or "")
                and width == max(len(r) for r in prev["grid"])):
            rows = t["grid"]
            heads = [[clean(c) for c in r] for r in prev["grid"][:3]]
            while rows and [clean(c) for c in rows[0]] in heads:
                rows = rows[1:]  # the header repeated on the new page
            prev["grid"] += rows
            prev["pages"] += [t["page"]] * len(rows)
            prev["notes"] += t["notes"]
            continue
        merged.append({"grid": list(t["grid"]), "pages": [t["page"]] * len(t["grid"]),
                       "caption": t["caption"], "notes": list(t["notes"])})
    out = []
    for m in merged:
        table = from_grid(m["grid"], title=m["caption"], footnotes=m["notes"], fmt="pdf",
                          table_no=len(out) + 1, row_pages=m["pages"])
        if table:
            out.append(table)
    return out


# --- spreadsheets ----------------------------------------------------------------------

def xlsx_tables(raw: bytes, path: str) -> list[Table]:
    """Every non-empty sheet as a table. Formulas give their cached values (data_only), as
    the spreadsheet showed them when last saved. A sheet's title is a lone cell in its
    first row ('Table 1: ...'), else the sheet's name."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InputError(f"not a readable .xlsx spreadsheet ({type(exc).__name__})", path=path) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on corrupt files
        raise InputError(f"not a readable .xlsx spreadsheet ({type(exc).__name__})", path=path) from None
    out: list[Table] = []
    try:
        for ws in wb.worksheets:
            grid = [[clean(c) for c in row] for row in ws.iter_rows(values_only=True)]
            grid = [r for r in grid if any(r)]
            title, notes = ws.title, []
            if grid and sum(1 for c in grid[0] if c) == 1 and len(grid) > 2:
                title = next(c for c in grid[0] if c)
                grid = grid[1:]
            while grid and sum(1 for c in grid[-1] if c) == 1 and not any(c for c in grid[-1][1:]):
                notes.insert(0, grid.pop()[0])  # a lone first-column line under the table: a footnote
            table = from_grid(grid, title=title, footnotes=notes, fmt="xlsx", table_no=len(out) + 1, sheet=ws.title)
            if table:
                out.append(table)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"not a readable .xlsx spreadsheet ({type(exc).__name__})", path=path) from None
    finally:
        wb.close()
    if not out:
        raise InputError("spreadsheet has no data (every sheet is empty)", path=path)
    return out


# --- HTML -----------------------------------------------------------------------------

def html_tables(html: str) -> tuple[str, list[Table]]:
    """The page's data tables, and the page with them removed (its prose is read as before).

    A cell spanning columns (colspan) repeats its label across them; the caption is
    <caption>, else the heading just before the table; <tfoot> rows are footnotes.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    out: list[Table] = []
    for el in soup.find_all("table"):
        if el.find("table"):
            continue  # a layout table around others
        cap = el.find("caption")
        title = clean(cap.get_text(" ", strip=True)) if cap else ""
        if not title:
            prev = el.find_previous(["h1", "h2", "h3", "h4", "h5"])
            title = clean(prev.get_text(" ", strip=True)) if prev else ""
        foot = el.find("tfoot")
        notes = [clean(tr.get_text(" ", strip=True)) for tr in foot.find_all("tr")] if foot else []
        if foot:
            foot.decompose()
        grid, heads = [], 0
        for tr in el.find_all("tr"):
            row: list[str] = []
            cells = tr.find_all(["th", "td"])
            for c in cells:
                span = _int(c.get("colspan"))
                row += [clean(c.get_text(" ", strip=True))] * span
            if tr.find_parent("thead") or (cells and all(c.name == "th" for c in cells) and heads == len(grid)):
                heads += 1
            grid.append(row)
        table = from_grid(grid, title=title, footnotes=notes, fmt="html", table_no=len(out) + 1,
                          header_count=heads or None)
        if table:
            out.append(table)
        el.decompose()
    return (str(soup) if out else html), out


def _int(v: object) -> int:
    try:
        return max(1, min(int(str(v)), 100))
    except ValueError:
        return 1


# --- CSV ------------------------------------------------------------------------------

def csv_table(text: str, path: str, row_sentence: Any) -> tuple[str, list[TableStatement]]:
    """A CSV's statements. A long table (a value column: metric, value, unit, year...) reads
    best one row at a time (`row_sentence`, the reader's 'metric: value unit (population,
    period).'); a wide one (figures across columns) one cell at a time with its headers.
    Returns the header lines for the running text (a publisher shared by every row) and
    the statements."""
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=path) from None
    if len(rows) < 2:
        raise InputError("CSV has no data rows", path=path)
    header = [h.strip() for h in rows[0]]
    for n, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise InputError(f"CSV row {n} has {len(row)} fields, header has {len(header)}", path=path)
    rows = [r + [""] * (len(header) - len(r)) for r in rows]
    table = from_grid(rows, title="", fmt="csv", header_count=1)
    if table is None:
        raise InputError("CSV has no data rows", path=path)
    lower = [h.lower() for h in header]
    value_col = next((lower.index(v) for v in _VALUE_COLS if v in lower), None)
    if value_col is None:
        return "", statements(table)
    records = [dict(zip(lower, [c.strip() for c in r], strict=True)) for r in rows[1:]]
    publishers = {next((r[k] for k in ("source", "publisher") if r.get(k)), "") for r in records}
    head = ""
    if len(publishers) == 1 and publishers != {""}:
        head = f"Publisher: {publishers.pop()}"
        for r in records:
            r.pop("source", None)
            r.pop("publisher", None)
    out = []
    for i, r in enumerate(records):
        if not any(r.values()):
            continue
        out.append(TableStatement(row_sentence(r), {"page": None, "table_no": 1, "row_no": i + 1,
                                                    "col_no": value_col + 1, "excerpt": excerpt(table, i, value_col)}))
    return head, out


def too_many(n: int, path: str) -> None:
    if n > MAX_TABLE_CELLS:
        raise InputError(f"{n:,} table cells, over the {MAX_TABLE_CELLS:,} limit"
                         " (split the spreadsheet or keep the tables the articles cite)", path=path)
