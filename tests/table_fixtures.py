"""Table documents made in the tests: PDFs drawn with fpdf2, spreadsheets with openpyxl."""

from __future__ import annotations

from pathlib import Path

BOOKINGS_TITLE = "Table 1: Share of surgeons reporting an increase in bookings (%)"
BOOKINGS = [["Procedure", "2021", "2022"], ["Botox", "41", "58"], ["Fillers", "37", "44"], ["Facelift", "12", "19"]]


def bookings_pdf(path: Path, *, long_rows: int = 0, merged: bool = False) -> Path:
    """A report page: a paragraph, a captioned table, a note, more prose. `long_rows` adds
    rows so the table runs onto a second page (fpdf2 repeats the header there, as
    report tools do); `merged` puts a group header spanning the year columns."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, "Annual survey of cosmetic surgeons. Publisher: Surgeons Association. "
                         "Members reported a busy year.")
    pdf.ln(4)
    pdf.cell(0, 6, BOOKINGS_TITLE)
    pdf.ln(8)
    rows = BOOKINGS + [[f"Procedure {i}", str(10 + i % 50), str(20 + i % 50)] for i in range(long_rows)]
    with pdf.table(first_row_as_headings=True, num_heading_rows=2 if merged else 1) as table:
        if merged:
            r = table.row()
            r.cell("")
            r.cell("Year of survey", colspan=2)
        for data_row in rows:
            r = table.row()
            for cell in data_row:
                r.cell(cell)
    pdf.ln(2)
    pdf.cell(0, 6, "Source: Surgeons Association member survey, 2023.")
    pdf.ln(8)
    pdf.multi_cell(0, 6, "The association said demand kept rising after the pandemic.")
    pdf.output(str(path))
    return path


def bookings_xlsx(path: Path, *, with_formula: bool = True, empty_sheet: bool = True, bookings: bool = True) -> Path:
    """Two sheets of figures (one with a formula cell), and an empty sheet. Without
    `bookings`, the first sheet holds other figures (so a PDF of the bookings table is
    the only source of them)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bookings" if bookings else "Staff"
    if not bookings:
        ws.append(["Members", "2022"])
        ws.append(["Surgeons", 310])
        ws.append(["Nurses", 95])
    for row in [[BOOKINGS_TITLE], *BOOKINGS] if bookings else []:
        ws.append([row[0]] + [int(c) if c.isdigit() else c for c in row[1:]])
    if with_formula and bookings:
        ws.append(["All three", "=B3+B4+B5", "=C3+C4+C5"])
    if bookings:
        ws.append(["Source: Surgeons Association member survey, 2023."])
    ws2 = wb.create_sheet("Procedures")
    ws2.append(["Procedure", "Procedures performed 2022"])
    ws2.append(["Breast augmentation", 6700])
    ws2.append(["Rhinoplasty", 2110])
    if empty_sheet:
        wb.create_sheet("Notes")
    wb.save(path)
    return path


def cache_formulas(path: Path) -> None:
    """Give formula cells a cached value, as Excel does on save (openpyxl writes none).

    The workbook XML is edited in place: <f>B3+B4+B5</f> gets <v>90</v> beside it.
    """
    import zipfile

    src = zipfile.ZipFile(path)
    items = {n: src.read(n) for n in src.namelist()}
    src.close()
    sheet = "xl/worksheets/sheet1.xml"
    xml = items[sheet].decode()
    for formula, value in (("B3+B4+B5", "90"), ("C3+C4+C5", "121")):
        xml = xml.replace(f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{value}</v>")
        xml = xml.replace(f"<f>{formula}</f>", f"<f>{formula}</f><v>{value}</v>") if f"<v>{value}</v>" not in xml else xml
    items[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w") as out:
        for n, data in items.items():
            out.writestr(n, data)
