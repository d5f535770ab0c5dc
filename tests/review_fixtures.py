"""A small, realistic claimdesk database for the review desk tests, written with plain SQL.

The claim pipeline is not needed: two articles, three source documents, eight claims
with candidate matches, verdict history and one editor review are inserted directly,
with character offsets computed from the stored texts the way the pipeline stores them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from store.db import connect, session, transaction

COSMETIC = """Cosmetic procedures boom as younger patients flock to clinics

Facial plastic surgeons are busier than ever. A survey by the American Academy of Facial Plastic and Reconstructive Surgery found a 58% increase in bookings for cosmetic treatments in 2022.

Three-quarters of surgeons surveyed said patients under 30 were asking for injectables, and nearly 80% of patients now cite social media as the reason they booked.

"I have never seen a waiting list like this," said one surgeon in Ohio.
"""

TEENS = """Teens spend nearly five hours a day on social media

U.S. teens spend an average of 4.8 hours a day on social media, according to a Gallup survey of 1,591 teenagers aged 13 to 19.

Pew Research Center reports that 95% of U.S. teens have access to a smartphone. Half of teenagers worldwide say they feel addicted to their phones.

The most popular platform, YouTube, racks up millions of views from teens every day.
"""

SOURCES: list[dict[str, Any]] = [
    {
        "source_id": "src-aafprs",
        "title": "AAFPRS 2022 Annual Survey",
        "publisher": "AAFPRS",
        "published": "2023-02-14",
        "period": "2022",
        "statements": [
            (
                "st-bookings",
                "58% of surgeons reported an increase in bookings and treatments in 2022.",
                {
                    "value": 58.0,
                    "low": 57.5,
                    "high": 58.5,
                    "unit": "percent",
                    "measure": "share",
                    "subject": "bookings and treatments",
                    "population": "AAFPRS facial plastic surgeons surveyed",
                    "period": "2022",
                    "attribution": "AAFPRS",
                },
            ),
            (
                "st-under30",
                "75% of surgeons surveyed saw patients under 30 requesting injectables.",
                {
                    "value": 75.0,
                    "low": 74.5,
                    "high": 75.5,
                    "unit": "percent",
                    "measure": "share",
                    "subject": "patients under 30 requesting injectables",
                    "population": "AAFPRS facial plastic surgeons surveyed",
                    "period": "2022",
                    "attribution": "AAFPRS",
                },
            ),
            (
                "st-social",
                "64% of patients cited social media as a reason for their procedure.",
                {
                    "value": 64.0,
                    "low": 63.5,
                    "high": 64.5,
                    "unit": "percent",
                    "measure": "share",
                    "subject": "patients citing social media",
                    "population": "patients of AAFPRS members",
                    "period": "2022",
                    "attribution": "AAFPRS",
                },
            ),
        ],
    },
    {
        "source_id": "src-gallup",
        "title": "Gallup: Teens and Social Media, 2023",
        "publisher": "Gallup",
        "published": "2023-10-13",
        "period": "2023",
        "statements": [
            (
                "st-hours",
                "U.S. teenagers spend an average of 4.8 hours per day on social media.",
                {
                    "value": 4.8,
                    "low": 4.75,
                    "high": 4.85,
                    "unit": "hours",
                    "measure": "level",
                    "subject": "time on social media per day",
                    "population": "U.S. teens 13-19",
                    "period": "2023",
                    "attribution": "Gallup",
                },
            ),
        ],
    },
    {
        "source_id": "src-pew",
        "title": "Pew Research Center: Teens, Social Media and Technology 2023",
        "publisher": "Pew Research Center",
        "published": "2023-12-11",
        "period": "2023",
        "statements": [
            (
                "st-phone",
                "95% of teens ages 13 to 17 say they have access to a smartphone.",
                {
                    "value": 95.0,
                    "low": 94.5,
                    "high": 95.5,
                    "unit": "percent",
                    "measure": "share",
                    "subject": "access to a smartphone",
                    "population": "U.S. teens 13-17",
                    "period": "2023",
                    "attribution": "Pew",
                },
            ),
            (
                "st-online",
                "About half of U.S. teens say they are online almost constantly.",
                {
                    "value": 50.0,
                    "low": 45.0,
                    "high": 55.0,
                    "unit": "percent",
                    "measure": "share",
                    "subject": "online almost constantly",
                    "population": "U.S. teens 13-17",
                    "period": "2023",
                    "attribution": "Pew",
                },
            ),
        ],
    },
]

# claim id, article, claim text, fields, matches [(statement, similarity)], verdicts (oldest first)
CLAIMS: list[dict[str, Any]] = [
    {
        "claim_id": "cos-bookings",
        "article_id": "art-cosmetic",
        "text": "a 58% increase in bookings for cosmetic treatments in 2022",
        "fields": {
            "claim_type": "statistical",
            "quantity_text": "58%",
            "value": 58.0,
            "low": 57.5,
            "high": 58.5,
            "unit": "percent",
            "measure": "change",
            "direction": "up",
            "subject": "bookings",
            "population": "facial plastic surgeons",
            "period": "2022",
            "attribution": "AAFPRS",
        },
        "matches": [("st-bookings", 0.86), ("st-under30", 0.52)],
        "verdicts": [
            (
                "supported",
                0.55,
                True,
                "The figure 58% appears in the AAFPRS survey.",
                "st-bookings",
                0.86,
                ["value", "period"],
                [],
                "2024-05-01 09:00:00",
            ),
            (
                "misrepresented",
                0.82,
                True,
                "The source's 58% is the share of surgeons who saw an increase, not the size of the increase.",
                "st-bookings",
                0.86,
                ["value", "subject", "period", "attribution"],
                ["measure"],
                "2024-05-02 09:00:00",
            ),
        ],
    },
    {
        "claim_id": "cos-under30",
        "article_id": "art-cosmetic",
        "text": "Three-quarters of surgeons surveyed said patients under 30 were asking for injectables",
        "fields": {
            "claim_type": "statistical",
            "quantity_text": "Three-quarters",
            "value": 75.0,
            "low": 72.5,
            "high": 77.5,
            "unit": "percent",
            "measure": "share",
            "subject": "patients under 30 asking for injectables",
            "population": "surgeons surveyed",
            "period": None,
            "attribution": "AAFPRS",
        },
        "matches": [("st-under30", 0.91), ("st-bookings", 0.48)],
        "verdicts": [
            (
                "supported",
                0.91,
                False,
                "75% of surgeons surveyed saw patients under 30 requesting injectables.",
                "st-under30",
                0.91,
                ["value", "measure", "population", "attribution"],
                [],
                "2024-05-02 09:00:01",
            )
        ],
    },
    {
        "claim_id": "cos-social",
        "article_id": "art-cosmetic",
        "text": "nearly 80% of patients now cite social media",
        "fields": {
            "claim_type": "statistical",
            "quantity_text": "nearly 80%",
            "value": 80.0,
            "low": 75.0,
            "high": 80.0,
            "unit": "percent",
            "hedge": "nearly",
            "measure": "share",
            "subject": "patients citing social media",
            "population": "patients",
            "period": None,
            "attribution": "AAFPRS",
        },
        "matches": [("st-social", 0.88)],
        "verdicts": [
            (
                "contradicted",
                0.74,
                True,
                "The survey says 64% of patients, not nearly 80%.",
                "st-social",
                0.88,
                ["measure", "subject", "attribution"],
                ["value"],
                "2024-05-02 09:00:02",
            )
        ],
    },
    {
        "claim_id": "cos-quote",
        "article_id": "art-cosmetic",
        "text": "I have never seen a waiting list like this",
        "fields": {
            "claim_type": "quote",
            "checkable": False,
            "not_checkable_reason": "quote of personal experience",
        },
        "matches": [],
        "verdicts": [
            (
                "not_checkable",
                0.95,
                False,
                "A quote of personal experience.",
                None,
                None,
                [],
                [],
                "2024-05-02 09:00:03",
            )
        ],
    },
    {
        "claim_id": "teen-hours",
        "article_id": "art-teens",
        "text": "an average of 4.8 hours a day on social media",
        "fields": {
            "claim_type": "statistical",
            "quantity_text": "4.8 hours",
            "value": 4.8,
            "low": 4.75,
            "high": 4.85,
            "unit": "hours",
            "measure": "level",
            "subject": "time on social media per day",
            "population": "U.S. teens",
            "period": None,
            "attribution": "Gallup",
        },
        "matches": [("st-hours", 0.93)],
        "verdicts": [
            (
                "supported",
                0.88,
                False,
                "Gallup reports an average of 4.8 hours per day.",
                "st-hours",
                0.93,
                ["value", "measure", "population", "attribution"],
                [],
                "2024-05-02 09:00:04",
            ),
            # A later run, after the editor's review: recorded, but the editor's verdict stands.
            (
                "misrepresented",
                0.61,
                True,
                "The article says teens aged 13 to 19; check the population.",
                "st-hours",
                0.93,
                ["value", "measure"],
                ["population"],
                "2024-05-04 09:00:00",
            ),
        ],
        "review": (
            "supported",
            "Gallup table 2 confirms 4.8 hours for 13-19.",
            "Dana Whitfield",
            "2024-05-03 11:30:00",
        ),
    },
    {
        "claim_id": "teen-phone",
        "article_id": "art-teens",
        "text": "95% of U.S. teens have access to a smartphone",
        "fields": {
            "claim_type": "statistical",
            "quantity_text": "95%",
            "value": 95.0,
            "low": 94.5,
            "high": 95.5,
            "unit": "percent",
            "measure": "share",
            "subject": "access to a smartphone",
            "population": "U.S. teens",
            "period": None,
            "attribution": "Pew",
        },
        "matches": [("st-phone", 0.9), ("st-online", 0.44)],
        "verdicts": [
            (
                "supported",
                0.52,
                True,
                "Pew reports 95%, for teens aged 13 to 17.",
                "st-phone",
                0.9,
                ["value", "measure", "attribution"],
                [],
                "2024-05-02 09:00:05",
            )
        ],
    },
    {
        "claim_id": "teen-addicted",
        "article_id": "art-teens",
        "text": "Half of teenagers worldwide say they feel addicted to their phones",
        "fields": {
            "claim_type": "statistical",
            "quantity_text": "Half",
            "value": 50.0,
            "low": 45.0,
            "high": 55.0,
            "unit": "percent",
            "measure": "share",
            "subject": "feel addicted to their phones",
            "population": "teenagers worldwide",
            "period": None,
            "attribution": None,
        },
        "matches": [("st-online", 0.41)],
        "verdicts": [
            (
                "unverifiable",
                0.6,
                True,
                "No source covers teenagers worldwide feeling addicted.",
                None,
                None,
                [],
                [],
                "2024-05-02 09:00:06",
            )
        ],
    },
    {
        "claim_id": "teen-views",
        "article_id": "art-teens",
        "text": "millions of views",
        "fields": {"claim_type": "vague", "checkable": False, "not_checkable_reason": "vague quantity"},
        "matches": [],
        "verdicts": [
            ("not_checkable", 0.9, False, "A vague quantity.", None, None, [], [], "2024-05-02 09:00:07")
        ],
    },
]

_CLAIM_FIELDS = (
    "claim_type",
    "quantity_text",
    "value",
    "low",
    "high",
    "unit",
    "hedge",
    "measure",
    "direction",
    "subject",
    "population",
    "period",
    "attribution",
    "checkable",
    "not_checkable_reason",
)


def add_article(con: duckdb.DuckDBPyConnection, article_id: str, title: str, text: str) -> None:
    con.execute(
        "INSERT INTO articles (article_id, path, title, text, content_hash) VALUES (?, ?, ?, ?, ?)",
        [article_id, f"articles/{article_id}.txt", title, text, f"hash-{article_id}"],
    )


def add_claim(
    con: duckdb.DuckDBPyConnection,
    claim_id: str,
    article_id: str,
    article_text: str,
    claim_text: str,
    fields: dict[str, Any],
) -> None:
    """Insert a claim whose offsets point at `claim_text` inside the article's stored text."""
    start = article_text.index(claim_text)
    end = start + len(claim_text)
    s_start = max(article_text.rfind(". ", 0, start) + 2, article_text.rfind("\n", 0, start) + 1)
    s_end = article_text.find(".", end)
    s_end = len(article_text) if s_end < 0 else s_end + 1
    values = {name: fields.get(name) for name in _CLAIM_FIELDS}
    values["claim_type"] = values["claim_type"] or "statistical"
    values["checkable"] = fields.get("checkable", True)
    con.execute(
        f"INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end, claim_text,"
        f" start_char, end_char, extractor, extractor_version, {', '.join(_CLAIM_FIELDS)})"
        f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'fixture', '1', {', '.join('?' * len(_CLAIM_FIELDS))})",
        [
            claim_id,
            article_id,
            article_text[s_start:s_end],
            s_start,
            s_end,
            claim_text,
            start,
            end,
            *values.values(),
        ],
    )


def add_verdict(
    con: duckdb.DuckDBPyConnection,
    claim_id: str,
    verdict: str,
    confidence: float,
    flagged: bool,
    explanation: str,
    statement_id: str | None = None,
    similarity: float | None = None,
    agree: list[str] | None = None,
    disagree: list[str] | None = None,
    judged_at: str | None = None,
) -> None:
    con.execute(
        "INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation, statement_id,"
        " similarity, agree, disagree, comparisons, judge_version, judged_at)"
        " VALUES (?, 'run-fixture', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'judge-1', coalesce(?::TIMESTAMP, current_timestamp))",
        [
            claim_id,
            verdict,
            confidence,
            flagged,
            explanation,
            statement_id,
            similarity,
            agree or [],
            disagree or [],
            json.dumps({"agree": agree or [], "disagree": disagree or []}),
            judged_at,
        ],
    )


def build_db(path: str | Path) -> Path:
    """Create a fresh database at `path` with the fixture rows; the connection is closed again."""
    path = Path(path)
    con = connect(path)
    try:
        with transaction(con):
            add_article(
                con, "art-cosmetic", "Cosmetic procedures boom as younger patients flock to clinics", COSMETIC
            )
            add_article(con, "art-teens", "Teens spend nearly five hours a day on social media", TEENS)
            for src in SOURCES:
                text = " ".join(st[1] for st in src["statements"])
                con.execute(
                    "INSERT INTO source_documents (source_id, path, title, format, publisher, published, period,"
                    " text, content_hash) VALUES (?, ?, ?, 'txt', ?, ?, ?, ?, ?)",
                    [
                        src["source_id"],
                        f"sources/{src['source_id']}.txt",
                        src["title"],
                        src["publisher"],
                        src["published"],
                        src["period"],
                        text,
                        f"hash-{src['source_id']}",
                    ],
                )
                for statement_id, st_text, fields in src["statements"]:
                    start = text.index(st_text)
                    con.execute(
                        "INSERT INTO source_statements (statement_id, source_id, text, start_char, end_char,"
                        " finding_text, value, low, high, unit, measure, subject, population, period, attribution,"
                        " extractor, extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        " 'fixture', '1')",
                        [
                            statement_id,
                            src["source_id"],
                            st_text,
                            start,
                            start + len(st_text),
                            st_text,
                            fields["value"],
                            fields["low"],
                            fields["high"],
                            fields["unit"],
                            fields["measure"],
                            fields["subject"],
                            fields["population"],
                            fields["period"],
                            fields["attribution"],
                        ],
                    )
            texts = {"art-cosmetic": COSMETIC, "art-teens": TEENS}
            for c in CLAIMS:
                add_claim(con, c["claim_id"], c["article_id"], texts[c["article_id"]], c["text"], c["fields"])
                for rank, (statement_id, sim) in enumerate(c["matches"], start=1):
                    con.execute(
                        "INSERT INTO matches (claim_id, statement_id, rank, similarity, dense, lexical, run_id)"
                        " VALUES (?, ?, ?, ?, ?, ?, 'run-fixture')",
                        [c["claim_id"], statement_id, rank, sim, sim, sim / 2],
                    )
                for v in c["verdicts"]:
                    add_verdict(con, c["claim_id"], *v)
                if "review" in c:
                    verdict, note, reviewer, at = c["review"]
                    con.execute(
                        "INSERT INTO reviews (claim_id, verdict, note, reviewer, machine_verdict, reviewed_at)"
                        " VALUES (?, ?, ?, ?, ?, ?::TIMESTAMP)",
                        [c["claim_id"], verdict, note, reviewer, c["verdicts"][0][0], at],
                    )
    finally:
        con.close()
    return path


# --- review desk accounts (issue #18) ----------------------------------------------------------

PASSWORD = "correct horse battery"
# name -> role; the hostile name checks that account names are escaped like any other text.
ACCOUNTS: dict[str, str] = {
    "Ann Editor": "editor",
    "Bo Chief": "admin",
    "Vi Viewer": "viewer",
    "<script>alert(4)</script>": "editor",
}


def add_accounts(path: str | Path, accounts_: dict[str, str] | None = None) -> None:
    """The fixture accounts, all with PASSWORD, added the way `claimdesk users add` adds them."""
    from review.auth import hash_password
    from store import accounts

    hashed = hash_password(PASSWORD)
    with session(path) as con:
        for name, role in (accounts_ or ACCOUNTS).items():
            accounts.add_user(con, name, role, hashed, actor="cli:test", address="cli@test")


def sign_in(client, name: str = "Ann Editor", password: str = PASSWORD, **headers: str):
    """Sign `client` (a Starlette TestClient) in through the login form; returns the POST's response."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/login").text, "html.parser")
    token = page.select_one("input[name=csrf_token]")["value"]
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"},
                       headers=headers, follow_redirects=False)
