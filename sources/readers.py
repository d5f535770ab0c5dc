"""Files and URLs -> clean text with a title and header metadata.

Articles and source documents are read the same way: txt, md, html (the article's main
text with trafilatura, and its title, author, site and publication date:
`sources/html_page.py`), pdf, csv and xlsx. Tables in a source document (PDF, HTML, CSV,
every sheet of a spreadsheet) become one sentence per cell with the table's title, headers
and unit, and keep where they came from (sources/tables.py, sources/table_readers.py). Every
problem is an `InputError` naming the file, never a traceback, so a batch reports the
bad file in one line and carries on with the rest.

Size limits: a text file (txt, md, html, csv) or a spreadsheet (xlsx) over 10 MB, a PDF over 50 MB, or more
than 10 Mi characters of extracted text is refused rather than read. A news article is tens
of kilobytes; a 20 MB "article" is a data dump or several files run together, which
would hold the batch for many minutes and flood the review queue. The error says to
split the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from claimdesk.errors import InputError
from sources import table_readers
from sources.html_page import NewsPage, read_page, soup_text
from sources.tables import Table, TableStatement, sentence_text
from sources.tables import statements as table_statements

T = TypeVar("T")

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".csv", ".xlsx"}
MB = 1024 * 1024
MAX_BYTES = 50 * MB  # PDFs: mostly images and fonts, the text is a small part
MAX_TEXT_BYTES = 10 * MB  # txt, md, html, csv, xlsx
MAX_TEXT_CHARS = 10 * MB  # characters of extracted text (binds for PDFs)
URL_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Document:
    path: str
    title: str
    text: str
    format: str
    content_hash: str
    meta: dict[str, str] = field(default_factory=dict)
    # Table statements: (start, end) of each in `text`, and where it came from (sources/tables.py).
    cells: tuple[tuple[int, int, dict[str, Any]], ...] = ()

    @property
    def author(self) -> str | None:
        """Who wrote it: a page's byline, or an 'Author:' header line."""
        return self.meta.get("byline") or self.meta.get("author")

    @property
    def site(self) -> str | None:
        return self.meta.get("site")

    @property
    def published(self) -> date | None:
        """The publication date (page metadata, or a 'Published:'/'Date:' header line), if readable."""
        from claims.relative_time import parse_date

        return parse_date(self.meta.get("published") or self.meta.get("date"))

    @property
    def doc_id(self) -> str:
        """Stable id from the location, so a revised file keeps its id and replaces its rows."""
        return hashlib.sha1(self.path.encode("utf-8")).hexdigest()[:16]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iter_paths(inputs: list[str]) -> Iterator[tuple[str, InputError | None]]:
    """Expand files, folders (recursively, sorted) and URLs.

    Yields (path, error) so a caller can report an unreadable entry and carry on. A
    folder reached twice through symbolic links is read once (a link back to a parent
    is cut silently: nothing is lost); a link that loops on itself or points nowhere,
    and a file name that is not valid UTF-8, are reported.
    """
    for item in inputs:
        if re.match(r"^https?://", item):
            yield item, None
            continue
        p = Path(item).absolute()
        bad_name = _bad_name(p)
        if bad_name:
            yield bad_name, InputError("file name is not valid UTF-8 (rename the file)", path=bad_name)
        elif p.is_dir():
            yield from _expand_folder(p)
        elif p.is_symlink() and not p.exists():
            yield str(p), InputError(_link_problem(p), path=item)
        elif not p.exists():
            yield str(p), InputError("no such file or folder", path=item)
        else:
            yield str(p), None


def _bad_name(p: Path) -> str | None:
    """A printable form of a path whose name is not UTF-8 (it could be neither stored nor
    printed as text), else None."""
    try:
        str(p).encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(p).decode("utf-8", "backslashreplace")
    return None


def _link_problem(p: Path) -> str:
    try:
        p.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop"
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return "symbolic link loop"
    return "broken symbolic link (its target does not exist)"


def _expand_folder(root: Path) -> Iterator[tuple[str, InputError | None]]:
    """Every supported file under `root`, sorted, with problem entries reported in place."""
    found: list[tuple[str, InputError | None]] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    # Iterative, so a deep tree cannot hit Python's recursion limit; scandir, so a folder
    # of thousands of files costs one system call per file at most.
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue  # reached again through a link: already read
        seen.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            found.append((str(folder), InputError(f"cannot list folder: {exc.strerror or exc}", path=str(folder))))
            continue
        for e in entries:
            path = Path(e.path)
            bad_name = _bad_name(path)
            supported = Path(e.name).suffix.lower() in SUPPORTED and not e.name.startswith(".")
            try:
                if e.is_dir():
                    stack.append(path)
                    continue
                if e.is_file():
                    if supported:
                        found.append((bad_name, InputError("file name is not valid UTF-8 (rename the file)", path=bad_name))
                                     if bad_name else (str(path), None))
                    continue
            except OSError:
                pass
            if supported and e.is_symlink():
                shown = bad_name or str(path)
                found.append((shown, InputError(_link_problem(path), path=shown)))
    found.sort(key=lambda item: Path(item[0]).parts)  # the order sorted(Path) always gave
    yield from found


def _limit(fmt: str) -> int:
    return MAX_BYTES if fmt == "pdf" else MAX_TEXT_BYTES


def _too_big(size: int, fmt: str, path: str) -> InputError:
    kind = {"pdf": "PDF", "xlsx": "spreadsheet"}.get(fmt, "text file")
    return InputError(f"file is {size / MB:.1f} MB, over the {_limit(fmt) // MB} MB limit for a {kind}"
                      " (split it into separate articles or documents)", path=path)


def read_document(path: str, article: bool = True) -> Document:
    """Read one file or URL into a Document, or raise InputError naming it.

    `article`: a web page is read as a news article (main text, title, author, site,
    publication date); False reads every line of it by tag name, as a source document's
    header lines need, and its tables as tables (sources/table_readers.py).
    """
    if re.match(r"^https?://", path):
        raw, fmt = _fetch(path)
    else:
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".") or "txt"
        if fmt not in {s.lstrip(".") for s in SUPPORTED}:
            raise InputError(f"unsupported file type '.{fmt}' (supported: {', '.join(sorted(SUPPORTED))})", path=path)
        try:
            if not p.is_file():
                # A FIFO or device (/dev/zero) would block or never end.
                raise InputError("not a regular file" if p.exists() else "no such file", path=path)
            size = p.stat().st_size
            if size > _limit(fmt):
                raise _too_big(size, fmt, path)
            raw = p.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
    text, tables, page = _text_and_tables(fmt, raw, path, article)
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{len(text):,} characters of text, over the {MAX_TEXT_CHARS:,} limit"
                         " (split it into separate articles or documents)", path=path)
    text = normalise_whitespace(text)
    if not text.strip():
        if page is not None:
            raise InputError("no article text found (the page is empty or all navigation)", path=path)
        raise InputError("no text in file (empty or whitespace only)", path=path)
    cells = _locate(text, tables)
    title = (page.title if page is not None else None) or (
        _title(text, path) if fmt != "xlsx" else _sheet_title(tables, path))
    meta = header_meta(text) if page is None else {**header_meta(text), **_page_meta(page)}
    return Document(path=path, title=title, text=text, format=fmt, content_hash=content_hash(text),
                    meta=meta, cells=cells)


def _text_and_tables(fmt: str, raw: bytes, path: str, article: bool
                     ) -> tuple[str, list[TableStatement], NewsPage | None]:
    """Running text and table statements of a file: tables become sentences with their
    context (sources/tables.py), appended after the prose outside them. A web page read
    as an article is its main text (and metadata) only: tables are read in sources."""
    if fmt == "html" and article:
        page = _html_page(decode_text(raw, path), path)
        return page.text, [], page
    tables: list[Table] = []
    found: list[TableStatement] = []
    if fmt == "pdf":
        text = _pdf_text(raw, path)  # refuses encrypted and malformed files in one line
        running, tables = table_readers.pdf_tables(raw, path)
        if tables:
            text = _join_pdf_lines(running)
    elif fmt == "xlsx":
        text, tables = "", table_readers.xlsx_tables(raw, path)
    else:
        decoded = decode_text(raw, path)
        if fmt == "csv":
            text, found = table_readers.csv_table(decoded, path, _row_sentence)
        else:
            if fmt == "html":
                decoded, tables = _parse_guarded(fmt, path, lambda: table_readers.html_tables(decoded))
            text = _parse(fmt, decoded, path) if decoded.strip() else ""
    found += [st for t in tables for st in table_statements(t)]
    table_readers.too_many(len(found), path)
    sentences = "\n\n".join(sentence_text(st.text) for st in found)
    return "\n\n".join(p for p in (text, sentences) if p.strip()), found, None


def _locate(text: str, found: list[TableStatement]) -> tuple[tuple[int, int, dict[str, Any]], ...]:
    """Where each table statement sits in the normalised text (in order, after the prose)."""
    out = []
    pos = len(text)
    for st in reversed(found):  # statements come last: search from the end so prose never matches
        s = sentence_text(st.text)
        at = text.rfind(s, 0, pos)
        if at >= 0:
            out.append((at, at + len(s), st.origin))
            pos = at
    return tuple(reversed(out))


def _sheet_title(tables: list[TableStatement], path: str) -> str:
    title = tables[0].origin.get("excerpt", {}).get("title", "") if tables else ""
    return title if 3 <= len(title) <= 200 else Path(path).stem.replace("-", " ").replace("_", " ")


def _html_page(decoded: str, path: str) -> NewsPage:
    """A page's article text and metadata (sources/html_page.py); hostile markup is an InputError."""
    try:
        return read_page(decoded, url=path if re.match(r"^https?://", path) else None)
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(f"cannot parse HTML: {type(exc).__name__}", path=path) from None


def _page_meta(page: NewsPage) -> dict[str, str]:
    """A page's metadata under the keys Document.meta uses. The author is a `byline`: for a
    source document `author` would be read as the publisher of its figures (sources/findings.py)."""
    found = {"byline": page.author, "site": page.site, "published": page.published}
    return {k: v for k, v in found.items() if v}


def _parse(fmt: str, decoded: str, path: str) -> str:
    """Text of a decoded file by format. A parser failing on hostile markup (say, HTML
    nested a hundred thousand deep) becomes an InputError, so the batch goes on."""
    parsers = {"html": _html_text, "md": _markdown_text, "csv": lambda t: _csv_text(t, path)}
    return _parse_guarded(fmt, path, lambda: parsers.get(fmt, _plain_text)(decoded))


def _parse_guarded(fmt: str, path: str, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except InputError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(f"cannot parse {fmt.upper()}: {type(exc).__name__}", path=path) from None


def _fetch(url: str) -> tuple[bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=URL_TIMEOUT_SECONDS) as resp:  # noqa: S310 - user-given http(s) URL
            raw = resp.read(MAX_BYTES + 1)
            ctype = resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:  # the status, so a 404 is told from a timeout (feed_items.error)
        raise InputError(f"cannot fetch URL: HTTP {exc.code} {exc.reason}", path=url) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot fetch URL: {reason}", path=url) from None
    fmt = "pdf" if "pdf" in ctype else "html" if "html" in ctype or not ctype else "txt"
    if len(raw) > _limit(fmt):
        raise InputError(f"download is over the {_limit(fmt) // MB} MB limit", path=url)
    return raw, fmt


def decode_text(raw: bytes, path: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when every other
    byte is zero, as Windows tools write it), else Latin-1 for legacy files; binary is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("not valid UTF-16 text", path=path) from None
    utf16 = _bomless_utf16(raw)
    if utf16:
        try:
            return raw.decode(utf16)
        except UnicodeDecodeError:
            raise InputError("binary file, not text", path=path) from None
    if b"\x00" in raw[:4096] or raw[:8] == b"\x89PNG\r\n\x1a\n" or raw[:4] in (b"GIF8", b"\xff\xd8\xff\xe0", b"PK\x03\x04"):
        raise InputError("binary file, not text", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    # Control characters are rare in text and common in binary formats (valid UTF-8 or not).
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(5, len(sample) // 100):
        raise InputError("binary file, not text", path=path)
    return text


def _bomless_utf16(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the text is plainly UTF-16 without a byte-order mark:
    mostly ASCII, so one byte of each pair is zero (and never both)."""
    head = raw[:4096]
    if len(head) < 4 or len(raw) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    pairs = len(odd)
    if odd.count(0) > 0.9 * pairs and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * pairs and odd.count(0) == 0:
        return "utf-16-be"
    return None


def normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _plain_text(text: str) -> str:
    return text


def _markdown_text(text: str) -> str:
    """Markdown to plain prose: headings, list bullets and emphasis marks dropped, text kept."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)
        line = re.sub(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1", r"\2", line)
        line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"`([^`]*)`", r"\1", line)
        out.append(line)
    # Each list item or heading is its own paragraph, so sentences never run together.
    return "\n\n".join(s for s in (ln.strip() for ln in out) if s)


def _html_text(html: str) -> str:
    """A source page's text by tag name, every block kept (sources/html_page.py)."""
    return soup_text(html, drop_menus=False)


def _pdf_text(raw: bytes, path: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every repair it makes ("incorrect startxref pointer"); the user gets
    # one line from us instead.
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise InputError("PDF is encrypted (needs a password)", path=path)
            except InputError:
                raise
            except Exception:  # noqa: BLE001 - unsupported cipher, missing crypto library...
                raise InputError("PDF is encrypted (needs a password)", path=path) from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"malformed PDF: {str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__}", path=path) from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on hostile files
        raise InputError(f"malformed PDF: {type(exc).__name__}", path=path) from None
    finally:
        log.setLevel(level)
    return _join_pdf_lines("\n\n".join(pages))


def _join_pdf_lines(text: str) -> str:
    """PDF text with its layout line breaks undone."""
    # PDF extraction breaks lines mid-sentence; join lines that do not end a sentence.
    # Only a line that stops mid-sentence (lower-case word, comma) is joined; headings
    # and "Key: value" header lines keep their own line.
    text = re.sub(r"(?<=[a-z,;\-])\n(?!\n)(?=[a-z0-9(])", " ", text)
    text = re.sub(r"\n(?!\n)", "\n\n", text)
    return text


def _csv_text(text: str, path: str) -> str:
    """Each data row as one sentence: 'metric: value unit (population, period).'

    Recognised columns (case-insensitive): metric/measure/indicator, value, unit,
    population/group/geography, year/period, source/publisher. Other columns are
    appended as 'column: value'. Ragged rows are padded or refused with the row number.
    """
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=path) from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise InputError("CSV has no data rows", path=path)
    header = [h.strip().lower() for h in rows[0]]
    records = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise InputError(f"CSV row {n} has {len(row)} fields, header has {len(header)}", path=path)
        records.append(dict(zip(header, [c.strip() for c in row] + [""] * (len(header) - len(row)), strict=True)))
    # A publisher shared by every row is stated once, as a header line, not on each row.
    publishers = {_pick(r, "source", "publisher") for r in records}
    lines = []
    if len(publishers) == 1 and publishers != {""}:
        lines.append(f"Publisher: {publishers.pop()}")
        for r in records:
            r.pop("source", None)
            r.pop("publisher", None)
    lines += [_row_sentence(r) for r in records]
    return "\n\n".join(lines)


def _pick(rec: dict[str, str], *names: str) -> str:
    for n in names:
        if rec.get(n):
            return rec[n]
    return ""


def _row_sentence(rec: dict[str, str]) -> str:
    metric = _pick(rec, "metric", "measure", "indicator", "statistic", "variable", "description")
    value = _pick(rec, "value", "figure", "amount", "number", "percent", "share")
    unit = _pick(rec, "unit", "units")
    pop = _pick(rec, "population", "group", "geography", "country", "region")
    period = _pick(rec, "year", "period", "date")
    src = _pick(rec, "source", "publisher")
    used = {"metric", "measure", "indicator", "statistic", "variable", "description", "value", "figure", "amount",
            "number", "percent", "share", "unit", "units", "population", "group", "geography", "country", "region",
            "year", "period", "date", "source", "publisher"}
    sign = ""
    if value.startswith(("-", "−", "+")) or re.search(r"\b(?:change|growth|increase|decrease|decline)\b", metric, re.I):
        sign = "down " if value.startswith(("-", "−")) else "up "
        value = value.lstrip("-−+")
    if unit.lower() in ("%", "percent", "per cent", "pct"):
        figure = f"{sign}{value}%"
    elif unit.lower() in ("usd", "$", "dollars"):
        figure = f"${value}"
    else:
        figure = f"{sign}{value} {unit}".strip()
    parts = [f"{metric}: {figure}" if metric else figure]
    if pop:
        parts.append(f"among {pop}" if not pop.lower().startswith(("among", "in ")) else pop)
    if period:
        parts.append(f"in {period}")
    sentence = " ".join(parts)
    extra = [f"{k}: {v}" for k, v in rec.items() if k not in used and v]
    if extra:
        sentence += " (" + "; ".join(extra) + ")"
    if src:
        sentence += f", according to {src}"
    return sentence + "."


def _title(text: str, path: str) -> str:
    first = text.strip().split("\n", 1)[0].strip()
    if 3 <= len(first) <= 200:
        return first
    return Path(path).stem.replace("-", " ").replace("_", " ")


_META_RE = re.compile(r"^(?P<key>Publisher|Published|Released|Date|Method|Period|Population|Source|Author|Covers|Coverage)\s*:\s*(?P<val>.+)$", re.I | re.M)


def header_meta(text: str) -> dict[str, str]:
    """'Publisher: X' style header lines near the top of a source document."""
    head = text[:2000]
    meta = {m.group("key").lower(): m.group("val").strip() for m in _META_RE.finditer(head)}
    if "released" in meta and "published" not in meta:
        meta["published"] = meta.pop("released")
    return meta
