"""The long report `benchmarks.command_memory` indexes is a real PDF the product reads."""

from __future__ import annotations

from benchmarks.command_memory import write_long_pdf
from sources.readers import read_document


def test_generated_report_has_a_chapter_a_page_and_reads_back(tmp_path):
    path = tmp_path / "report.pdf"
    findings = write_long_pdf(path, 3)
    text = read_document(str(path)).text
    assert findings >= 3 * 5
    for page in (1, 2, 3):
        assert f"Chapter {page}." in text
    assert "Chapter 4." not in text
    assert sum(ch.isdigit() for ch in text) > 50  # the findings' figures survive the round trip
