"""Signing in to the review desk (issue #18): every route needs an account, roles hold,
sessions end when they should, failed sign-ins are limited and audited."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from flows.cli import main
from flows.review_cmd import bind_problem
from review import auth
from review.app import create_app
from store import accounts
from store.db import session
from tests.review_fixtures import PASSWORD, add_accounts, build_db, sign_in

# Every page route and its JSON twin, plus the state-changing POSTs.
PAGES = ["/", "/queue", "/queue.json", "/claims/cos-social", "/claims/cos-social.json",
         "/articles/art-cosmetic", "/articles/art-cosmetic.json", "/?format=json"]
POSTS = ["/claims/cos-social/review"]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_db(tmp_path_factory.mktemp("accounts") / "fixture.duckdb")
    add_accounts(path)
    return path


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(fixture_db, tmp_path / "accounts.duckdb"))


@pytest.fixture
def app(db: Path):
    return create_app(str(db), csrf_secret="t")


def token(client: TestClient, path: str = "/claims/cos-social") -> str:
    return BeautifulSoup(client.get(path).text, "html.parser").select_one("input[name=csrf_token]")["value"]


def review(client: TestClient, tok: str):
    return client.post("/claims/cos-social/review", data={"verdict": "supported", "csrf_token": tok},
                       follow_redirects=False)


def audit_rows(db: Path) -> list[tuple]:
    with session(db) as con:
        return con.execute("SELECT actor, action, subject, address, detail FROM audit_log ORDER BY audit_id").fetchall()


def reviews(db: Path) -> int:
    with session(db) as con:
        return con.execute("SELECT count(*) FROM reviews WHERE claim_id = 'cos-social'").fetchone()[0]


def test_every_route_refuses_an_anonymous_request(app, db: Path) -> None:
    anon = TestClient(app)
    for path in PAGES:
        r = anon.get(path, follow_redirects=False)
        if path.endswith(".json") or "format=json" in path:
            assert r.status_code == 401 and r.json()["error"] == "Sign in", path
        else:
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
        assert "cos-social" not in r.text or r.status_code != 200, path
    anon.get("/login")  # has a CSRF cookie and a valid token for the login form
    for path in POSTS:
        r = anon.post(path, data={"verdict": "supported", "csrf_token": token(anon, "/login")}, follow_redirects=False)
        assert r.status_code == 401, path
    assert reviews(db) == 0
    assert anon.get("/login").status_code == 200 and anon.get("/static/app.css").status_code == 200


def test_sign_in_goes_back_to_the_page_asked_for(app) -> None:
    c = TestClient(app)
    r = c.get("/claims/cos-social?status=flagged", follow_redirects=True)
    page = BeautifulSoup(r.text, "html.parser")
    assert page.select_one("input[name=next]")["value"] == "/claims/cos-social?status=flagged"
    r = c.post("/login", follow_redirects=False, data={
        "name": "Ann Editor", "password": PASSWORD, "csrf_token": page.select_one("input[name=csrf_token]")["value"],
        "next": "/claims/cos-social?status=flagged"})
    assert r.headers["location"] == "/claims/cos-social?status=flagged"
    assert c.get("/claims/cos-social.json").status_code == 200
    assert auth.allows("editor", "viewer") and not auth.allows("viewer", "editor")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_to_another_site(target: str) -> None:
    from review.login import safe_next

    assert safe_next(target) == "/"


def test_session_cookie_flags(app) -> None:
    c = TestClient(app)
    r = sign_in(c)
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(auth.SESSION_COOKIE + "="))
    flags = {p.strip().split("=")[0].lower() for p in cookie.split(";")[1:]}
    assert {"httponly", "max-age", "path", "samesite"} <= flags
    assert "samesite=lax" in cookie.lower() and "secure" not in flags  # plain http on loopback
    https = TestClient(app, base_url="https://testserver")
    cookie = next(h for h in sign_in(https).headers.get_list("set-cookie") if h.startswith(auth.SESSION_COOKIE))
    assert "secure" in cookie.lower()


def test_session_cookie_is_signed_and_expires() -> None:
    s = auth.Sessions("k", hours=1)
    cookie = s.issue(7, 2, now=1000)
    assert s.read(cookie, now=1000 + 3599) == (7, 2)
    assert s.read(cookie, now=1000 + 3600) is None  # expired
    assert s.read(cookie.replace("7.", "8.", 1), now=1000) is None  # another account: bad signature
    assert auth.Sessions("other").read(cookie, now=1000) is None
    assert s.read("garbage", now=1000) is None


def test_a_viewer_cannot_post_a_review(app, db: Path) -> None:
    c = TestClient(app)
    sign_in(c, "Vi Viewer")
    page = BeautifulSoup(c.get("/claims/cos-social").text, "html.parser")
    assert page.select_one("#review-form") is None and page.select_one("#read-only") is not None
    r = review(c, token(c))
    assert r.status_code == 403 and "viewer" in r.text
    assert reviews(db) == 0


def test_the_reviewer_is_the_signed_in_account(app, db: Path) -> None:
    c = TestClient(app)
    sign_in(c, "Bo Chief")
    tok = token(c)
    c.post("/claims/cos-social/review", data={"verdict": "supported", "csrf_token": tok, "reviewer": "Someone Else"})
    with session(db) as con:
        row = con.execute("SELECT reviewer, user_id FROM reviews WHERE claim_id = 'cos-social'").fetchone()
        uid = accounts.user_by_name(con, "Bo Chief")["user_id"]
    assert row == ("Bo Chief", uid)
    assert ("Bo Chief", "review", "cos-social", "testclient", "supported") in audit_rows(db)


@pytest.mark.parametrize("change", ["disable", "passwd"])
def test_disabling_or_a_new_password_ends_the_session(app, db: Path, change: str) -> None:
    c = TestClient(app)
    sign_in(c)
    tok = token(c)
    with session(db) as con:
        if change == "disable":
            accounts.set_disabled(con, "Ann Editor", True, actor="cli:test", address="cli@test")
        else:
            accounts.set_password(con, "Ann Editor", auth.hash_password("a new password!"), actor="t", address="t")
    assert c.get("/queue.json").status_code == 401
    assert review(c, tok).status_code == 401
    assert reviews(db) == 0
    if change == "disable":  # and a disabled account cannot sign in again, with the usual message
        r = sign_in(c)
        assert r.status_code == 401 and auth.LOGIN_FAILED in r.text


def test_failed_sign_ins_do_not_say_whether_the_account_exists(app, db: Path) -> None:
    c = TestClient(app)
    wrong = sign_in(c, "Ann Editor", "wrong password")
    unknown = sign_in(c, "Nobody Here", "wrong password")
    for r in (wrong, unknown):
        assert r.status_code == 401 and auth.LOGIN_FAILED in r.text and auth.SESSION_COOKIE not in r.headers.get(
            "set-cookie", "")
    failed = [row for row in audit_rows(db) if row[1] == "login_failed"]
    assert [(r[0], r[2], r[3]) for r in failed] == [(None, "Ann Editor", "testclient"), (None, "Nobody Here", "testclient")]
    sign_in(c)
    assert ("Ann Editor", "login", "Ann Editor", "testclient", None) in audit_rows(db)


def test_failed_sign_ins_are_limited_per_account(app, db: Path) -> None:
    c = TestClient(app)
    for _ in range(auth.MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(c, "Ann Editor", "guess").status_code == 401
    r = sign_in(c, "Ann Editor", PASSWORD)  # even the right password, until the window passes
    assert r.status_code == 429 and auth.TOO_MANY in r.text
    assert c.get("/queue.json").status_code == 401
    assert sign_in(c, "Bo Chief").status_code == 303  # other accounts are not locked by it
    r = sign_in(TestClient(app), "Nobody", "guess")
    assert r.status_code == 401  # an unknown name is counted the same way (no enumeration)


def test_failed_sign_ins_are_limited_per_address(app, db: Path) -> None:
    with session(db) as con:
        for n in range(auth.MAX_FAILURES_PER_ADDRESS):
            accounts.audit(con, "login_failed", actor=None, subject=f"name-{n}", address="testclient")
    r = sign_in(TestClient(app), "Ann Editor")
    assert r.status_code == 429


def test_logout_ends_the_session(app, db: Path) -> None:
    c = TestClient(app)
    sign_in(c)
    r = c.post("/logout", data={"csrf_token": token(c, "/")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/queue.json").status_code == 401
    assert ("Ann Editor", "logout", "Ann Editor", "testclient", None) in audit_rows(db)


def test_login_needs_a_csrf_token(app) -> None:
    r = TestClient(app).post("/login", data={"name": "Ann Editor", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403


def test_trusted_proxy_header_only_from_the_proxy(db: Path) -> None:
    options = auth.AuthOptions(proxy_user_header="X-Forwarded-User", trusted_proxies=("testclient-is-no-ip",))
    untrusted = TestClient(create_app(str(db), auth=options))
    assert untrusted.get("/queue.json", headers={"X-Forwarded-User": "Ann Editor"}).status_code == 401
    trusted = auth.AuthOptions(proxy_user_header="X-Forwarded-User", trusted_proxies=("10.0.0.0/8",))
    c = TestClient(create_app(str(db), auth=trusted), client=("10.1.2.3", 5000))
    assert c.get("/queue.json", headers={"X-Forwarded-User": "Ann Editor"}).status_code == 200
    assert c.get("/queue.json", headers={"X-Forwarded-User": "Nobody"}).status_code == 401
    assert c.get("/queue.json").status_code == 401  # no header: sign in as usual
    assert TestClient(create_app(str(db)), client=("10.1.2.3", 5000)).get(
        "/queue.json", headers={"X-Forwarded-User": "Ann Editor"}).status_code == 401  # option off by default


def test_no_accounts_the_login_page_says_how_to_create_the_first_admin(tmp_path: Path) -> None:
    db = build_db(tmp_path / "empty.duckdb")
    page = BeautifulSoup(TestClient(create_app(str(db))).get("/login").text, "html.parser")
    assert auth.FIRST_ADMIN in page.select_one("#no-accounts").get_text()


def test_binding_beyond_loopback_needs_an_account_or_the_proxy() -> None:
    off = auth.AuthOptions()
    assert bind_problem("127.0.0.1", 0, off) is None and bind_problem("::1", 0, off) is None
    problem = bind_problem("0.0.0.0", 0, off)
    assert problem is not None and "\n" not in problem and auth.FIRST_ADMIN in problem
    assert bind_problem("0.0.0.0", 1, off) is None
    assert bind_problem("10.0.0.2", 0, auth.AuthOptions(proxy_user_header="X-User", trusted_proxies=("10.0.0.1",))) is None


def test_review_command_refuses_a_public_bind_without_accounts(tmp_path: Path, capsys) -> None:
    db = build_db(tmp_path / "none.duckdb")
    assert main(["--db", str(db), "review", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "refusing to serve" in err


def test_users_command(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    db = str(build_db(tmp_path / "cli.duckdb"))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["--db", db, "users", "add", "Cleo", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--db", db, "users", "passwd", "Cleo", "--password-stdin"]) == 2  # too short: nothing changed
    assert main(["--db", db, "users", "add", "Cleo", "--role", "viewer", "--no-password"]) == 2  # name taken
    assert main(["--db", db, "users", "add", "Sso", "--role", "editor", "--no-password"]) == 0
    assert main(["--db", db, "users", "disable", "Sso"]) == 0
    assert main(["--db", db, "users", "disable", "Nobody"]) == 2
    capsys.readouterr()
    assert main(["--db", db, "users", "list"]) == 0
    out = capsys.readouterr().out
    assert "Cleo" in out and "admin" in out and "disabled" in out and "proxy only" in out
    with session(db) as con:
        user = accounts.user_by_name(con, "Cleo")
        actions = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()]
    assert user["password_hash"].startswith("$argon2id$") and auth.verify_password(user["password_hash"], "a long password")
    assert actions == ["user_add", "user_add", "user_disable"]


def test_a_database_from_before_accounts_migrates_and_keeps_old_reviewer_names(tmp_path: Path) -> None:
    db = build_db(tmp_path / "old.duckdb")  # has a review by a typed name (teen-hours)
    with session(db) as con:
        before = con.execute("SELECT reviewer FROM reviews ORDER BY review_id").fetchall()
    raw = duckdb.connect(str(db))  # roll it back to schema version 4, as a pre-#18 database
    raw.execute("DROP TABLE users; DROP TABLE audit_log; DROP SEQUENCE user_seq; DROP SEQUENCE audit_seq;"
                " ALTER TABLE reviews DROP COLUMN user_id; DELETE FROM schema_migrations WHERE version = 5")
    raw.close()
    with session(db) as con:
        assert 5 in accounts_versions(con)
        after = con.execute("SELECT reviewer, user_id FROM reviews ORDER BY review_id").fetchall()
    assert [r[0] for r in after] == [r[0] for r in before] and all(r[1] is None for r in after)
    add_accounts(db, {"Ann Editor": "editor"})
    c = TestClient(create_app(str(db)))
    sign_in(c)
    log = BeautifulSoup(c.get("/claims/teen-hours").text, "html.parser").select_one("#review-log").get_text(" ")
    assert "before sign-in" in log  # the typed name is shown as history


def accounts_versions(con) -> set[int]:
    from store.migrations import applied_versions

    return applied_versions(con)
