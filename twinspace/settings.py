"""Typed settings read from ``TWINSPACE_*`` environment variables."""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twinspace.resources import CHECKOUT_FRONTEND, frontend_dir

PROJECT_ROOT = CHECKOUT_FRONTEND.parent  # the checkout (docs/, deploy/): absent from a wheel
FRONTEND_DIR = CHECKOUT_FRONTEND


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"TWINSPACE_{name}")
    return value if value not in (None, "") else default


def parse_ice_servers(raw: str | None) -> tuple[dict[str, Any], ...]:
    """``[{"urls": "stun:stun.example.org:3478"}, {"urls": ["turn:…"], "secret": "…"}]``.

    A server with ``secret`` gets time-limited credentials (coturn's ``use-auth-secret``);
    one with ``username``/``credential`` passes them on as they are. Bad JSON stops start-up.
    """
    if not raw or not raw.strip():
        return ()
    servers = json.loads(raw)
    if isinstance(servers, dict):
        servers = [servers]
    if not isinstance(servers, list):
        raise ValueError('TWINSPACE_ICE_SERVERS must be a JSON list of {"urls": …} objects')
    for server in servers:
        urls = server.get("urls") if isinstance(server, dict) else None
        if not urls or not isinstance(urls, str | list):
            raise ValueError('every entry of TWINSPACE_ICE_SERVERS needs "urls"')
    return tuple(servers)


NODE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,15}")


def parse_node_id(raw: str | None) -> str | None:
    """``TWINSPACE_NODE_ID``: this process's stable id, the prefix of its Engine.IO session
    ids (``<node id>.<random>``), which nginx reads to route polling to this process.

    1 to 16 characters of ``a-z``, ``0-9`` and ``-`` (it is stored in ``server_nodes`` and
    matched in SQL ``LIKE '<id>.%'``, so no ``.``, ``_`` or ``%``). Unset: a random id.
    """
    if raw is None or raw.strip() == "":
        return None
    node_id = raw.strip()
    if not NODE_ID.fullmatch(node_id):
        raise ValueError(
            f"TWINSPACE_NODE_ID={raw!r}: use 1 to 16 characters of a-z, 0-9 and '-' "
            "(not starting with '-'), different for every server process"
        )
    return node_id


def _load_or_create_secret(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    media_dir: Path
    allowed_origins: tuple[str, ...] = ()
    secure_cookies: bool = False
    max_socket_payload: int = 256 * 1024
    chat_text_max: int = 2000
    max_upload_bytes: int = 50 * 1024 * 1024  # per file
    space_quota_bytes: int = 2 * 1024 * 1024 * 1024  # per TwinSpace
    allowed_upload_types: tuple[str, ...] = ()  # MIME types; empty: the built-in allow-list
    socket_events_per_second: float = 5.0  # per member, on every socket event
    socket_event_burst: int = 20
    session_days: int = 14
    login_account_limit: int = 10
    login_address_limit: int = 50
    login_window_seconds: int = 900
    login_global_limit: int = 100  # failures per account from everywhere before slowing down
    metrics_token: str | None = None  # bearer token for /metrics from beyond loopback
    password_hash_concurrency: int = 2
    socket_transports: tuple[str, ...] = ("polling", "websocket")  # "websocket": no polling
    node_heartbeat_seconds: float = 10.0  # with Redis: liveness of each server process
    node_id: str | None = None  # TWINSPACE_NODE_ID: stable, unique per process; None: random
    node_grace_seconds: float = 30.0  # a node silent this long (and 4 beats) is swept as dead
    write_queue: int = 256  # units of work waiting to write; past it: `busy` at once
    db_pool: int = 30  # PostgreSQL connections per process, kept open
    label_min_days: int = 60  # how long a project is open before its teachers may apply
    retention_days: int = 1095  # a closed TwinSpace, its pupils and files are purged after this
    pupil_notice_days: int = 30  # a closed TwinSpace's pupil accounts are disabled after this
    smtp_url: str | None = None  # smtp://host:port (smtps:// for TLS); unset: mail goes to the log
    mail_from: str = "TwinSpace <no-reply@localhost>"
    public_url: str | None = None  # https://twinspace.example.org: the base of links in mail
    frontend_dir: Path = field(default_factory=frontend_dir)
    ice_servers: tuple[dict, ...] = ()  # TWINSPACE_ICE_SERVERS: STUN/TURN for video meetings
    meeting_url: str | None = None  # https://meet.example.org/{room}: an outside meeting server
    page_cache_mb: int = 32  # rendered pages kept per process (twinspace/web/page_cache.py); 0: off

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        var_dir = Path(_env("VAR_DIR", str(Path.cwd() / "var")))  # type: ignore[arg-type]
        values: dict[str, object] = {
            "var_dir": var_dir,
            "database_url": _env("DATABASE_URL", f"sqlite+aiosqlite:///{var_dir / 'twinspace.db'}"),
            "redis_url": _env("REDIS_URL"),
            "secret_key": _env("SECRET_KEY") or _load_or_create_secret(var_dir),
            "media_dir": Path(_env("MEDIA_DIR", str(var_dir / "media"))),  # type: ignore[arg-type]
            "allowed_origins": tuple(
                o.strip() for o in (_env("ALLOWED_ORIGINS", "") or "").split(",") if o.strip()
            ),
            "metrics_token": _env("METRICS_TOKEN") or None,
            "secure_cookies": (_env("SECURE_COOKIES", "0") or "0").lower() in ("1", "true", "yes"),
            "smtp_url": _env("SMTP_URL"),
            "mail_from": _env("MAIL_FROM", "TwinSpace <no-reply@localhost>"),
            "public_url": (_env("PUBLIC_URL") or "").rstrip("/") or None,
            "allowed_upload_types": tuple(
                t.strip().lower()
                for t in (_env("ALLOWED_UPLOAD_TYPES", "") or "").split(",")
                if t.strip()
            ),
        }
        values["ice_servers"] = parse_ice_servers(_env("ICE_SERVERS"))
        values["meeting_url"] = _env("MEETING_URL") or None
        page_cache = _env("PAGE_CACHE_MB")
        if page_cache is not None:
            values["page_cache_mb"] = max(0, int(page_cache))
        values["node_id"] = parse_node_id(_env("NODE_ID"))
        transports = tuple(
            t.strip() for t in (_env("SOCKET_TRANSPORTS", "") or "").split(",") if t.strip()
        )
        if transports:
            values["socket_transports"] = transports
        heartbeat = _env("NODE_HEARTBEAT_SECONDS")
        if heartbeat is not None:
            values["node_heartbeat_seconds"] = float(heartbeat)
        grace = _env("NODE_GRACE_SECONDS")
        if grace is not None:
            values["node_grace_seconds"] = float(grace)
        for name, conv in (
            ("LOGIN_ACCOUNT_LIMIT", "login_account_limit"),
            ("LOGIN_ADDRESS_LIMIT", "login_address_limit"),
            ("LOGIN_GLOBAL_LIMIT", "login_global_limit"),
            ("MAX_SOCKET_PAYLOAD", "max_socket_payload"),
            ("MAX_UPLOAD_BYTES", "max_upload_bytes"),
            ("SPACE_QUOTA_BYTES", "space_quota_bytes"),
            ("WRITE_QUEUE", "write_queue"),
            ("DB_POOL", "db_pool"),
            ("LABEL_MIN_DAYS", "label_min_days"),
            ("RETENTION_DAYS", "retention_days"),
            ("PUPIL_NOTICE_DAYS", "pupil_notice_days"),
        ):
            raw = _env(name)
            if raw is not None:
                values[conv] = int(raw)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.node_id is not None:
            parse_node_id(self.node_id)  # overrides are checked like the environment

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
