"""`claimdesk users add|passwd|disable|enable|list`: the review desk's accounts.

Run on the machine that holds the database, so whoever can run it could already
edit the file: that is why creating the first admin needs no sign-in. Every change
is an audit row whose actor is `cli:<OS user>`. Passwords are read without echo
from the terminal, or from the first line of stdin with --password-stdin (scripts).
"""

from __future__ import annotations

import argparse
import getpass
import socket
import sys

from claimdesk.errors import ClaimdeskError
from claimdesk.settings import Settings
from review import auth
from store import accounts
from store.db import session


def arguments(u: argparse.ArgumentParser) -> None:
    sub = u.add_subparsers(dest="users_command", metavar="ACTION")
    add = sub.add_parser("add", help="create an account", description="Create a review desk account.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=accounts.ROLES, required=True,
                     help="viewer reads; editor also reviews; admin also manages accounts")
    add.add_argument("--no-password", action="store_true",
                     help="no password: the account signs in only through the trusted proxy")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    pw = sub.add_parser("passwd", help="set an account's password (ends its sessions)")
    pw.add_argument("name", metavar="NAME")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    for action, text in (("disable", "disable an account (ends its sessions at once)"), ("enable", "re-enable an account")):
        sub.add_parser(action, help=text).add_argument("name", metavar="NAME")
    sub.add_parser("list", help="list accounts, their roles and last sign-in")
    u.set_defaults(users_parser=u)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise ClaimdeskError("the two passwords differ; nothing changed")
    problem = auth.password_problem(password)
    if problem:
        raise ClaimdeskError(f"{problem}; nothing changed")
    return password


def _actor() -> tuple[str, str]:
    """Who ran the command and where, for the audit log."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}", f"cli@{socket.gethostname()}"


def run_users(args: argparse.Namespace, settings: Settings) -> int:
    command = args.users_command
    if command is None:
        args.users_parser.parse_args(["--help"])
    db_path = str(settings.resolve(settings.database))
    if command == "list":
        with session(db_path) as con:
            _print_users(accounts.list_users(con))
        return 0
    actor, address = _actor()
    password_hash = None
    if command == "passwd" or (command == "add" and not args.no_password):
        password_hash = auth.hash_password(_password(args.password_stdin))
    try:
        with session(db_path) as con:
            if command == "add":
                accounts.add_user(con, args.name, args.role, password_hash, actor=actor, address=address)
            elif command == "passwd":
                assert password_hash is not None
                accounts.set_password(con, args.name, password_hash, actor=actor, address=address)
            else:
                accounts.set_disabled(con, args.name, command == "disable", actor=actor, address=address)
    except accounts.AccountError as exc:
        raise ClaimdeskError(str(exc)) from None
    done = {"add": f"added {args.name} ({getattr(args, 'role', '')})", "passwd": f"password of {args.name} changed",
            "disable": f"{args.name} disabled", "enable": f"{args.name} enabled"}[command]
    print(f"users: {done}")
    return 0


def _print_users(rows: list[dict[str, object]]) -> None:
    if not rows:
        print(f"no accounts yet; create the first admin with `{auth.FIRST_ADMIN}`")
        return
    table = [("name", "role", "status", "password", "created", "last sign-in")]
    for r in rows:
        table.append((
            str(r["name"]), str(r["role"]), "disabled" if r["disabled"] else "active",
            "yes" if r["has_password"] else "proxy only", str(r["created_at"])[:16], str(r["last_login"] or "-")[:16],
        ))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
