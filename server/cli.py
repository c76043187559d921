"""Command line: `python -m server serve | init | demo | backup PATH | restore PATH | user add|deactivate`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from server.config import Settings
from server.db import Database
from server.migrations import apply as migrate


def local_today() -> dt.date:
    """The area office's date (Thailand), whatever the server's clock zone."""
    return dt.datetime.now(ZoneInfo(os.environ.get("NITHET_TZ", "Asia/Bangkok"))).date()


def init_database(settings: Settings, *, demo: bool) -> bool:
    """Migrate; with `demo`, fill an empty database with the demo data. True when demo data was added."""
    from server import demo as demo_data

    db = Database(settings.db_path)
    try:
        db.write_sync(migrate)
        if demo and db.write_sync(demo_data.is_empty):
            db.write_sync(demo_data.seed, local_today())
            return True
        return False
    finally:
        db.close()


def print_logins(out: object = sys.stdout) -> None:
    from server.demo import DEMO_PASSWORD, USERS

    print("Demo logins (password for all: %s):" % DEMO_PASSWORD, file=out)  # type: ignore[arg-type]  # noqa: UP031
    for username, display, role, nets in USERS:
        print(f"  {username:<12} {role:<12} {display}  {' '.join(nets)}", file=out)  # type: ignore[arg-type]


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

    db = Database(settings.db_path)
    username = args.username.strip().lower()
    try:
        db.write_sync(migrate)
        if args.user_command == "add":
            role, network_ids, password = db.write_sync(add)
            print(f"user {username} added ({role}; networks: {', '.join(network_ids) or '-'})")
            print(f"one-time password, shown only this once: {password}")
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
    sub.add_parser("init", help="create or migrate the database")
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
    user_off = user_sub.add_parser("deactivate", help="stop an account from logging in; ends its sessions")
    user_off.add_argument("username")
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.command == "user":
        return user_command(settings, args)

    if args.command == "init":
        init_database(settings, demo=False)
        print(f"database ready: {settings.db_path}")
    elif args.command == "demo":
        added = init_database(settings, demo=True)
        print("demo data added" if added else "the database already has data; nothing added")
        print_logins()
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
                print_logins()
                print(f"Nithet is serving on http://{args.host}:{port}", flush=True)
                uvicorn.run(
                    "server.app:create_app", factory=True, host=args.host, port=port, log_level="warning"
                )
        except BackupError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    return 0
