"""How a component declares the personal data its tables hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import JSON, Column, LargeBinary, String, Table, Text


@dataclass(frozen=True)
class TableData:
    """One table's personal data.

    - ``owner``: columns naming the person a row belongs to; the row is exported, and deleted
      when the person is erased (a session, a profile, an inbox copy, a membership).
    - ``attributed``: author columns of contributions to shared spaces; the row is exported,
      and kept on erasure with the author replaced by the installation's "Former member".
    - ``cleared``: incidental references (who hid, resolved, validated); replaced like
      ``attributed`` on erasure, exported.
    - ``text``: free-text columns; personal when the row is the person's (exported with it).
    - ``person_json``: JSON columns that may name anyone (``{"id": 3, "name": "Léa C."}``,
      a list of ids); every row is scrubbed of the erased person.
    - ``files``: columns holding stored file keys: the files go with the person's rows.
    - ``blobs``: binary columns holding the person's own picture or file (exported as files).
    - ``blank``: ``{person column: text columns}``: text emptied on erasure in the rows where
      that column named the person (the moderated message kept in the moderation log).
    - ``username_keyed``: text columns of keys that hold a username among ``:``-separated
      parts (login throttling counters); the person's rows are deleted on erasure.
    - ``secret``: columns never exported (password hashes, tokens).
    - ``not_personal``: columns that look like free text but are not about a person, with why.
    """

    table: str
    purpose: str
    owner: tuple[str, ...] = ()
    attributed: tuple[str, ...] = ()
    cleared: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    person_json: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    blobs: tuple[str, ...] = ()
    blank: dict[str, tuple[str, ...]] = field(default_factory=dict)
    username_keyed: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()
    not_personal: dict[str, str] = field(default_factory=dict)

    @property
    def person_columns(self) -> tuple[str, ...]:
        return self.owner + self.attributed + self.cleared

    def declares(self, column: str) -> bool:
        return column in (
            *self.person_columns,
            *self.text,
            *self.person_json,
            *self.secret,
            *self.username_keyed,
            *self.files,
            *self.blobs,
            *self.not_personal,
        )


@dataclass(frozen=True)
class Component:
    name: str  # "accounts", "chat", "tool:wiki"
    label: str  # shown in the export's index
    tables: tuple[TableData, ...]


def refers_to_a_person(column: Column) -> bool:
    return any(fk.column.table.name == "users" for fk in column.foreign_keys)


def holds_free_text(column: Column) -> bool:
    """Text, JSON and binary columns, and strings of 100 characters or more."""
    kind = column.type
    if column.foreign_keys:
        return False
    if isinstance(kind, (Text, JSON, LargeBinary)):
        return True
    return isinstance(kind, String) and (kind.length or 0) >= 100


def undeclared_columns(table: Table, declared: list[TableData]) -> list[str]:
    """The columns of ``table`` that refer to a person or hold free text and that no
    component declares."""
    return [
        column.name
        for column in table.columns
        if (refers_to_a_person(column) or holds_free_text(column))
        and not any(d.declares(column.name) for d in declared)
    ]
