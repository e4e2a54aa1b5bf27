"""twinspace serve | migrate | demo."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from pathlib import Path

from twinspace.settings import Settings

DEMO_ACCOUNTS = (
    "  teachers:      anne (France, administrator), jonas (Germany, administrator)\n"
    "  pupils:        lea, tom\n"
    "  visitor:       paul\n"
    "  NSS officers:  nss-fr, nss-de, nss-es\n"
    "  network:       lucia (Spain), piotr (Poland): postings, contacts, and the project\n"
    '                 "Legends of our towns" (lucia, anne) awaits the NSS of Spain, France\n'
    "  password for every demo account: demo-pass"
)


async def _seed_demo(settings: Settings) -> bool:
    from twinspace.accounts.passwords import PasswordService
    from twinspace.db import Database
    from twinspace.demo import ensure_demo

    db = Database(settings.database_url)
    try:
        return await ensure_demo(db, PasswordService(), settings)
    finally:
        await db.dispose()


async def _purge_chat(settings: Settings) -> int:
    from twinspace.db import Database
    from twinspace.rooms.chat.admin import do_purge_chat_history

    db = Database(settings.database_url)
    try:
        return await do_purge_chat_history(db)
    finally:
        await db.dispose()


def cmd_privacy(args: argparse.Namespace, settings: Settings) -> None:
    from twinspace.db import Database
    from twinspace.errors import DomainError
    from twinspace.privacy.actions import erase_person, export_person, get_person_id
    from twinspace.storage import LocalStorage

    storage = LocalStorage(settings.media_dir)

    async def run() -> str:
        db = Database(settings.database_url)
        try:
            user_id = await get_person_id(db, args.username)
            if args.action == "export":
                path = await export_person(db, storage, user_id, Path(args.out))
                return f"Exported the data of {args.username} to {path}."
            erasure, _ = await erase_person(db, storage, user_id)
            return (
                f"Erased {args.username}: {sum(erasure.deleted.values())} rows deleted, "
                f"{sum(erasure.reattributed.values())} contributions kept as a former member, "
                f"{len(erasure.file_keys)} files removed."
            )
        finally:
            await db.dispose()

    if args.action == "erase" and not args.yes:
        if not sys.stdin.isatty():
            sys.exit("Refusing to erase without confirmation: run it on a terminal or add --yes.")
        answer = input(f"Erase {args.username} and all their personal data? Type the username: ")
        if answer.strip() != args.username:
            sys.exit("Not erased.")
    try:
        print(asyncio.run(run()))
    except DomainError as error:
        sys.exit(f"{args.username}: {error.message}")


def cmd_migrate(settings: Settings) -> None:
    from twinspace.migrate import upgrade

    upgrade(settings.database_url)


def prepare_database(settings: Settings) -> None:
    """A new, empty database is migrated here (so `serve --demo` works in one command); one
    that an older version left behind the code's migrations is refused: upgrading is a step
    the administrator takes, after a backup, with `twinspace migrate`."""
    from twinspace.migrate import SchemaState, schema_state

    state = schema_state(settings.database_url)
    if state is SchemaState.EMPTY:
        cmd_migrate(settings)
    elif state is SchemaState.BEHIND:
        sys.exit(
            f"The database is behind TwinSpace {version()}'s migrations. Back it up, run "
            "`twinspace migrate` (with the same TWINSPACE_DATABASE_URL), then start the server."
        )
    elif state is SchemaState.NEWER:
        sys.exit(
            "The database was migrated by a newer TwinSpace than this one "
            f"({version()}): run the newer version, or restore a backup made before it."
        )


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("twinspace")
    except PackageNotFoundError:  # running from a checkout that was never installed
        from twinspace import __version__

        return __version__


GC_THRESHOLD = "50000,20,100"


def _freeze_heap() -> None:
    """Move everything allocated at start-up out of the garbage collector's reach: full
    collections over it caused a periodic p99 stall in the fan-out (bench/README.md).
    TWINSPACE_GC_FREEZE=0 turns it off (to measure the difference)."""
    if os.environ.get("TWINSPACE_GC_FREEZE", "1") != "0":
        gc.collect()
        gc.freeze()
    # fewer, not longer, collections: at 1,000 sockets the worst pause fell from 386 ms to
    # 46 ms (bench/README.md); "700,10,10" gives back Python's own thresholds
    thresholds = os.environ.get("TWINSPACE_GC_THRESHOLD") or GC_THRESHOLD
    gc.set_threshold(*(int(n) for n in thresholds.split(",")))


def serve_app():  # uvicorn's factory in each worker process of `serve --workers N`
    from twinspace.app import create_app

    app = create_app(Settings.from_env())
    _freeze_heap()
    return app


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from twinspace.app import create_app

    if args.workers > 1 and not settings.redis_url:
        sys.exit("twinspace serve --workers N needs TWINSPACE_REDIS_URL (processes share Redis)")
    if args.workers > 1 and settings.node_id:
        sys.exit(
            "TWINSPACE_NODE_ID names one process: with --workers N they would all share it "
            "(run one `twinspace serve` per port, each with its own TWINSPACE_NODE_ID)"
        )
    prepare_database(settings)
    if args.demo:
        created = asyncio.run(_seed_demo(settings))
        print("Demo data " + ("created." if created else "already present, reused."))
    url = f"http://{args.host}:{args.port}"
    print(f"TwinSpace is running on {url}", flush=True)
    if args.demo:
        print("Demo accounts:\n" + DEMO_ACCOUNTS, flush=True)
    options = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "ws": "websockets-sansio" if _has_sansio() else "auto",
    }
    if args.workers > 1:
        # the workers share one listening socket, so the requests of one long-polling
        # client would land on different processes: websocket only
        os.environ.setdefault("TWINSPACE_SOCKET_TRANSPORTS", "websocket")
        uvicorn.run("twinspace.cli:serve_app", factory=True, workers=args.workers, **options)
        return
    app = create_app(settings)
    _freeze_heap()
    uvicorn.run(app, **options)


def schema_document(kind: str) -> dict:
    """The OpenAPI document of /api/v1/ or the AsyncAPI document of the socket protocol,
    built from the code's declarations (no database, no server needed)."""
    import tempfile
    from pathlib import Path

    from twinspace import __version__

    if kind == "asyncapi":
        from twinspace.realtime.protocol import build_asyncapi

        return build_asyncapi(__version__)
    from twinspace.api.openapi import build_openapi
    from twinspace.app import create_app

    scratch = Path(tempfile.gettempdir())
    settings = Settings(
        var_dir=scratch,
        database_url="sqlite+aiosqlite://",
        redis_url=None,
        secret_key="schema",
        media_dir=scratch / "twinspace-schema-media",
    )
    routes = create_app(settings).other_asgi_app.app.routes  # type: ignore[attr-defined]
    return build_openapi(routes, __version__)


def cmd_schema(args: argparse.Namespace) -> None:
    import json

    text = json.dumps(schema_document(args.kind), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"Wrote {args.out}.")
    else:
        sys.stdout.write(text)


def _has_sansio() -> bool:
    try:
        import websockets  # noqa: F401
        from uvicorn.protocols.websockets import websockets_sansio_impl  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    import twinspace.access_epoch  # noqa: F401, PLC0415 - writes here move the access epoch too
    import twinspace.content_epoch  # noqa: F401, PLC0415 - and the content epoch

    parser = argparse.ArgumentParser(prog="twinspace", description="TwinSpace server")
    parser.add_argument("--version", action="version", version=f"twinspace {version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--demo", action="store_true", help="create (once) and use the demo installation"
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (needs TWINSPACE_REDIS_URL; websocket only)",
    )
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("demo", help="create the demo installation (once)")
    schema = sub.add_parser(
        "schema", help="print the OpenAPI (HTTP API) or AsyncAPI (Socket.IO) document"
    )
    schema.add_argument("kind", choices=("openapi", "asyncapi"))
    schema.add_argument("--out", help="write it to this file instead")
    sub.add_parser("purge-chat", help="delete chat history older than each TwinSpace keeps it")
    privacy = sub.add_parser("privacy", help="export or erase a person's data")
    privacy_sub = privacy.add_subparsers(dest="action", required=True)
    export = privacy_sub.add_parser("export", help="write a person's data to a ZIP file")
    export.add_argument("username")
    export.add_argument("--out", required=True, help="the ZIP file to write")
    erase = privacy_sub.add_parser("erase", help="erase a person (asks for confirmation)")
    erase.add_argument("username")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    if args.command == "schema":
        cmd_schema(args)
        return
    settings = Settings.from_env()
    if args.command == "serve":
        cmd_serve(args, settings)
    elif args.command == "migrate":
        cmd_migrate(settings)
        print("Database is up to date.")
    elif args.command == "privacy":
        cmd_privacy(args, settings)
    elif args.command == "purge-chat":
        print(f"Purged {asyncio.run(_purge_chat(settings))} chat messages.")
    elif args.command == "demo":
        cmd_migrate(settings)
        created = asyncio.run(_seed_demo(settings))
        print("Demo data " + ("created." if created else "already present.") + "\n" + DEMO_ACCOUNTS)


if __name__ == "__main__":
    main(sys.argv[1:])
