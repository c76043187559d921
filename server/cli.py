"""Command line: `python -m server serve | init | demo | backup PATH | restore PATH |
user add|edit|reset-password|reactivate|deactivate`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Any, TextIO

import sqlite_utils

from core import clock
from server.config import Settings
from server.db import Database
from server.migrations import apply as migrate

#: How long the server keeps an idle connection open: longer than its clients do (Chromium keeps a used
#: idle connection 300 s, httpx 5 s), so that it is always the client that closes one, never the server at
#: the moment a client sends a push on it (the `ReadError`s of the 50-tablet run).
KEEP_ALIVE_S = 330


def init_database(settings: Settings, *, demo: bool) -> bool:
    """Migrate; with `demo`, fill an empty database with the demo data. True when demo data was added."""
    from server import demo as demo_data

    db = Database(settings.db_path)
    try:
        db.write_sync(migrate)
        if demo and db.write_sync(demo_data.is_empty):
            passwords = demo_data.generated_passwords()
            db.write_sync(lambda d: demo_data.seed(d, clock.today(), passwords=passwords))
            demo_data.write_logins(settings.db_path, passwords)
            return True
        return False
    finally:
        db.close()


def print_logins(settings: Settings, out: TextIO = sys.stdout) -> None:
    """The demo logins of this database, with the passwords generated for it (demo-logins.txt beside it)."""
    from server.demo import logins_file

    path = logins_file(settings.db_path)
    if path.exists():
        print(f"Demo logins ({path}):", file=out)
        print(path.read_text().rstrip(), file=out)


def init_admin(settings: Settings, username: str, password: str) -> int:
    """`init`: the database without demo data, and its first admin with a password they choose."""
    from server import accounts, passwords
    from server.auth import hash_password

    if reasons := passwords.problems(password, username):
        print("init refused: " + "; ".join(str(r) for r in reasons), file=sys.stderr)
        return 1

    def first_admin(db: sqlite_utils.Database) -> bool:
        if db.execute("SELECT count(*) FROM users").fetchone()[0]:
            return False
        now = dt.datetime.now(dt.UTC).isoformat()
        fields = {"username": username, "display_name": username, "role": "admin", "active": 1}
        accounts.insert_user(db, {**fields, "password_hash": hash_password(password), "created_at": now})
        return True

    init_database(settings, demo=False)
    db = Database(settings.db_path)
    try:
        added = db.write_sync(first_admin)
    finally:
        db.close()
    print(f"database ready: {settings.db_path}")
    print(f"admin {username} added" if added else "accounts exist already; no admin added")
    return 0


def user_command(settings: Settings, args: argparse.Namespace) -> int:
    from server import accounts
    from server.notice import Notice, Refused

    def add(db: sqlite_utils.Database) -> tuple[str, list[str], str]:
        network_ids, unknown = accounts.parse_networks(args.networks, accounts.network_lookup(db))
        if unknown:
            reasons = [Notice("Unknown network: %(network)s", {"network": n}) for n in unknown]
            raise Refused("user_invalid", *reasons)
        role = accounts.parse_role(args.role) or args.role
        _, password = accounts.add_user(db, args.username, args.name, role, network_ids)
        return role, network_ids, password

    def edit(db: sqlite_utils.Database) -> dict[str, Any]:
        network_ids = None
        if args.networks is not None:
            network_ids, unknown = accounts.parse_networks(args.networks, accounts.network_lookup(db))
            if unknown:
                raise Refused(
                    "user_invalid", *[Notice("Unknown network: %(network)s", {"network": n}) for n in unknown]
                )
        role = None if args.role is None else (accounts.parse_role(args.role) or args.role)
        return accounts.edit_user(db, args.username, args.name, role, network_ids)

    db = Database(settings.db_path)
    username = args.username.strip().lower()
    try:
        db.write_sync(migrate)
        if args.user_command == "add":
            role, network_ids, password = db.write_sync(add)
            print(f"user {username} added ({role}; networks: {', '.join(network_ids) or '-'})")
            print(f"one-time password (48 hours, changed at first login), shown only this once: {password}")
        elif args.user_command == "edit":
            user = db.write_sync(edit)
            print(f"user {username} now {user['role']}; networks: {', '.join(user['networks']) or '-'}")
        elif args.user_command == "reset-password":
            password = db.write_sync(accounts.reset_password, username)
            print(f"new one-time password for {username} (48 hours, changed at first login): {password}")
        elif args.user_command == "reactivate":
            db.write_sync(accounts.reactivate, username)
            print(f"user {username} reactivated")
        else:
            ended = db.write_sync(accounts.deactivate, username)
            print(f"user {username} deactivated; {ended} sessions ended")
        return 0
    except Refused as exc:
        print(f"user {args.user_command} refused: " + "; ".join(exc.messages()), file=sys.stderr)
        return 1
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="Nithet server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, add demo data to an empty database, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--no-demo", action="store_true", help="do not add demo data to an empty database")
    init_cmd = sub.add_parser("init", help="create the database without demo data, with its first admin")
    init_cmd.add_argument("--admin", default="admin", help="the first admin's username")
    init_cmd.add_argument(
        "--password-stdin", action="store_true", help="read the admin's password from standard input"
    )
    sub.add_parser("demo", help="add the demo data to an empty database")
    backup_cmd = sub.add_parser(
        "backup", help="copy the database and photos to a new folder (server may run)"
    )
    backup_cmd.add_argument("path", type=Path)
    restore_cmd = sub.add_parser(
        "restore", help="replace the database and add the photos from a backup folder"
    )
    restore_cmd.add_argument("path", type=Path)
    user_cmd = sub.add_parser("user", help="add or deactivate a user account")
    user_sub = user_cmd.add_subparsers(dest="user_command", required=True)
    user_add = user_sub.add_parser("add", help="add an account; prints its one-time password once")
    user_add.add_argument("username")
    user_add.add_argument("--name", required=True, help="display name")
    user_add.add_argument(
        "--role",
        required=True,
        help="supervisor, team_member, secretary, director, deputy, area_director or admin",
    )
    user_add.add_argument("--networks", default="", help="network ids or names, comma-separated")
    user_edit = user_sub.add_parser("edit", help="change an account's name, role or networks")
    user_edit.add_argument("username")
    user_edit.add_argument("--name", default=None)
    user_edit.add_argument("--role", default=None)
    user_edit.add_argument("--networks", default=None, help="network ids or names, comma-separated")
    for name, text in (
        ("reset-password", "a new one-time password (48 hours); ends the account's sessions"),
        ("reactivate", "let a deactivated account log in again"),
        ("deactivate", "stop an account from logging in; ends its sessions"),
    ):
        user_sub.add_parser(name, help=text).add_argument("username")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    clock.use_zone(settings.timezone)

    if args.command == "user":
        return user_command(settings, args)

    if args.command == "init":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"Password for the first admin ({args.admin}): ")
            if getpass.getpass("Again: ") != password:
                print("init refused: the passwords differ", file=sys.stderr)
                return 1
        return init_admin(settings, args.admin.strip().lower(), password)
    elif args.command == "demo":
        added = init_database(settings, demo=True)
        print("demo data added" if added else "the database already has data; nothing added")
        print_logins(settings)
    elif args.command in ("backup", "restore"):
        from server.backup import BackupError, backup, restore

        try:
            if args.command == "backup":
                info = backup(settings.db_path, args.path)
            else:
                info = restore(args.path, settings.db_path)
        except BackupError as exc:
            print(f"{args.command} refused: {exc}", file=sys.stderr)
            if "running" in str(exc):
                print("Stop the server first, then restore, then start it again.", file=sys.stderr)
            return 1
        print(
            f"{args.command} done: {info.records} records, {info.revisions} revisions, {info.attachments} photos"
        )
    elif args.command == "serve":
        import uvicorn

        from server.backup import BackupError, serving_lock

        try:
            with serving_lock(settings.db_path):
                init_database(settings, demo=not args.no_demo)
                port = args.port or settings.port
                print_logins(settings)
                print(f"Nithet is serving on http://{args.host}:{port}", flush=True)
                uvicorn.run(
                    "server.app:create_app",
                    factory=True,
                    host=args.host,
                    port=port,
                    log_level="warning",
                    timeout_keep_alive=KEEP_ALIVE_S,
                )
        except BackupError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    return 0
