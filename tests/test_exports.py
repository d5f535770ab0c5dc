"""`claimdesk export`: ClaimReview JSON-LD validated field by field, CSV and Parquet read back.

The database is the demo corpus through the real pipeline, plus editor reviews added
through the review desk's own write function.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from claimdesk.settings import Settings
from flows.cli import main
from flows.sql_cmd import BEST_RATING, RATINGS, WORST_RATING, claim_review
from store import review_queries
from store.db import session

from .test_sql_cmd import build_demo_db

# (substring of the claim, editor's verdict, note, reviewer)
REVIEWS = [
    ("58% increase", "misrepresented", "58% of surgeons saw an increase; not a 58% increase.", "Ana Ortiz"),
    ("28% of all procedures", "contradicted", "", "Ana Ortiz"),
    ("between $10 and $20", "supported", "", "Ben Okafor"),
    ("millions of views", "not_checkable", "Vague.", "Ben Okafor"),
]


@pytest.fixture(scope="module")
def reviewed_db(tmp_path_factory: pytest.TempPathFactory, repo_settings: Settings) -> Path:
    db = build_demo_db(tmp_path_factory.mktemp("exports") / "demo.duckdb", repo_settings, tmp_path_factory.getbasetemp())
    with session(db) as con:
        for needle, verdict, note, reviewer in REVIEWS:
            row = con.execute("SELECT claim_id FROM claims WHERE contains(claim_text, ?)", [needle]).fetchone()
            assert row, needle
            review_queries.add_review(con, row[0], verdict, note, reviewer)
    return db


def _rows(db: Path, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def _problems(obj: dict[str, Any]) -> list[str]:
    """What a schema.org ClaimReview object lacks, by the fields fact-check consumers require."""
    out = []
    if obj.get("@context") != "https://schema.org":
        out.append("@context")
    if obj.get("@type") != "ClaimReview":
        out.append("@type")
    if not isinstance(obj.get("claimReviewed"), str) or not obj["claimReviewed"].strip():
        out.append("claimReviewed")
    if not re.match(r"^(https?|file)://", str(obj.get("url", ""))):
        out.append("url")
    try:
        date.fromisoformat(str(obj.get("datePublished")))
    except ValueError:
        out.append("datePublished")
    item = obj.get("itemReviewed") or {}
    appearance = item.get("appearance") or {}
    if item.get("@type") != "Claim":
        out.append("itemReviewed.@type")
    if appearance.get("@type") != "CreativeWork" or not appearance.get("name"):
        out.append("itemReviewed.appearance")
    if not re.match(r"^(https?|file)://", str(appearance.get("url", ""))):
        out.append("itemReviewed.appearance.url")
    rating = obj.get("reviewRating") or {}
    if rating.get("@type") != "Rating" or not isinstance(rating.get("alternateName"), str):
        out.append("reviewRating")
    value, best, worst = rating.get("ratingValue"), rating.get("bestRating"), rating.get("worstRating")
    if not all(isinstance(x, int) for x in (value, best, worst)) or not worst <= value <= best:
        out.append("reviewRating scale")
    authors = obj.get("author")
    authors = authors if isinstance(authors, list) else [authors]
    if not any(isinstance(a, dict) and a.get("@type") == "Organization" and a.get("name") for a in authors):
        out.append("author")
    return out


def test_claimreview_export_is_valid_and_holds_the_reviewed_claims(reviewed_db, tmp_path, capsys):
    out = tmp_path / "reviews.jsonld"
    assert main(["--db", str(reviewed_db), "export", "--format", "claimreview", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 3 ClaimReview objects" in printed and "1 reviewed as not_checkable" in printed
    reviews = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(reviews, list) and len(reviews) == 3  # the not_checkable review has nothing to rate
    for obj in reviews:
        assert _problems(obj) == [], obj

    expected = {r["claim_id"]: r for r in _rows(reviewed_db, "SELECT * FROM claim_verdicts WHERE reviewed_verdict IS NOT NULL")}
    by_id = {o["identifier"]: o for o in reviews}
    assert set(by_id) < set(expected)
    for cid, obj in by_id.items():
        row = expected[cid]
        value, label = RATINGS[row["reviewed_verdict"]]
        assert obj["claimReviewed"] == row["claim_text"]
        assert obj["reviewRating"]["ratingValue"] == value and obj["reviewRating"]["alternateName"] == label
        assert obj["reviewRating"]["bestRating"] == BEST_RATING and obj["reviewRating"]["worstRating"] == WORST_RATING
        assert obj["itemReviewed"]["appearance"]["url"] == Path(row["article_path"]).as_uri()
        assert obj["itemReviewed"]["appearance"]["name"] == row["article_title"]
        assert {"@type": "Person", "name": row["reviewer"]} in obj["author"]
        assert {"@type": "Organization", "name": "claimdesk"} in obj["author"]
        assert obj["datePublished"] == row["reviewed_at"].date().isoformat()
        assert obj["url"].endswith(f"#claim-{cid}")

    by_text = {o["claimReviewed"]: o for o in reviews}
    change = next(o for t, o in by_text.items() if "58% increase" in t)
    assert change["reviewBody"].startswith("58% of surgeons saw an increase")  # the editor's note
    surgery = next(o for t, o in by_text.items() if "28% of all procedures" in t)
    assert "82%" in surgery["reviewBody"]  # no note, editor kept the machine verdict: its explanation
    price = next(o for t, o in by_text.items() if "$10 and $20" in t)
    assert "reviewBody" not in price  # the editor overruled the machine and left no note


def test_claimreview_export_of_an_unreviewed_database_is_empty(tmp_path, repo_settings, tmp_path_factory, capsys):
    db = build_demo_db(tmp_path / "plain.duckdb", repo_settings, tmp_path_factory.getbasetemp())
    out = tmp_path / "none.jsonld"
    assert main(["--db", str(db), "export", "--format", "claimreview", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == []
    assert "wrote 0 ClaimReview objects" in capsys.readouterr().out


def test_claim_review_ratings_cover_every_rated_verdict():
    row = {"claim_id": "c1", "claim_text": "x rose 5%", "article_path": "https://news.example/a?b=1",
           "article_title": "A", "reviewer": None, "reviewed_verdict": None, "machine_verdict": "contradicted",
           "explanation": "The source says 9%.", "judged_at": "2026-01-02 03:04:05"}
    values = []
    for verdict in ("contradicted", "misrepresented", "unverifiable", "supported"):
        obj = claim_review({**row, "verdict": verdict, "machine_verdict": verdict})
        assert obj is not None and _problems(obj) == []
        values.append(obj["reviewRating"]["ratingValue"])
    assert values == sorted(values) and len(set(values)) == 4  # worse verdicts rate lower
    assert claim_review({**row, "verdict": "not_checkable"}) is None
    web = claim_review({**row, "verdict": "contradicted"})
    assert web is not None and web["itemReviewed"]["appearance"]["url"] == "https://news.example/a?b=1"
    assert web["author"] == [{"@type": "Organization", "name": "claimdesk"}] and web["datePublished"] == "2026-01-02"


@pytest.mark.parametrize("reviewed_only", [False, True])
def test_csv_export_reads_back(reviewed_db, tmp_path, reviewed_only, capsys):
    out = tmp_path / "cv.csv"
    args = ["--db", str(reviewed_db), "export", "--format", "csv", "--out", str(out)]
    assert main(args + (["--reviewed-only"] if reviewed_only else [])) == 0
    where = " WHERE reviewed_verdict IS NOT NULL" if reviewed_only else ""
    expected = _rows(reviewed_db, f"SELECT * FROM claim_verdicts{where} ORDER BY article_path, start_char, end_char, claim_id")
    assert f"wrote {len(expected)} claims" in capsys.readouterr().out
    con = duckdb.connect()
    # Hex ids could be sniffed as numbers; an analyst reading ids would pin them the same way.
    cur = con.execute("SELECT * FROM read_csv(?, header = true, types = {'claim_id': 'VARCHAR'})", [str(out)])
    cols = [d[0] for d in cur.description]
    got = cur.fetchall()
    con.close()
    assert cols == list(expected[0])
    assert len(got) == len(expected) == (len(REVIEWS) if reviewed_only else len(expected)) >= 4
    for g, e in zip(got, expected, strict=True):
        g = dict(zip(cols, g, strict=True))
        assert g["claim_id"] == e["claim_id"] and g["claim_text"] == e["claim_text"] and g["verdict"] == e["verdict"]
        assert g["start_char"] == e["start_char"]


@pytest.mark.parametrize("reviewed_only", [False, True])
def test_parquet_export_reads_back(reviewed_db, tmp_path, reviewed_only, capsys):
    out = tmp_path / "cv.parquet"
    args = ["--db", str(reviewed_db), "export", "--format", "parquet", "--out", str(out)]
    assert main(args + (["--reviewed-only"] if reviewed_only else [])) == 0
    where = " WHERE reviewed_verdict IS NOT NULL" if reviewed_only else ""
    expected = _rows(reviewed_db, f"SELECT * FROM claim_verdicts{where} ORDER BY article_path, start_char, end_char, claim_id")
    con = duckdb.connect()
    cur = con.execute("SELECT * FROM read_parquet(?)", [str(out)])
    cols = [d[0] for d in cur.description]
    got = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    con.close()
    assert got == expected  # types survive: lists stay lists, timestamps stay timestamps


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exports_read_back_with_pandas(reviewed_db, tmp_path, fmt):
    pandas = pytest.importorskip("pandas", reason="pandas is not installed (not a claimdesk dependency)")
    if fmt == "parquet":
        pytest.importorskip("pyarrow", reason="pandas needs pyarrow to read Parquet")
    out = tmp_path / f"cv.{fmt}"
    assert main(["--db", str(reviewed_db), "export", "--format", fmt, "--out", str(out)]) == 0
    frame = pandas.read_csv(out, dtype={"claim_id": str}) if fmt == "csv" else pandas.read_parquet(out)
    expected = _rows(reviewed_db, "SELECT * FROM claim_verdicts ORDER BY article_path, start_char, end_char, claim_id")
    assert list(frame.columns) == list(expected[0]) and len(frame) == len(expected)
    assert list(frame["claim_id"]) == [r["claim_id"] for r in expected]


def test_export_to_a_missing_folder_is_one_line(reviewed_db, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "x.csv"
    assert main(["--db", str(reviewed_db), "export", "--format", "csv", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "output folder does not exist" in err and str(out) in err


@pytest.mark.parametrize("fmt", ["csv", "claimreview"])
def test_export_never_replaces_a_file_without_force(reviewed_db, tmp_path, fmt, capsys):
    out = tmp_path / "published.out"
    out.write_text("the file an editor was about to publish\n")
    args = ["--db", str(reviewed_db), "export", "--format", fmt, "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists; pass --force" in err and str(out) in err
    assert out.read_text() == "the file an editor was about to publish\n"
    assert main(args + ["--force"]) == 0
    assert out.read_text() != "the file an editor was about to publish\n"
    assert [p.name for p in tmp_path.iterdir()] == ["published.out"]  # no temporary file left behind
