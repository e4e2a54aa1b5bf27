"""The Document library tool: folders and files shared on a page.

Uploading goes through its own route (a streamed multipart body, see ``routes.py``);
everything else is a command of the generic command path. Renaming, moving, deleting
and restoring are allowed to whoever may upload (a pupil only for what is all theirs)
and to moderators; one Action per command cannot say "uploader, or moderator", so those
commands are declared READ (the core checks that first) and check the rest here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.routing import BaseRoute

from twinspace.db import Database
from twinspace.errors import Conflict, Forbidden, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.pages.base import BaseTool, ToolCommand, WidgetContext
from twinspace.permissions import Action
from twinspace.storage import LocalStorage
from twinspace.tools.files.library import (
    MAX_DEPTH,
    TRASH_DAYS,
    Library,
    clean_name,
    file_json,
    folder_json,
    folder_ref,
    free_name,
    load_library,
    may_change,
    may_manage,
    number,
    owners,
    people,
    person_json,
    public_view,
    purge_trash,
    size_label,
    sort_key,
)
from twinspace.tools.files.models import FILE_NAME_MAX, FOLDER_NAME_MAX, LibraryFile, LibraryFolder
from twinspace.tools.files.sniff import allowed_types, type_of

KIND = "files"
Item = LibraryFolder | LibraryFile


# --- Finding things --------------------------------------------------------------------------


def _item(library: Library, payload: dict[str, Any]) -> Item:
    """The folder (``folder_id``) or file (``file_id``) a command is about."""
    if payload.get("file_id") not in (None, ""):
        found: Item | None = library.files.get(number(payload, "file_id") or 0)
    elif payload.get("folder_id") not in (None, ""):
        found = library.folders.get(number(payload, "folder_id") or 0)
    else:
        raise Invalid(N_("Say which file or folder."), field="file_id")
    if found is None:
        raise NotFound(N_("No such file or folder."))
    return found


def _live(library: Library, item: Item) -> bool:
    if isinstance(item, LibraryFile):
        return library.file_live(item)
    return library.folder_live(item.id)


def _live_item(library: Library, payload: dict[str, Any]) -> Item:
    item = _item(library, payload)
    if not _live(library, item):
        raise NotFound(N_("No such file or folder."))
    return item


def _folder(library: Library, folder_id: int | None) -> LibraryFolder | None:
    """A folder to put things in: the top level (None) or a folder that is not in the trash."""
    if folder_id is None:
        return None
    if folder_id not in library.folders or not library.folder_live(folder_id):
        raise NotFound(N_("No such folder."))
    return library.folders[folder_id]


def _check_change(ctx: WidgetContext, library: Library, item: Item) -> None:
    if may_change(ctx, owners(library, item)):
        return
    if not may_manage(ctx):
        raise Forbidden(N_("You may not do this here."))
    if isinstance(item, LibraryFolder):
        raise Forbidden(N_("You can change only folders whose contents are all yours."))
    raise Forbidden(N_("You can change only the files you uploaded."))


def _kind_of(item: Item) -> str:
    return "file" if isinstance(item, LibraryFile) else "folder"


async def _item_json(ctx: WidgetContext, item: Item, *, public: bool) -> dict[str, Any]:
    shown = public_view(ctx) if public else ctx
    if isinstance(item, LibraryFile):
        data = file_json(shown, item, await people(ctx, {item.uploaded_by}))
    else:
        data = folder_json(shown, item, await people(ctx, {item.created_by}))
    if public:  # words for the live event: the readers translate them themselves
        data.pop("size_label", None)
        data.pop("type_label", None)
    return data


# --- Commands --------------------------------------------------------------------------------


async def folder_create(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    name = clean_name(payload.get("name"), folder=True)
    library = await load_library(ctx.session, ctx.widget.id)
    parent = _folder(library, folder_ref(payload, "parent_id"))
    parent_id = parent.id if parent else None
    if library.depth(parent_id) >= MAX_DEPTH:
        raise Invalid(N_("Folders can be nested 8 levels deep at most."), field="parent_id")
    if name.casefold() in library.taken_folder_names(parent_id):
        raise Conflict(N_("There is already a folder with this name here."), field="name")
    folder = LibraryFolder(
        widget_id=ctx.widget.id,
        parent_id=parent_id,
        name=name,
        created_by=ctx.actor().id,
        created_at=ctx.now,
    )
    ctx.session.add(folder)
    await ctx.session.flush()
    await ctx.emit("library.folder_created", {"folder": await _item_json(ctx, folder, public=True)})
    return {"ok": True, "folder": await _item_json(ctx, folder, public=False)}


async def item_rename(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    library = await load_library(ctx.session, ctx.widget.id)
    item = _live_item(library, payload)
    _check_change(ctx, library, item)
    if isinstance(item, LibraryFolder):
        name = clean_name(payload.get("name"), folder=True)
        taken = library.taken_folder_names(item.parent_id, but=item.id)
        if name.casefold() in taken:
            raise Conflict(N_("There is already a folder with this name here."), field="name")
    else:
        name = clean_name(payload.get("name"), folder=False)
        if name.casefold() in library.taken_file_names(item.folder_id, but=item.id):
            raise Conflict(N_("There is already a file with this name here."), field="name")
    item.name = name
    await ctx.session.flush()
    data = {"item_type": _kind_of(item), "id": item.id, "name": name}
    await ctx.emit("library.item_renamed", data)
    return {"ok": True, **data}


async def item_move(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    library = await load_library(ctx.session, ctx.widget.id)
    item = _live_item(library, payload)
    _check_change(ctx, library, item)
    target = _folder(library, folder_ref(payload, "to_folder_id"))
    target_id = target.id if target else None
    if isinstance(item, LibraryFolder):
        if target_id is not None and any(f.id == item.id for f in library.ancestors(target_id)):
            raise Invalid(N_("A folder cannot go inside itself."), field="to_folder_id")
        if library.depth(target_id) + library.height(item.id) > MAX_DEPTH:
            raise Invalid(N_("Folders can be nested 8 levels deep at most."), field="to_folder_id")
        if target_id != item.parent_id and item.name.casefold() in library.taken_folder_names(
            target_id
        ):
            raise Conflict(N_("There is already a folder with this name there."))
        item.parent_id = target_id
    else:
        if target_id != item.folder_id and item.name.casefold() in library.taken_file_names(
            target_id
        ):
            raise Conflict(N_("There is already a file with this name there."))
        item.folder_id = target_id
    await ctx.session.flush()
    data = {"item_type": _kind_of(item), "id": item.id, "folder_id": target_id}
    await ctx.emit("library.item_moved", data)
    return {"ok": True, **data}


async def item_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """To the trash: restorable for 30 days, then deleted for good (files in a folder go
    with it)."""
    library = await load_library(ctx.session, ctx.widget.id)
    item = _live_item(library, payload)
    _check_change(ctx, library, item)
    item.deleted_at, item.deleted_by = ctx.now, ctx.actor().id
    await ctx.session.flush()
    data = {"item_type": _kind_of(item), "id": item.id}
    await ctx.emit("library.item_deleted", data)
    return {"ok": True, **data, "restorable_days": TRASH_DAYS}


async def item_restore(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Back from the trash, into its folder (or the top level when that folder is gone);
    a name taken since gets a number."""
    library = await load_library(ctx.session, ctx.widget.id)
    item = _item(library, payload)
    if item.deleted_at is None:
        raise NotFound(N_("This is not in the trash."))
    _check_change(ctx, library, item)
    if isinstance(item, LibraryFolder):
        if not library.folder_live(item.parent_id):
            item.parent_id = None
        taken = library.taken_folder_names(item.parent_id, but=item.id)
        item.name = free_name(item.name, taken, FOLDER_NAME_MAX)
    else:
        if not library.folder_live(item.folder_id):
            item.folder_id = None
        taken = library.taken_file_names(item.folder_id, but=item.id)
        item.name = free_name(item.name, taken, FILE_NAME_MAX)
    item.deleted_at, item.deleted_by = None, None
    await ctx.session.flush()
    kind = _kind_of(item)
    await ctx.emit(
        "library.item_restored",
        {"item_type": kind, "id": item.id, kind: await _item_json(ctx, item, public=True)},
    )
    return {"ok": True, "item_type": kind, kind: await _item_json(ctx, item, public=False)}


async def library_list(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """The folders and files of one folder (the top level by default), sorted by name."""
    library = await load_library(ctx.session, ctx.widget.id)
    folder = _folder(library, folder_ref(payload, "folder_id"))
    folder_id = folder.id if folder else None
    folders = sorted((f for f in library.children(folder_id) if f.deleted_at is None), key=sort_key)
    files = sorted((f for f in library.files_in(folder_id) if f.deleted_at is None), key=sort_key)
    found = await people(ctx, {f.created_by for f in folders} | {f.uploaded_by for f in files})
    return {
        "ok": True,
        "folder": folder_json(ctx, folder, found) if folder else None,
        "path": [{"id": f.id, "name": f.name} for f in library.ancestors(folder_id)],
        "folders": [
            {**folder_json(ctx, f, found), "may_change": may_change(ctx, owners(library, f))}
            for f in folders
        ],
        "files": [
            {**file_json(ctx, f, found), "may_change": may_change(ctx, {f.uploaded_by})}
            for f in files
        ],
        "may_upload": ctx.may(Action.UPLOAD),
    }


def _trash(ctx: WidgetContext, library: Library) -> list[Item]:
    """What is in the trash and this viewer may restore, newest first."""
    items: list[Item] = [f for f in library.folders.values() if f.deleted_at is not None]
    items += [f for f in library.files.values() if f.deleted_at is not None]
    items = [i for i in items if may_change(ctx, owners(library, i))]
    return sorted(items, key=lambda i: (i.deleted_at, i.id), reverse=True)


def _purged_on(item: Item) -> datetime:
    assert item.deleted_at is not None
    return item.deleted_at + timedelta(days=TRASH_DAYS)


async def trash_list(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    if not may_manage(ctx):
        raise Forbidden(N_("You may not do this here."))
    library = await load_library(ctx.session, ctx.widget.id)
    items = _trash(ctx, library)
    found = await people(
        ctx,
        {i.uploaded_by if isinstance(i, LibraryFile) else i.created_by for i in items},
    )
    return {
        "ok": True,
        "items": [
            {
                "item_type": _kind_of(i),
                **(file_json(ctx, i, found) if isinstance(i, LibraryFile) else {}),
                **(folder_json(ctx, i, found) if isinstance(i, LibraryFolder) else {}),
                "purged_on": _purged_on(i).isoformat(),
            }
            for i in items
        ],
    }


# --- Rendering -------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


async def _render(ctx: WidgetContext) -> Markup:
    library = await load_library(ctx.session, ctx.widget.id)
    live_folders = library.live_folders()
    trash = _trash(ctx, library) if may_manage(ctx) else []
    live_files = [f for f in library.files.values() if library.file_live(f)]
    found = await people(
        ctx,
        {f.created_by for f in live_folders}
        | {f.uploaded_by for f in live_files}
        | {i.uploaded_by if isinstance(i, LibraryFile) else i.created_by for i in trash},
    )
    targets = [(f.id, library.path(f.id)) for f in live_folders]

    def name_of(user_id: int | None) -> str:
        return str(person_json(ctx, found, user_id)["name"])

    def file_entry(file: LibraryFile) -> dict[str, Any]:
        _, label = type_of(file.mime)
        return {
            "file": file,
            "url": f"/spaces/{ctx.space.id}/files/{file.id}/download",
            "size": size_label(ctx, file.size),
            "type": ctx.gettext(label),
            "uploader": name_of(file.uploaded_by),
            "when": _when(file.created_at),
            "may_change": may_change(ctx, {file.uploaded_by}),
            "targets": targets,
        }

    def node(folder: LibraryFolder) -> dict[str, Any]:
        inside = {f.id for f in library.subtree(folder.id)[0]}
        folders = sorted(
            (f for f in library.children(folder.id) if f.deleted_at is None), key=sort_key
        )
        files = sorted(
            (f for f in library.files_in(folder.id) if f.deleted_at is None), key=sort_key
        )
        return {
            "folder": folder,
            "path": library.path(folder.id),
            "creator": name_of(folder.created_by),
            "count": len(folders) + len(files),
            "folders": [node(f) for f in folders],
            "files": [file_entry(f) for f in files],
            "may_change": may_change(ctx, owners(library, folder)),
            "targets": [t for t in targets if t[0] not in inside],
        }

    top_folders = sorted((f for f in library.children(None) if f.deleted_at is None), key=sort_key)
    top_files = sorted((f for f in library.files_in(None) if f.deleted_at is None), key=sort_key)
    allowed = sorted(
        {type_of(m)[1] for m in allowed_types(ctx.settings.allowed_upload_types)},
        key=lambda label: ctx.gettext(label).casefold(),
    )
    return ctx.render(
        "files/widget.html",
        folders=[node(f) for f in top_folders],
        files=[file_entry(f) for f in top_files],
        targets=targets,
        trash=[
            {
                "item": item,
                "kind": _kind_of(item),
                "path": library.path(
                    item.folder_id if isinstance(item, LibraryFile) else item.parent_id
                ),
                "when": _when(item.deleted_at or ctx.now),
                "owner": name_of(
                    item.uploaded_by if isinstance(item, LibraryFile) else item.created_by
                ),
                "purged_on": _purged_on(item).strftime("%Y-%m-%d"),
            }
            for item in trash
        ],
        may_upload=ctx.may(Action.UPLOAD),
        may_manage=may_manage(ctx),
        max_size=size_label(ctx, ctx.settings.max_upload_bytes),
        allowed=[ctx.gettext(label) for label in allowed],
        folder_name_max=FOLDER_NAME_MAX,
        file_name_max=FILE_NAME_MAX,
        trash_days=TRASH_DAYS,
    )


# --- The tool --------------------------------------------------------------------------------


class FilesTool(BaseTool):
    kind = KIND
    label = N_("Document library")
    description = N_("Folders of files to share: documents, pictures, sound and video.")
    templates = Path(__file__).parent / "templates"
    commands = {
        "folder.create": ToolCommand(Action.UPLOAD, folder_create),
        # whoever may upload (pupils: only what is theirs) or moderate: checked in the command
        "item.rename": ToolCommand(Action.READ, item_rename),
        "item.move": ToolCommand(Action.READ, item_move),
        "item.delete": ToolCommand(Action.READ, item_delete),
        "item.restore": ToolCommand(Action.READ, item_restore),
        "list": ToolCommand(Action.READ, library_list),
        "trash.list": ToolCommand(Action.READ, trash_list),
    }

    async def render(self, ctx: WidgetContext) -> Markup:
        return await _render(ctx)

    def routes(self) -> list[BaseRoute]:
        from twinspace.tools.files.routes import routes

        return routes

    async def visible_events(
        self, ctx: WidgetContext, events: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Replays never bring back the name of a file or folder that is in the trash or
        gone since."""
        library = await load_library(ctx.session, ctx.widget.id)
        shown = []
        for event in events:
            data = event["data"]
            kind, item_id = data.get("item_type"), data.get("id")
            if "file" in data:
                kind, item_id = "file", data["file"].get("id")
            elif "folder" in data:
                kind, item_id = "folder", data["folder"].get("id")
            if "name" in data or "file" in data or "folder" in data:
                item: Item | None = (
                    library.files.get(item_id) if kind == "file" else library.folders.get(item_id)
                )
                if item is None or not _live(library, item):
                    continue
            shown.append(event)
        return shown

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, str]]:
        library = await load_library(ctx.session, ctx.widget.id)
        items = [
            {"what": ctx.gettext(N_("Folder")), "text": library.path(f.id)}
            for f in library.live_folders()
        ]
        files = sorted(
            (f for f in library.files.values() if library.file_live(f)),
            key=lambda f: (library.path(f.folder_id).casefold(), *sort_key(f)),
        )
        items += [{"what": ctx.gettext(N_("File")), "text": f.name} for f in files]
        return items

    async def maintenance(self, db: Database, storage: LocalStorage, now: datetime) -> None:
        """The daily job: empty what has been in the trash for 30 days."""
        await purge_trash(db, storage, now)


tool = FilesTool()  # registered through the twinspace.tools entry point (pyproject.toml)
