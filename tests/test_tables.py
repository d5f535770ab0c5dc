"""Tables as evidence: each reader on files made here, the statements they become, bad input.

PDFs are drawn with fpdf2 (a two-page table, a merged group header), spreadsheets written
with openpyxl (formulas with cached values, several sheets, an empty one), HTML tables
with caption/th/colspan/tfoot, wide and long CSVs. The pipeline test indexes a generated
PDF and a spreadsheet and checks an article's claims against their cells end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from claimdesk.errors import InputError
from flows import service
from sources.readers import read_document
from sources.tables import Table, cell_sentence, fill_merged, from_grid, statements

from .table_fixtures import bookings_pdf, bookings_xlsx, cache_formulas


def _cells(doc) -> dict[str, dict]:
    """Each table statement's text -> its origin."""
    return {doc.text[s:e]: o for s, e, o in doc.cells}


# --- the model --------------------------------------------------------------------------

def test_cell_sentence_keeps_title_headers_and_unit():
    t = from_grid([["Procedure", "2021", "2022"], ["Botox", "41", "58"]],
                  title="Table 1: Share of surgeons reporting an increase in bookings (%)")
    assert t is not None and t.units == "%"
    assert cell_sentence(t, t.rows[0], 2) == "Share of surgeons reporting an increase in bookings, Botox, 2022: 58%."
    sts = statements(t)
    assert [s.origin["col_no"] for s in sts] == [2, 3] and sts[1].origin["excerpt"]["row"] == ["Botox", "41", "58"]


def test_merged_header_label_repeats_and_group_headers_combine():
    assert fill_merged(["", "Year", None, "Total"]) == ["", "Year", "Year", "Total"]
    t = from_grid([["", "Men", None], ["Region", "2021", "2022"], ["North", "5", "6"]], title="Rates (per 1,000)")
    assert t is not None and t.columns == ("Region", "Men 2021", "Men 2022")
    assert len(t.rows) == 1


def test_empty_cells_and_headers_only_give_no_statements():
    assert from_grid([["A", "B"]], title="x") is None
    t = Table(title="T", columns=("Item", "Value"), rows=(("a", ""), ("b", "n/a")))
    assert statements(t) == []


# --- PDF ------------------------------------------------------------------------------

def test_pdf_table_becomes_cell_statements_with_caption_page_and_footnote(tmp_path):
    doc = read_document(str(bookings_pdf(tmp_path / "survey.pdf")))
    cells = _cells(doc)
    key = "Share of surgeons reporting an increase in bookings, Botox, 2022: 58%."
    assert key in cells
    o = cells[key]
    assert (o["page"], o["table_no"], o["row_no"], o["col_no"]) == (1, 1, 1, 3)
    assert o["excerpt"]["columns"] == ["Procedure", "2021", "2022"] and o["excerpt"]["row"] == ["Botox", "41", "58"]
    assert any("Source: Surgeons Association" in n for n in o["excerpt"]["footnotes"])
    assert "demand kept rising" in doc.text  # the prose outside the table is still read
    assert len(doc.cells) == 6


def test_pdf_table_spanning_two_pages_continues_with_the_same_headers(tmp_path):
    doc = read_document(str(bookings_pdf(tmp_path / "long.pdf", long_rows=60, merged=True)))
    origins = [o for _, _, o in doc.cells]
    assert {o["table_no"] for o in origins} == {1}  # one table, not two
    assert {o["page"] for o in origins} == {1, 2}
    assert len(origins) == 2 * 63  # the header repeated on page 2 is not a data row
    last = origins[-1]
    assert last["page"] == 2 and last["excerpt"]["row"] == ["Procedure 59", "19", "29"]
    # the merged group header spans both year columns
    assert last["excerpt"]["columns"] == ["Procedure", "Year of survey 2021", "Year of survey 2022"]
    assert "Procedure 59, Year of survey 2022: 29%." in doc.text


# --- spreadsheets -----------------------------------------------------------------------

def test_xlsx_every_sheet_formulas_as_cached_values_empty_sheet_skipped(tmp_path):
    path = bookings_xlsx(tmp_path / "bookings.xlsx")
    cache_formulas(path)
    doc = read_document(str(path))
    cells = _cells(doc)
    assert doc.format == "xlsx" and doc.title.startswith("Table 1: Share of surgeons")
    assert "Share of surgeons reporting an increase in bookings, All three, 2022: 121%." in cells
    assert not any("=" in t for t in cells)  # a formula is never read as its text
    proc = cells["Procedures, Rhinoplasty, Procedures performed 2022: 2110."]
    assert proc["excerpt"]["sheet"] == "Procedures" and proc["table_no"] == 2 and proc["page"] is None
    assert cells["Share of surgeons reporting an increase in bookings, Botox, 2021: 41%."]["excerpt"]["footnotes"] == [
        "Source: Surgeons Association member survey, 2023."]


def test_xlsx_formula_without_cached_value_is_left_out_not_invented(tmp_path):
    doc = read_document(str(bookings_xlsx(tmp_path / "fresh.xlsx")))  # openpyxl saves no cached values
    assert "All three" not in doc.text
    assert "Botox, 2022: 58%." in doc.text


def test_xlsx_empty_and_corrupt_are_one_line_errors_naming_the_file(tmp_path):
    import openpyxl

    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(InputError) as err:
        read_document(str(empty))
    assert "empty.xlsx" in str(err.value) and "no data" in str(err.value) and "\n" not in str(err.value)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(InputError) as err:
        read_document(str(corrupt))
    assert "corrupt.xlsx" in str(err.value) and "spreadsheet" in str(err.value) and "\n" not in str(err.value)


# --- HTML and CSV -------------------------------------------------------------------------

HTML = """<html><head><title>Survey</title></head><body><article>
<h1>Survey of members</h1><p>Most members were busier than in 2021.</p>
<table><caption>Procedures performed (thousands)</caption>
<thead><tr><th></th><th colspan="2">Year</th></tr><tr><th>Procedure</th><th>2021</th><th>2022</th></tr></thead>
<tbody><tr><th>Rhinoplasty</th><td>1.9</td><td>2.1</td></tr><tr><th>Facelift</th><td>0.8</td><td>1.2</td></tr></tbody>
<tfoot><tr><td colspan="3">Source: member returns.</td></tr></tfoot></table>
<p>The figures are provisional.</p></article></body></html>"""


def test_html_table_caption_th_colspan_and_tfoot(tmp_path):
    p = tmp_path / "survey.html"
    p.write_text(HTML)
    doc = read_document(str(p), article=False)  # a source document
    cells = _cells(doc)
    key = "Procedures performed, Rhinoplasty, Year 2022: 2.1 thousands."
    assert key in cells, list(cells)
    o = cells[key]
    assert o["excerpt"]["columns"] == ["Procedure", "Year 2021", "Year 2022"] and o["excerpt"]["footnotes"] == ["Source: member returns."]
    assert "The figures are provisional." in doc.text and "Most members were busier" in doc.text
    assert doc.text.count("1.9") == 1  # the table is read once, as statements, not also as loose cells


def test_csv_wide_gives_cells_long_gives_rows(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("Procedure,2021,2022\nBotox,41%,58%\n")
    cells = _cells(read_document(str(wide)))
    assert cells["Botox, 2022: 58%."]["col_no"] == 3
    long = tmp_path / "long.csv"
    long.write_text("metric,value,unit,year,source\nSurgeons reporting more bookings,58,%,2022,BAAPS\n")
    doc = read_document(str(long))
    (o,) = _cells(doc).values()
    assert o["row_no"] == 1 and o["excerpt"]["columns"][o["excerpt"]["col"]] == "value"
    assert doc.meta.get("publisher") == "BAAPS"


# --- end to end ---------------------------------------------------------------------------

ARTICLE = """Cosmetic surgery demand soars

Bookings for Botox rose sharply: 58% of surgeons reported an increase in bookings for Botox in 2022, the association said.

Rhinoplasty is booming too, with 2,110 rhinoplasty procedures performed in 2022.
"""


def test_article_claims_checked_against_table_cells_end_to_end(settings, tmp_path):
    pdf = bookings_pdf(tmp_path / "survey.pdf")
    xlsx = bookings_xlsx(tmp_path / "procedures.xlsx", bookings=False)
    corrupt = tmp_path / "broken.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 broken")
    src = service.index_sources([str(pdf), str(xlsx), str(corrupt)], settings)
    assert sorted(Path(p).name for p in src.processed) == ["procedures.xlsx", "survey.pdf"]
    assert len(src.errors) == 1 and "broken.xlsx" in src.errors[0]
    art = tmp_path / "article.txt"
    art.write_text(ARTICLE)
    run = service.check_articles([str(art)], settings)
    assert not run.errors
    con = duckdb.connect(str(settings.resolve(settings.database)), read_only=True)
    try:
        rows = con.execute("SELECT claim_text, verdict, evidence_text, evidence_page, evidence_table_no,"
                           " evidence_row_no, evidence_col_no, evidence_table FROM claim_verdicts").fetchall()
    finally:
        con.close()
    botox = next(r for r in rows if "58%" in r[0])
    assert botox[1] == "supported", botox
    assert "Botox, 2022: 58%" in botox[2]
    assert botox[3:7] == (1, 1, 1, 3)
    excerpt = json.loads(botox[7])
    assert excerpt["row"][excerpt["col"]] == "58"
    rhino = next(r for r in rows if "2,110" in r[0])
    assert rhino[1] == "supported", rhino
    assert json.loads(rhino[7])["sheet"] == "Procedures" and rhino[3] is None
