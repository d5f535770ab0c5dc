"""The review desk in a real browser: Playwright driving Debian's Chromium.

Skipped (with the reason) where /usr/bin/chromium or the playwright package is
missing; CI installs both. Never run `playwright install`: the system Chromium is
used. Screenshots of the queue and a claim page land in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from review.app import create_app
from store.db import session
from tests.review_fixtures import PASSWORD, add_accounts, build_db
from tests.served_desk import chromium, served, watched_page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app served by uvicorn on a free loopback port, in a background thread."""
    db = build_db(tmp_path / "browser.duckdb")
    add_accounts(db, {"Browser Editor": "editor", "Key Editor": "editor"})
    with served(create_app(str(db))) as base:
        yield base, db


@pytest.fixture
def page(browser):
    with watched_page(browser) as p:
        yield p


def sign_in(page, base: str, name: str) -> None:
    """Through the login page, as an editor would; the desk sends anonymous visitors there."""
    page.goto(base + "/")
    page.wait_for_url("**/login?next=*")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(base + "/")
    assert name in page.locator("#signed-in-as").inner_text()


def test_editor_signs_in_and_reviews_a_claim_in_the_browser(desk: tuple[str, Path], page) -> None:
    base, db = desk
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(base + "/login")
    page.fill("input[name=name]", "Browser Editor")
    page.fill("input[name=password]", "not the password")
    page.click("#sign-in")
    assert "Wrong name or password" in page.locator("#login-error").inner_text()
    sign_in(page, base, "Browser Editor")
    rows = page.locator("table#queue tbody tr")
    assert rows.count() == 8
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    page.get_by_role("link", name="a 58% increase in bookings for cosmetic treatments in 2022").click()
    page.wait_for_url("**/claims/cos-bookings")
    assert (
        page.locator("mark#claim-mark").inner_text()
        == "a 58% increase in bookings for cosmetic treatments in 2022"
    )
    assert "58% of surgeons reported an increase" in page.locator("article.evidence").first.inner_text()

    page.locator("label.pick.v-misrepresented").click()
    page.fill("textarea[name=note]", "The survey's 58% is a share of surgeons, not the size of the rise.")
    assert "Browser Editor" in page.locator("#reviewing-as").inner_text()
    page.screenshot(path=str(ARTIFACTS / "review-claim.png"), full_page=True)
    page.click("#save-stay")
    page.wait_for_url("**/claims/cos-bookings?saved=cos-bookings")
    assert "Decision saved" in page.locator("p.notice").inner_text()
    log = page.locator("#review-log").inner_text()
    assert "Browser Editor" in log and "share of surgeons" in log

    page.goto(base + "/?status=reviewed")
    row = page.locator("tr[data-claim=cos-bookings]")
    assert "reviewed by Browser Editor" in row.inner_text()

    with session(db) as con:
        assert con.execute(
            "SELECT verdict, reviewer, machine_verdict FROM reviews WHERE claim_id = 'cos-bookings'"
        ).fetchall() == [("misrepresented", "Browser Editor", "misrepresented")]

    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto(base + "/claims/cos-bookings")
    page.wait_for_url("**/login?next=*")  # signed out: back to the login page


def test_keyboard_shortcuts_move_and_confirm(desk: tuple[str, Path], page) -> None:
    base, db = desk
    sign_in(page, base, "Key Editor")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.locator("tr.selected").get_attribute("data-claim") == "teen-addicted"
    page.keyboard.press("Enter")
    page.wait_for_url("**/claims/teen-addicted")

    page.locator("label.pick.v-supported").click()  # shortcuts work outside text fields
    page.keyboard.press("c")  # confirm the machine verdict and go on to the next claim
    page.wait_for_url("**/claims/cos-social?saved=teen-addicted")

    page.keyboard.press("n")
    page.wait_for_url("**/claims/cos-bookings")
    page.keyboard.press("k")
    page.wait_for_url("**/claims/cos-social")
    assert "Key Editor" in page.locator("#reviewing-as").inner_text()  # the signed-in account

    with session(db) as con:
        assert con.execute(
            "SELECT verdict, reviewer FROM reviews WHERE claim_id = 'teen-addicted'"
        ).fetchall() == [("unverifiable", "Key Editor")]
