"""A table -> source statements that keep their context.

A figure in a table means nothing without its title, its row and column headers and its
unit: "58" is "Share of surgeons reporting an increase in bookings, 2022: 58%". So each
data cell becomes one sentence built from that context, and keeps where it came from
(page or sheet, table, row, column) plus the small excerpt an editor needs to see it in
place: the header row and the cell's row. Pure: the readers (sources/table_readers.py)
turn files into `Table`s; this module never touches a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_NUMBER = re.compile(r"^[\s(]*[-+−–~<>≈]?\s*[$£€]?\s*\d[\d,.\s]*(?:%|‰|[a-zA-Z]{0,3})?[)*†‡]*\s*$")
_UNIT_IN_TEXT = re.compile(r"\((?:in\s+)?(%|per ?cent|percent|£\s?\w*|\$\s?\w*|€\s?\w*|[a-zA-Z]{1,12}(?:\s[a-zA-Z]{1,8})?)\)\s*$", re.I)
_TABLE_LABEL = re.compile(r"^\s*(?:Table|Tab\.)\s*[\dA-Z.]*\s*[:.\-–—]\s*", re.I)
MAX_HEADER_ROWS = 3


@dataclass(frozen=True)
class Table:
    """One table as read: column labels (merged and multi-row headers already flattened,
    one label per column), data rows (the first `stub_cols` cells of a row are its row
    header), and the context the figures need."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    units: str = ""
    footnotes: tuple[str, ...] = ()
    format: str = ""
    table_no: int = 1
    sheet: str | None = None
    row_pages: tuple[int | None, ...] = ()  # page of each data row (a table may span pages)
    stub_cols: int = 1


@dataclass(frozen=True)
class TableStatement:
    """The sentence a cell (or row) becomes, and where it came from."""

    text: str
    origin: dict[str, Any] = field(default_factory=dict)


def is_number(cell: str) -> bool:
    return bool(cell) and bool(_NUMBER.match(cell)) and any(ch.isdigit() for ch in cell)


def clean(cell: object) -> str:
    """A cell as one line of text (None, line breaks and repeated spaces are layout, not content)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def fill_merged(row: Sequence[object]) -> list[str]:
    """A header row with merged cells (read as empty after the first) repeats the label
    across the columns it spans: a group header "2022" over "Men | Women" labels both."""
    out: list[str] = []
    last = ""
    for i, cell in enumerate(row):
        text = clean(cell)
        if text:
            last = text
        elif i > 0 and last:
            text = last
        out.append(text)
    return out


def _year(cell: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d(?:\s?[-–/]\s?(?:19|20)?\d\d)?", cell))


def header_rows(grid: Sequence[Sequence[str]]) -> int:
    """How many leading rows are headers: the first always; then a row with no figure
    outside its first cell (years count as labels only under a merged group header,
    which leaves blanks in the row above), at most three."""
    n = 1
    while n < min(MAX_HEADER_ROWS, len(grid) - 1):
        row, above = grid[n], grid[n - 1]
        merged_above = any(not c for c in above[1:]) and any(above[1:])
        figures = [c for c in row[1:] if is_number(c) and not (merged_above and _year(c))]
        if figures or not any(row[1:]):
            break
        n += 1
    return n


def from_grid(grid: Sequence[Sequence[object]], *, title: str = "", footnotes: Sequence[str] = (),
              fmt: str = "", table_no: int = 1, sheet: str | None = None,
              row_pages: Sequence[int | None] = (), header_count: int | None = None) -> Table | None:
    """A Table from a raw grid of cells (header rows first); None when there are no data rows."""
    rows = [[clean(c) for c in r] for r in grid]
    keep = [i for i, r in enumerate(rows) if any(r)]
    rows = [rows[i] for i in keep]
    pages = [row_pages[i] for i in keep] if row_pages else []
    if len(rows) < 2:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    n = header_count or header_rows(rows)
    heads = [fill_merged(r) for r in rows[:n]]
    columns = []
    for j in range(width):
        parts: list[str] = []
        for h in heads:
            if h[j] and h[j] not in parts:
                parts.append(h[j])
        columns.append(" ".join(parts))
    data = tuple(tuple(r) for r in rows[n:])
    if not data:
        return None
    units = unit_of(title)
    return Table(title=title, columns=tuple(columns), rows=data, units=units, footnotes=tuple(footnotes),
                 format=fmt, table_no=table_no, sheet=sheet, row_pages=tuple(pages[n:]))


def unit_of(label: str) -> str:
    """The unit a title or header gives in brackets at its end: 'Bookings (%)' -> '%'."""
    m = _UNIT_IN_TEXT.search(label or "")
    if not m:
        return ""
    unit = m.group(1).strip()
    return "%" if unit.lower().replace(" ", "") in {"%", "percent"} else unit


def _strip_unit(label: str) -> str:
    return _UNIT_IN_TEXT.sub("", label).strip() if unit_of(label) else label


def _with_unit(value: str, unit: str) -> str:
    if not unit or not re.search(r"\d\s*$", value):
        return value
    if unit == "%":
        return f"{value}%"
    if unit in {"£", "$", "€"}:
        return f"{unit}{value}"
    return f"{value} {unit}"


def cell_sentence(table: Table, row: Sequence[str], col: int) -> str:
    """'Title, row header, column header: value unit.' — the context a reader needs."""
    title = _strip_unit(_TABLE_LABEL.sub("", table.title)).rstrip(" .:")
    head = _strip_unit(table.columns[col]) if col < len(table.columns) else ""
    unit = unit_of(table.columns[col]) if col < len(table.columns) and unit_of(table.columns[col]) else table.units
    stub = " ".join(c for c in row[: table.stub_cols] if c)
    parts = [p for p in (title, stub, head) if p]
    value = _with_unit(row[col], unit)
    return (", ".join(parts) + ": " if parts else "") + value + "."


def excerpt(table: Table, row_index: int, col: int) -> dict[str, Any]:
    """What the claim page draws: title, header row, the row, the matched column, footnotes."""
    return {
        "title": table.title, "columns": list(table.columns), "row": list(table.rows[row_index]),
        "col": col, "units": table.units, "footnotes": list(table.footnotes), "sheet": table.sheet,
        "format": table.format,
    }


def origin(table: Table, row_index: int, col: int) -> dict[str, Any]:
    """Where a statement came from: page (PDF), table number, 1-based row and column, and the excerpt."""
    page = table.row_pages[row_index] if row_index < len(table.row_pages) else None
    return {"page": page, "table_no": table.table_no, "row_no": row_index + 1, "col_no": col + 1,
            "excerpt": excerpt(table, row_index, col)}


def statements(table: Table) -> list[TableStatement]:
    """One statement per non-empty data cell outside the row headers, in reading order."""
    out = []
    for i, row in enumerate(table.rows):
        for j in range(table.stub_cols, len(row)):
            if not row[j] or row[j] in {"-", "–", "—", "n/a", "N/A", "..", "[EMPTY]"}:
                continue
            out.append(TableStatement(cell_sentence(table, row, j), origin(table, i, j)))
    return out


def sentence_text(text: str) -> str:
    """A statement as it sits in the document text: one line, no layout whitespace."""
    return " ".join(text.split())
