"""Bad input never stops a batch: each bad file is one line naming it and the problem,
the rest is processed, and the exit status says something failed.

Most cases test the reading step (`read_document`, `iter_paths`, `read_documents`),
which is where bad input is caught; one test runs the real `claimdesk check` on a
folder mixing good and bad files.
"""

from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path

import pytest

from claimdesk.errors import InputError
from flows.cli import main
from flows.steps import read_documents
from sources.readers import MAX_TEXT_BYTES, iter_paths, read_document

from .conftest import DEMO, DEVSET

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _one_line_error(path: Path | str, expected: str) -> str:
    with pytest.raises(InputError) as info:
        read_document(str(path))
    msg = str(info.value)
    assert expected in msg and str(path) in msg and "\n" not in msg, msg
    return msg


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("empty.txt", b"", "empty"),
    ("spaces.txt", b"  \n\t\r\n \n", "whitespace only"),
    ("bom-only.txt", b"\xef\xbb\xbf", "empty"),
    ("image.txt", PNG, "binary file"),
    ("zip.md", b"PK\x03\x04" + bytes(range(256)) * 4, "binary file"),
    ("nul.txt", b"text\x00with\x00nuls" * 10, "binary file"),
    ("controls.txt", bytes(range(1, 32)) * 40, "binary file"),
    ("empty.html", b"<html><head><script>x=1</script></head><body><nav>Home</nav></body></html>", "empty"),
    ("header-only.csv", b"metric,value\n", "no data rows"),
    ("bad.utf16.txt", b"\xff\xfe" + b"\x00\xd8" * 3, "not valid UTF-16"),
])
def test_unreadable_files_are_one_line_errors(tmp_path, name, content, expected):
    p = tmp_path / name
    p.write_bytes(content)
    _one_line_error(p, expected)


@pytest.mark.parametrize(("encode", "label"), [
    (lambda s: s.encode("latin-1"), "latin-1"),
    (lambda s: s.encode("cp1252"), "windows-1252"),
    (lambda s: s.encode("utf-16"), "utf-16 with BOM"),
    (lambda s: b"\xfe\xff" + s.encode("utf-16-be"), "utf-16 big-endian with BOM"),
    (lambda s: s.encode("utf-16-le"), "utf-16 without BOM"),
    (lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), "utf-8 with BOM"),
])
def test_legacy_encodings_are_read(tmp_path, encode, label):
    p = tmp_path / "legacy.txt"
    p.write_bytes(encode("Café prices rose 12% in 2022, according to the Bureau."))
    doc = read_document(str(p))
    assert "Café prices rose 12% in 2022" in doc.text, label
    assert "\ufeff" not in doc.text


def test_a_20_mb_article_is_refused_quickly_with_what_to_do(tmp_path):
    """A news article is tens of kilobytes; 20 MB is a dump or many files in one.
    Refused from its size alone (nothing is decoded or parsed), with the fix in the message."""
    p = tmp_path / "huge article.txt"
    line = b"Prices rose 12% in 2022, the survey of 1,000 shoppers found.\n"
    p.write_bytes(line * (20 * 1024 * 1024 // len(line) + 1))
    t0 = time.perf_counter()
    msg = _one_line_error(p, "MB, over the 10 MB limit")
    assert time.perf_counter() - t0 < 1.0
    assert "split it" in msg
    # Just under the limit is read (and extraction then runs as for any long text).
    q = tmp_path / "long.txt"
    q.write_bytes(line * ((MAX_TEXT_BYTES - 1024) // len(line)))
    assert len(read_document(str(q)).text) > 9_000_000


def test_html_keeps_only_the_article_text(tmp_path):
    html = """<!DOCTYPE html><html><head><title>Teens online</title>
    <style>body { content: "11% styled"; }</style>
    <script>var tracker = "22% scripted"; document.write("<p>33% written by script</p>");</script>
    <script type="application/ld+json">{"headline": "44% in JSON-LD"}</script></head>
    <body onload="alert('55% handler')">
    <header><a href="/">Home</a> 66% header</header>
    <nav><ul><li>News</li><li>77% nav item</li></ul></nav>
    <!-- 88% in a comment --><!--[if IE]><p>99% conditional comment</p><![endif]-->
    <aside>Most read: 12% sidebar</aside>
    <article><h1>Teens online</h1>
      <p>Nearly half of U.S. teens (46%) say they are online almost constantly.</p>
      <noscript>13% noscript</noscript><iframe src="x">14% iframe</iframe>
      <form><label>15% newsletter form</label></form>
      <p>That is up from 24% in 2014-15.</p></article>
    <footer>© 2023, 16% footer</footer></body></html>"""
    p = tmp_path / "page.html"
    p.write_text(html)
    doc = read_document(str(p))
    assert "Nearly half of U.S. teens (46%) say they are online almost constantly." in doc.text
    assert "That is up from 24% in 2014-15." in doc.text
    for junk in ("11%", "22%", "33%", "44%", "55%", "66%", "77%", "88%", "99%", "12%", "13%", "14%", "15%", "16%"):
        assert junk not in doc.text, junk


def test_hostile_html_is_an_error_not_a_crash(tmp_path):
    p = tmp_path / "deep.html"
    p.write_text("<div>" * 50_000 + "58% of surgeons" + "</div>" * 50_000)
    try:
        doc = read_document(str(p))
        assert "58% of surgeons" in doc.text
    except InputError as exc:
        assert "deep.html" in str(exc)


def _pdf(tmp_path: Path, name: str, user: str | None = None, owner: str = "owner") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(DEVSET / "sources" / "cdc-obesity-facts-2022.pdf"))
    if user is not None:
        writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    p = tmp_path / name
    p.write_bytes(buf.getvalue())
    return p


def test_encrypted_pdf_is_refused(tmp_path):
    _one_line_error(_pdf(tmp_path, "locked.pdf", user="secret"), "PDF is encrypted")
    # Encrypted only against editing (empty user password): readable.
    assert "obesity" in read_document(str(_pdf(tmp_path, "no-edit.pdf", user=""))).text.lower()


@pytest.mark.parametrize(("name", "mangle"), [
    ("garbage.pdf", lambda raw: b"%PDF-1.7\n" + os.urandom(3000)),
    ("truncated.pdf", lambda raw: raw[: len(raw) // 3]),
    ("not-a-pdf.pdf", lambda raw: b"<html>this was a web page</html>"),
    ("empty.pdf", lambda raw: b""),
])
def test_malformed_pdf_is_an_error_naming_it(tmp_path, name, mangle):
    raw = _pdf(tmp_path, "ok.pdf").read_bytes()
    p = tmp_path / name
    p.write_bytes(mangle(raw))
    try:
        doc = read_document(str(p))  # pypdf may repair a truncated file: then it is simply read
        assert doc.text.strip()
    except InputError as exc:
        assert name in str(exc) and "\n" not in str(exc)


def test_ragged_csv(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("year,metric,value,unit\n2020,population,100,people\n2021,population,101,people,extra,cells\n")
    _one_line_error(p, "CSV row 3 has 6 fields, header has 4")
    short = tmp_path / "short-rows.csv"  # missing trailing cells are padded, as spreadsheets export them
    short.write_text("year,metric,value,unit\n2020,population,100\n2021,population,101,people\n")
    assert "population: 100 in 2020." in read_document(str(short)).text
    huge = tmp_path / "huge-field.csv"
    huge.write_text("metric,value\n" + "x" * 200_000 + ",1\n")
    _one_line_error(huge, "malformed CSV")


def test_unreachable_url_fails_fast_with_a_clear_error():
    t0 = time.perf_counter()
    msg = _one_line_error("http://127.0.0.1:9/article.html", "cannot fetch URL")
    assert "refused" in msg.lower()
    assert time.perf_counter() - t0 < 5.0


def test_a_folder_of_3000_files_expands_and_reads_quickly(tmp_path):
    folder = tmp_path / "inbox"
    for d in range(30):
        sub = folder / f"day-{d:02d}"
        sub.mkdir(parents=True)
        for i in range(100):
            (sub / f"story-{i:03d}.txt").write_text(f"Story {d}-{i}\n\nPrices rose {i % 50}% in 2022.\n")
    (folder / "day-00" / "notes.docx").write_bytes(b"PK\x03\x04")  # unsupported: not listed
    (folder / "day-00" / ".hidden.txt").write_text("x")  # hidden: not listed
    (folder / "day-01" / "zero.txt").write_text("")
    t0 = time.perf_counter()
    paths = list(iter_paths([str(folder)]))
    expand = time.perf_counter() - t0
    assert len(paths) == 3001 and all(err is None for _, err in paths)
    assert [p for p, _ in paths] == sorted((p for p, _ in paths), key=lambda p: Path(p).parts)
    t0 = time.perf_counter()
    docs, errors = read_documents([str(folder)])
    read = time.perf_counter() - t0
    assert len(docs) == 3000 and len(errors) == 1 and "zero.txt" in errors[0]
    assert expand < 5 and read < 60, (expand, read)  # in practice ~0.05 s and ~1 s


def test_symlink_loops_and_broken_links(tmp_path):
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "story.txt").write_text("Prices rose 12% in 2022.\n")
    (folder / "sub" / "back-to-top").symlink_to(folder)  # a folder loop: cut, nothing lost
    (folder / "sub" / "again").symlink_to(folder / "sub")
    (folder / "self.txt").symlink_to(folder / "self.txt")  # a file link to itself
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "gone.md").symlink_to(tmp_path / "deleted.md")
    got = dict(iter_paths([str(folder)]))
    ok = [p for p, e in got.items() if e is None]
    assert ok == [str(folder / "sub" / "story.txt")]
    problems = {Path(p).name: str(e) for p, e in got.items() if e is not None}
    assert set(problems) == {"self.txt", "a.txt", "b.txt", "gone.md"}
    assert "symbolic link loop" in problems["self.txt"] and "symbolic link loop" in problems["a.txt"]
    assert "broken symbolic link" in problems["gone.md"]
    # Named directly, too.
    [(path, err)] = list(iter_paths([str(folder / "self.txt")]))
    assert err is not None and "symbolic link loop" in str(err)


def test_file_names_with_spaces_and_unicode(tmp_path):
    folder = tmp_path / "Ünïcödé folder"
    folder.mkdir()
    names = ["my article — café 2023.txt", "数据 报告.md", "emoji 😀 story.html", "tab\tand 'quotes'.txt"]
    for n in names:
        (folder / n).write_text(f"<p>{n}: prices rose 12% in 2022.</p>" if n.endswith(".html") else f"{n}\n\nPrices rose 12%.\n")
    docs, errors = read_documents([str(folder)])
    assert not errors and sorted(Path(d.path).name for d in docs) == sorted(names)
    assert len({d.doc_id for d in docs}) == 4
    # A name that is not UTF-8 at all (legal on Linux): reported, not crashed on.
    raw = os.fsencode(folder) + b"/caf\xe9 latin-1 name.txt"
    with open(raw, "wb") as fh:
        fh.write(b"Prices rose 12%.")
    docs, errors = read_documents([str(folder)])
    assert len(docs) == 4 and len(errors) == 1
    assert "not valid UTF-8" in errors[0] and "caf\\xe9 latin-1 name.txt" in errors[0]
    errors[0].encode("utf-8")  # printable


def test_special_files_do_not_hang(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _one_line_error(fifo, "not a regular file")
    _one_line_error(tmp_path / "missing.txt", "no such file")
    _one_line_error("/dev/zero", "not a regular file")


@pytest.mark.slow
def test_check_reports_each_bad_input_and_processes_the_rest(settings, prefect_harness, tmp_path, capsys):
    """The real CLI: one good article (with a Unicode name) among bad files and a dead URL."""
    from flows.service import index_sources

    index_sources([str(DEMO / "sources")], settings)
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(DEMO / "articles" / "baby-botox-trend.txt", batch / "botox — tendência 2023.txt")
    (batch / "empty.txt").write_text("")
    (batch / "photo.txt").write_bytes(PNG)
    (batch / "ragged.csv").write_text("a,b\n1,2\n1,2,3\n")
    (batch / "loop.txt").symlink_to(batch / "loop.txt")
    _pdf(batch, "locked.pdf", user="secret")
    db = str(settings.resolve(settings.database))
    code = main(["--db", db, "check", str(batch), "http://127.0.0.1:9/gone.html", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1
    skipped = [line for line in err.splitlines() if line.startswith("claimdesk: skipped")]
    assert len(skipped) == 6, err
    for name in ("empty.txt", "photo.txt", "ragged.csv", "loop.txt", "locked.pdf", "127.0.0.1:9"):
        assert sum(name in line for line in skipped) == 1, (name, err)
    assert "Traceback" not in err
    assert "1 checked" in out and "6 failed" in out
