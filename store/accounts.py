"""Review desk accounts and the audit log: every query on `users` and `audit_log`.

Hashing and session signing live in `review.auth`; this module only stores and reads.
`audit_log` is append-only: nothing in claimdesk updates or deletes a row, so it is
the record of who reviewed, signed in or changed an account, when and from where.
A change of password, role or the disabling of an account bumps `session_epoch`, which
ends every session signed before (the desk checks the epoch on every request).
"""

from __future__ import annotations

from typing import Any

import duckdb

from store.db import transaction

Row = dict[str, Any]

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
MAX_NAME = 80
# What an audit row's `action` says (docs/schema.md lists them).
ACTIONS: tuple[str, ...] = (
    "login", "login_failed", "logout", "review", "user_add", "user_passwd", "user_disable", "user_enable",
)
_USER_COLUMNS = "user_id, name, role, password_hash, disabled, session_epoch, created_at, updated_at"


class AccountError(ValueError):
    """A user change that cannot be made (unknown name, taken name, bad role); the message says why."""


def check_name(name: str) -> str | None:
    """Why `name` cannot be an account name, or None when it can."""
    if not name.strip() or name != name.strip():
        return "an account name must be non-empty, without leading or trailing spaces"
    if len(name) > MAX_NAME:
        return f"an account name is at most {MAX_NAME} characters"
    if any(not ch.isprintable() for ch in name):
        return "an account name must be printable characters"
    return None


def _row(cur: duckdb.DuckDBPyConnection) -> Row | None:
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def user_by_name(con: duckdb.DuckDBPyConnection, name: str) -> Row | None:
    return _row(con.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", [name]))


def user_by_id(con: duckdb.DuckDBPyConnection, user_id: int) -> Row | None:
    return _row(con.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE user_id = ?", [user_id]))


def active_accounts(con: duckdb.DuckDBPyConnection) -> int:
    """How many accounts can sign in; 0 means the desk has nobody to let in yet."""
    row = con.execute("SELECT count(*) FROM users WHERE NOT disabled").fetchone()
    return int(row[0]) if row else 0


def list_users(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every account with its last successful sign-in (from the audit log), oldest account first."""
    cur = con.execute(
        "SELECT u.name, u.role, u.disabled, u.password_hash IS NOT NULL AS has_password, u.created_at,"
        " (SELECT max(logged_at) FROM audit_log a WHERE a.action = 'login' AND a.actor = u.name) AS last_login"
        " FROM users u ORDER BY u.user_id"
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def audit(
    con: duckdb.DuckDBPyConnection,
    action: str,
    *,
    actor: str | None,
    subject: str | None = None,
    address: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one audit row."""
    assert action in ACTIONS, action
    con.execute(
        "INSERT INTO audit_log (actor, action, subject, address, detail) VALUES (?, ?, ?, ?, ?)",
        [actor, action, subject, address, detail],
    )


def add_user(
    con: duckdb.DuckDBPyConnection, name: str, role: str, password_hash: str | None, *, actor: str, address: str
) -> int:
    """Create an account (audited); a taken name or unknown role is an AccountError."""
    problem = check_name(name) or (None if role in ROLES else f"role must be one of {', '.join(ROLES)}")
    if problem:
        raise AccountError(problem)
    with transaction(con):
        if user_by_name(con, name) is not None:
            raise AccountError(f"there is already an account named {name!r}")
        row = con.execute(
            "INSERT INTO users (name, role, password_hash) VALUES (?, ?, ?) RETURNING user_id",
            [name, role, password_hash],
        ).fetchone()
        audit(con, "user_add", actor=actor, subject=name, address=address, detail=f"role {role}")
    assert row is not None
    return int(row[0])


def _change(con: duckdb.DuckDBPyConnection, name: str, assignments: str, params: list[Any],
            action: str, actor: str, address: str, detail: str | None = None) -> None:
    with transaction(con):
        if user_by_name(con, name) is None:
            raise AccountError(f"there is no account named {name!r}")
        con.execute(
            f"UPDATE users SET {assignments}, session_epoch = session_epoch + 1, updated_at = current_timestamp"
            " WHERE name = ?",
            [*params, name],
        )
        audit(con, action, actor=actor, subject=name, address=address, detail=detail)


def set_password(con: duckdb.DuckDBPyConnection, name: str, password_hash: str, *, actor: str, address: str) -> None:
    """Replace the password hash; the account's open sessions end."""
    _change(con, name, "password_hash = ?", [password_hash], "user_passwd", actor, address)


def set_disabled(con: duckdb.DuckDBPyConnection, name: str, disabled: bool, *, actor: str, address: str) -> None:
    """Disable (or re-enable) an account; a disabled account's sessions stop working at once."""
    _change(con, name, "disabled = ?", [disabled], "user_disable" if disabled else "user_enable", actor, address)


def failed_logins(
    con: duckdb.DuckDBPyConnection, *, within_seconds: int, name: str | None = None, address: str | None = None
) -> int:
    """Failed sign-ins in the last `within_seconds` for the attempted name, or from the address.

    Counted from the audit log, so the limit holds across restarts of the desk.
    """
    column, value = ("subject", name) if name is not None else ("address", address)
    row = con.execute(
        f"SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND {column} = ?"
        " AND logged_at > now()::TIMESTAMP - to_seconds(?)",
        [value, within_seconds],
    ).fetchone()
    return int(row[0]) if row else 0
