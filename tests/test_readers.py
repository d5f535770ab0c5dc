"""Reading every supported format, and one-line errors for bad files."""

from __future__ import annotations

import pytest

from claimdesk.errors import InputError
from sources.readers import iter_paths, read_document

HTML = """<html><head><title>Survey results</title><style>p{color:red}</style><script>var x = "99% fake";</script></head>
<body><nav>Home | About 42% more</nav><!-- 77% hidden comment --><main><h1>Survey results</h1>
<p>58% of surgeons reported an increase in bookings.</p></main><footer>(c) 2023</footer></body></html>"""


def test_html_keeps_only_main_text(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(HTML)
    doc = read_document(str(p))
    assert "58% of surgeons" in doc.text
    for junk in ("99% fake", "42% more", "77% hidden", "color:red", "(c) 2023"):
        assert junk not in doc.text
    assert doc.format == "html" and doc.title == "Survey results"


def test_markdown_and_header_metadata(tmp_path):
    p = tmp_path / "s.md"
    p.write_text("# Annual survey, 2022 results\n\nPublisher: Example Academy (EA)\n<!-- note: 12% -->\n\n"
                 "- **58%** of members reported an increase.\n")
    doc = read_document(str(p))
    assert doc.meta["publisher"] == "Example Academy (EA)"
    assert "58% of members reported an increase." in doc.text
    assert "12%" not in doc.text and "**" not in doc.text


def test_csv_rows_become_sentences(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("year,metric,population,value,unit,source\n2020,resident population,Texas,29145505,people,Census Bureau\n"
                 "2010-2020,percent change in resident population,Texas,15.9,percent,Census Bureau\n")
    doc = read_document(str(p))
    assert "Publisher: Census Bureau" in doc.text
    assert "resident population: 29145505 people among Texas in 2020." in doc.text
    assert "up 15.9%" in doc.text


def test_ragged_csv_names_the_row(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("a,b\n1,2\n1,2,3\n")
    with pytest.raises(InputError, match=r"bad.csv: CSV row 3 has 3 fields"):
        read_document(str(p))


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"   \n\t\n", "empty or whitespace"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_bad_files_give_one_line_errors(tmp_path, content, message):
    p = tmp_path / "article.txt"
    p.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_document(str(p))
    assert message in str(info.value) and str(p) in str(info.value) and "\n" not in str(info.value)


def test_legacy_encodings(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Caf\xe9 prices rose 12% in 2022.".encode("latin-1"))
    assert "Café" in read_document(str(p)).text
    p2 = tmp_path / "utf16.txt"
    p2.write_bytes("Prices rose 12% in 2022.".encode("utf-16"))
    assert "rose 12%" in read_document(str(p2)).text


def test_malformed_pdf(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(InputError, match="broken.pdf"):
        read_document(str(p))


def test_folders_expand_and_missing_paths_are_reported(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "skip.bin").write_text("x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    got = list(iter_paths([str(tmp_path / "a"), str(tmp_path / "missing.txt")]))
    assert [p for p, e in got if e is None] == [str((tmp_path / "a" / "one.txt").absolute())]
    assert any(e is not None and "no such file" in str(e) for _, e in got)
