"""The library of one widget as a tree, names, people, JSON shapes and the trash purge."""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import Database, utcnow
from twinspace.errors import Invalid
from twinspace.files import do_forget
from twinspace.i18n import N_
from twinspace.i18n.formatting import filesize
from twinspace.pages.base import WidgetContext, payload_id
from twinspace.permissions import TEACHER_ROLES, Action, Role, Viewer
from twinspace.storage import LocalStorage
from twinspace.tools.files.models import FILE_NAME_MAX, FOLDER_NAME_MAX, LibraryFile, LibraryFolder
from twinspace.tools.files.sniff import type_of

TRASH_DAYS = 30
MAX_DEPTH = 8  # folders within folders
Person = tuple[User, Role | None]


# --- Input -----------------------------------------------------------------------------------


number = payload_id


def folder_ref(payload: dict[str, Any], key: str) -> int | None:
    """A folder chosen in a list: nothing, "" or 0 mean the top level."""
    if payload.get(key) in (None, "", 0, "0"):
        return None
    return number(payload, key)


def clean_name(raw: object, *, folder: bool) -> str:
    """A name as typed: no control characters or slashes, trimmed, not only dots."""
    limit = FOLDER_NAME_MAX if folder else FILE_NAME_MAX
    name = ""
    if isinstance(raw, str):
        name = "".join(
            ch for ch in unicodedata.normalize("NFC", raw) if unicodedata.category(ch)[0] != "C"
        ).strip()
    if not name or len(name) > limit or "/" in name or "\\" in name or not name.strip("."):
        if folder:
            raise Invalid(
                N_("A folder name is 1 to 120 characters, without slashes."), field="name"
            )
        raise Invalid(N_("A file name is 1 to 200 characters, without slashes."), field="name")
    return name


def free_name(name: str, taken: set[str], limit: int) -> str:
    """``name``, or "name (2).ext", "name (3).ext"… if a sibling already has it."""
    if name.casefold() not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    for n in range(2, 10_000):
        mark = f" ({n})"
        candidate = stem[: limit - len(mark) - len(suffix)] + mark + suffix
        if candidate.casefold() not in taken:
            return candidate
    raise Invalid(N_("Too many files with this name here."))


# --- The tree --------------------------------------------------------------------------------


@dataclass
class Library:
    """Every folder and file of one widget, trashed ones included."""

    folders: dict[int, LibraryFolder] = field(default_factory=dict)
    files: dict[int, LibraryFile] = field(default_factory=dict)

    def children(self, folder_id: int | None) -> list[LibraryFolder]:
        return [f for f in self.folders.values() if f.parent_id == folder_id]

    def files_in(self, folder_id: int | None) -> list[LibraryFile]:
        return [f for f in self.files.values() if f.folder_id == folder_id]

    def ancestors(self, folder_id: int | None) -> list[LibraryFolder]:
        """From the top level down to ``folder_id`` (included)."""
        chain: list[LibraryFolder] = []
        seen: set[int] = set()
        while folder_id is not None and folder_id in self.folders and folder_id not in seen:
            seen.add(folder_id)
            folder = self.folders[folder_id]
            chain.append(folder)
            folder_id = folder.parent_id
        return list(reversed(chain))

    def folder_live(self, folder_id: int | None) -> bool:
        """The top level, or a folder that is not in the trash, nor inside one."""
        if folder_id is None:
            return True
        chain = self.ancestors(folder_id)
        if not chain or chain[-1].id != folder_id or chain[0].parent_id is not None:
            return False
        return all(f.deleted_at is None for f in chain)

    def file_live(self, file: LibraryFile) -> bool:
        return file.deleted_at is None and self.folder_live(file.folder_id)

    def subtree(self, folder_id: int) -> tuple[list[LibraryFolder], list[LibraryFile]]:
        """The folder, every folder inside it and every file in those, trashed ones too."""
        folders, todo = [], [folder_id]
        while todo:
            current = self.folders[todo.pop()]
            folders.append(current)
            todo.extend(f.id for f in self.children(current.id))
        ids = {f.id for f in folders}
        return folders, [f for f in self.files.values() if f.folder_id in ids]

    def depth(self, folder_id: int | None) -> int:
        return len(self.ancestors(folder_id))

    def height(self, folder_id: int) -> int:
        below = [self.height(c.id) for c in self.children(folder_id)]
        return 1 + max(below, default=0)

    def path(self, folder_id: int | None) -> str:
        return " / ".join(f.name for f in self.ancestors(folder_id))

    def taken_folder_names(self, parent_id: int | None, but: int | None = None) -> set[str]:
        return {
            f.name.casefold()
            for f in self.children(parent_id)
            if f.deleted_at is None and f.id != but
        }

    def taken_file_names(self, folder_id: int | None, but: int | None = None) -> set[str]:
        return {
            f.name.casefold()
            for f in self.files_in(folder_id)
            if f.deleted_at is None and f.id != but
        }

    def live_folders(self) -> list[LibraryFolder]:
        return sorted(
            (f for f in self.folders.values() if self.folder_live(f.id)),
            key=lambda f: self.path(f.id).casefold(),
        )


async def load_library(session: AsyncSession, widget_id: int) -> Library:
    folders = await session.scalars(
        select(LibraryFolder).where(LibraryFolder.widget_id == widget_id)
    )
    files = await session.scalars(select(LibraryFile).where(LibraryFile.widget_id == widget_id))
    return Library({f.id: f for f in folders}, {f.id: f for f in files})


def sort_key(item: LibraryFolder | LibraryFile) -> tuple[str, int]:
    return (item.name.casefold(), item.id)


# --- Who may change what ---------------------------------------------------------------------


def may_manage(ctx: WidgetContext) -> bool:
    return ctx.may(Action.UPLOAD) or ctx.may(Action.MODERATE)


def may_change(ctx: WidgetContext, owner_ids: set[int | None]) -> bool:
    """Moderators and teachers who may upload change anything; a pupil who may upload
    changes only what is all theirs (a folder with everything in it)."""
    if ctx.may(Action.MODERATE):
        return True
    if not ctx.may(Action.UPLOAD):
        return False
    if ctx.viewer.role in TEACHER_ROLES:
        return True
    return ctx.user is not None and owner_ids == {ctx.user.id}


def owners(library: Library, item: LibraryFolder | LibraryFile) -> set[int | None]:
    if isinstance(item, LibraryFile):
        return {item.uploaded_by}
    folders, files = library.subtree(item.id)
    return {f.created_by for f in folders} | {f.uploaded_by for f in files}


# --- People and JSON -------------------------------------------------------------------------


async def people(ctx: WidgetContext, ids: set[int | None]) -> dict[int, Person]:
    return await ctx.people(ids)


def public_view(ctx: WidgetContext) -> WidgetContext:
    """The context as the public sees it: events reach everyone in the page's room."""
    return dataclasses.replace(ctx, viewer=Viewer(None, Role.PUBLIC))


def person_json(ctx: WidgetContext, found: dict[int, Person], user_id: int | None) -> dict:
    if user_id is None or user_id not in found:
        return {"id": None, "name": ctx.gettext(N_("Former member"))}
    return {"id": user_id, "name": ctx.display_name(*found[user_id])}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def size_label(ctx: WidgetContext, size: int) -> str:
    """A size in KB, MB or GB (1,024 of the one below) with the reader's decimal mark."""
    return filesize(size)


def download_url(ctx: WidgetContext, file: LibraryFile) -> str:
    return f"/spaces/{ctx.space.id}/files/{file.id}/download"


def file_json(ctx: WidgetContext, file: LibraryFile, found: dict[int, Person]) -> dict[str, Any]:
    kind, label = type_of(file.mime)
    return {
        "id": file.id,
        "name": file.name,
        "folder_id": file.folder_id,
        "size": file.size,
        "size_label": size_label(ctx, file.size),
        "mime": file.mime,
        "kind": kind,
        "type_label": ctx.gettext(label),
        "uploader": person_json(ctx, found, file.uploaded_by),
        "created_at": iso(file.created_at),
        "deleted_at": iso(file.deleted_at),
        "download_url": download_url(ctx, file),
    }


def folder_json(
    ctx: WidgetContext, folder: LibraryFolder, found: dict[int, Person]
) -> dict[str, Any]:
    return {
        "id": folder.id,
        "name": folder.name,
        "parent_id": folder.parent_id,
        "created_by": person_json(ctx, found, folder.created_by),
        "created_at": iso(folder.created_at),
        "deleted_at": iso(folder.deleted_at),
    }


# --- The trash purge -------------------------------------------------------------------------


async def purge_trash(
    db: Database, storage: LocalStorage, now: datetime | None = None, days: int = TRASH_DAYS
) -> int:
    """Delete for good what has been in the trash longer than ``days``: the rows, their
    stored-file rows, then (after COMMIT) the stored bytes. Returns the number of files."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    keys: list[str] = []
    async with db.unit_of_work() as uow:
        session = uow.session
        folder_ids = set(
            await session.scalars(select(LibraryFolder.id).where(LibraryFolder.deleted_at < cutoff))
        )
        frontier = set(folder_ids)
        while frontier:  # everything inside goes with its folder
            frontier = (
                set(
                    await session.scalars(
                        select(LibraryFolder.id).where(LibraryFolder.parent_id.in_(frontier))
                    )
                )
                - folder_ids
            )
            folder_ids |= frontier
        condition = LibraryFile.deleted_at < cutoff
        if folder_ids:
            condition = or_(condition, LibraryFile.folder_id.in_(folder_ids))
        files = list(await session.scalars(select(LibraryFile).where(condition)))
        for file in files:
            keys.append(file.storage_key)
            await session.delete(file)
        await session.flush()
        for key in keys:
            await do_forget(uow, key)
        if folder_ids:
            await session.execute(
                delete(LibraryFolder)
                .where(LibraryFolder.id.in_(folder_ids))
                .execution_options(synchronize_session=False)
            )
    for key in keys:  # committed: the bytes may go
        storage.delete(key)
    return len(keys)
