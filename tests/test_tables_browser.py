"""A claim checked against a table cell, on the claim page in Chromium: the evidence is drawn
as a small table excerpt (header row + the cell's row, the cell marked), and the JSON twin
carries the same provenance. The database is built by the real pipeline from a generated PDF."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows import service
from review.app import create_app
from tests.review_fixtures import add_accounts
from tests.served_desk import served
from tests.table_fixtures import bookings_pdf
from tests.test_review_browser import browser, page, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

ARTICLE = ("Cosmetic surgery demand soars\n\nBookings for Botox rose sharply: 58% of surgeons reported an increase "
           "in bookings for Botox in 2022, the association said.\n")


def test_claim_page_shows_the_table_excerpt_with_the_cell_marked(settings, tmp_path: Path, page) -> None:  # noqa: F811
    src = service.index_sources([str(bookings_pdf(tmp_path / "survey.pdf"))], settings)
    assert not src.errors
    art = tmp_path / "article.txt"
    art.write_text(ARTICLE)
    service.check_articles([str(art)], settings)
    db = str(settings.resolve(settings.database))
    con = duckdb.connect(db, read_only=True)
    claim_id = con.execute("SELECT claim_id FROM claim_verdicts WHERE claim_text LIKE '%58%%'"
                           " AND evidence_table IS NOT NULL").fetchone()[0]
    con.close()
    add_accounts(db, {"Table Editor": "editor"})
    with served(create_app(db)) as base:
        sign_in(page, base, "Table Editor")
        page.goto(f"{base}/claims/{claim_id}")
        fig = page.locator("article.evidence.used figure.table-excerpt")
        assert fig.count() == 1
        heads = fig.locator("thead th").all_inner_texts()
        assert heads == ["Procedure", "2021", "2022"]
        assert fig.locator("tbody td").all_inner_texts() == ["Botox", "41", "58"]
        assert fig.locator("td.hit mark").inner_text() == "58"
        assert fig.locator("th.hit").inner_text() == "2022"
        caption = fig.locator("figcaption").inner_text()
        assert "Share of surgeons reporting an increase in bookings" in caption and "page 1" in caption
        assert "Source: Surgeons Association" in fig.inner_text()
        twin = page.request.get(f"{base}/claims/{claim_id}.json").json()
        used = next(e for e in twin["evidence"] if e["used_for_verdict"])
        assert (used["page"], used["table_no"], used["row_no"], used["col_no"]) == (1, 1, 1, 3)
        assert used["table"]["row"] == ["Botox", "41", "58"]
