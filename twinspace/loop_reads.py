"""One-statement reads of a SQLite database on the event loop's own thread.

aiosqlite runs every call (cursor, execute, fetch, close, rollback) on a worker thread and
hands the result back through the loop: five thread hops and as many GIL hand-overs for a
session lookup that SQLite answers in tens of microseconds. On a cached page that hand-over
was most of the request (see bench/README.md, "Reads on the loop"). A hot read that is one
indexed statement therefore runs here, synchronously, on a connection of its own:

- read-only (``PRAGMA query_only``) and in autocommit: a statement sees the last commit,
  as a read through aiosqlite does;
- the statement is compiled once by SQLAlchemy for SQLite and its columns converted by
  SQLAlchemy's own type processors, so it reads exactly as through the engine, without
  the engine's per-execution work (cache key, execution context, result object);
- it never waits: SQLite in WAL mode lets readers run beside the writer, and in the rare
  moment a reader would have to wait (``SQLITE_BUSY``: a recovery, a checkpoint that
  resets the log) the read gives up at once and the caller takes the usual path;
- file databases only (an in-memory database is private to its connection).

PostgreSQL reads stay on asyncpg, which has no thread to hop to.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, make_url
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeEngine

_DIALECT = sqlite.dialect()
Processor = Callable[[Any], Any] | None


class LoopReadUnavailable(Exception):
    """The read would have had to wait: take the asynchronous path instead."""


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled once for SQLite: its SQL, how to bind its parameters in order,
    and how to turn each column back into Python (SQLAlchemy's own type processors)."""

    sql: str
    names: tuple[str, ...]
    binders: tuple[Processor, ...]
    literal: Mapping[str, Any]
    readers: tuple[Processor, ...]
    converts: bool  # False: every column comes out of sqlite3 as Python wants it

    @classmethod
    def of(cls, statement: Select[Any]) -> _Prepared:
        compiled = statement.compile(dialect=_DIALECT)
        names = tuple(compiled.positiontup or ())
        binders = tuple(
            _dialect_type(compiled.binds[name].type).bind_processor(_DIALECT) for name in names
        )
        readers = tuple(
            _dialect_type(column.type).result_processor(_DIALECT, None)
            for column in statement.selected_columns
        )
        literal = {
            name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
        }
        converts = any(reader is not None for reader in readers)
        return cls(compiled.string, names, binders, literal, readers, converts)

    def parameters(self, params: Mapping[str, Any] | None) -> list[Any]:
        values = {**self.literal, **(params or {})}
        bound = []
        for name, binder in zip(self.names, self.binders, strict=True):
            value = values[name]
            bound.append(binder(value) if binder is not None else value)
        return bound

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            reader(value) if reader is not None else value
            for reader, value in zip(self.readers, raw, strict=True)
        )


def _dialect_type(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    return type_.dialect_impl(_DIALECT)


class LoopReader:
    def __init__(self, path: str) -> None:
        # autocommit (no BEGIN around a read); timeout 0: never wait for a lock
        self.connection = sqlite3.connect(
            path, timeout=0, isolation_level=None, check_same_thread=False
        )
        self.connection.execute("PRAGMA query_only=ON")
        self._lock = threading.Lock()  # one statement at a time, whichever loop asks
        self._prepared: dict[Select[Any], _Prepared] = {}

    def rows(self, statement: Select[Any], params: Mapping[str, Any] | None) -> list[tuple]:
        prepared = self._prepared.get(statement)
        if prepared is None:
            prepared = self._prepared[statement] = _Prepared.of(statement)
        try:
            with self._lock:
                cursor = self.connection.execute(prepared.sql, prepared.parameters(params))
                found = cursor.fetchall()
        except sqlite3.OperationalError as error:  # "database is locked": never wait here
            raise LoopReadUnavailable from error
        if not prepared.converts:  # (SQLite's own values are already what Python wants)
            return found
        return [prepared.row(raw) for raw in found]

    def dispose(self) -> None:
        self.connection.close()


def sqlite_file(url: str) -> str | None:
    """The path of a SQLite file database, None for an in-memory one or another backend."""
    if not url.startswith("sqlite"):
        return None
    path = make_url(url).database
    if not path or path == ":memory:" or "mode=memory" in url:
        return None
    return path


def loop_reader_for(url: str) -> LoopReader | None:
    """A loop reader for a SQLite file database, None for anything else."""
    path = sqlite_file(url)
    return LoopReader(path) if path is not None else None
