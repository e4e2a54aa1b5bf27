"""Which live sockets belong to which login session, so ending a session can
disconnect its sockets on every server process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from twinspace.db import Base, UTCDateTime, utcnow


class LiveSocket(Base):
    __tablename__ = "live_sockets"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServerNode(Base):
    """A running server process (with Redis: several share the database). Its sockets' ids
    start with ``<id>.``; when its heartbeat stops (SIGKILL, machine lost), the others remove
    its sockets' rows, so presence and supervision stop counting people who are gone."""

    __tablename__ = "server_nodes"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
