"""The Image gallery tool: albums of photos with captions, a consent flag, a slideshow.

Photos arrive through the upload route (``views.py``), which keeps only re-encoded images
(``images.py``). Who may do what follows the page's row of the permission matrix:

* uploading and creating albums needs UPLOAD;
* a caption, a move or a deletion is allowed to teachers who may upload, to pupil
  administrators for their own photos (and albums), and to whoever may MODERATE (teacher
  administrators, also in the Pupils' corner where they do not upload): one Action per
  command cannot say that, so those commands are declared READ and check the rest here;
* recording consent is for teacher administrators (MODERATE).

A photo without consent recorded is never shown to someone who is not a member of the
TwinSpace (the public reading a published page): not in the render, not in JSON, not in
events, and its image URLs answer 404.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy import event, func, select
from starlette.routing import BaseRoute

from twinspace.accounts.models import User
from twinspace.errors import Forbidden, Invalid, NotFound
from twinspace.files import do_forget
from twinspace.i18n import N_
from twinspace.pages.base import BaseTool, ToolCommand, WidgetContext, payload_id
from twinspace.permissions import PUPIL_ROLES, Action, Role, Viewer
from twinspace.storage import LocalStorage
from twinspace.tools.gallery.models import GalleryAlbum, GalleryPhoto

KIND = "gallery"
TITLE_MAX = 120
CAPTION_MAX = 500
MAX_FILES = 20  # photos in one upload

Person = tuple[User, Role | None]


# --- Input -----------------------------------------------------------------------------------


def number(payload: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    """Like payload_id, but 0 also means "none" for an optional id (form selects use it)."""
    if not required and payload.get(key) in (0, "0"):
        return None
    return payload_id(payload, key, required=required)


def _position(payload: dict[str, Any]) -> int | None:
    """``position`` counts from 0; ``place``, typed in a form, from 1."""
    key, low = ("place", 1) if payload.get("position") in (None, "") else ("position", 0)
    value = payload.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise Invalid(N_("Give the place as a whole number."), field=key)
    return value - low


def _title(payload: dict[str, Any]) -> str:
    title = payload.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise Invalid(N_("An album title is 1 to 120 characters."), field="title")
    return title.strip()


def caption_of(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > CAPTION_MAX:
        raise Invalid(N_("A caption is at most 500 characters."), field="caption")
    return " ".join(value.split())  # plain text on one line


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "no", "off", "0", ""):
        return False
    raise Invalid(N_("'consent' must be true or false."), field="consent")


# --- People ----------------------------------------------------------------------------------


async def people(ctx: WidgetContext, ids: set[int]) -> dict[int, Person]:
    return await ctx.people(ids)


def public_view(ctx: WidgetContext) -> WidgetContext:
    """The same widget as the public sees it: events reach public readers of the room too."""
    return dataclasses.replace(ctx, viewer=Viewer(None, Role.PUBLIC))


# --- Access ----------------------------------------------------------------------------------


def shown(ctx: WidgetContext, photo: GalleryPhoto) -> bool:
    """Members see every photo; anyone else only those with consent recorded."""
    return photo.consent or ctx.viewer.is_member


def _mine(ctx: WidgetContext, owner_id: int) -> bool:
    return ctx.user is not None and ctx.viewer.is_member and ctx.user.id == owner_id


def _may_change(ctx: WidgetContext, owner_id: int) -> bool:
    if ctx.may(Action.MODERATE):
        return True
    if not ctx.may(Action.UPLOAD):
        return False
    return ctx.viewer.role not in PUPIL_ROLES or _mine(ctx, owner_id)


def _check_change(ctx: WidgetContext, owner_id: int) -> None:
    if _may_change(ctx, owner_id):
        return
    if ctx.may(Action.UPLOAD):
        raise Forbidden(N_("You can change only your own photos and albums."))
    raise Forbidden(N_("You may not do this here."))


async def find_photo(ctx: WidgetContext, photo_id: object) -> GalleryPhoto:
    photo = await ctx.session.get(GalleryPhoto, photo_id) if isinstance(photo_id, int) else None
    if photo is None or photo.widget_id != ctx.widget.id or not shown(ctx, photo):
        raise NotFound(N_("No such photo."))
    return photo


async def _photo(ctx: WidgetContext, payload: dict[str, Any]) -> GalleryPhoto:
    return await find_photo(ctx, number(payload, "photo_id"))


async def find_album(ctx: WidgetContext, album_id: int | None) -> GalleryAlbum | None:
    if album_id is None:
        return None
    album = await ctx.session.get(GalleryAlbum, album_id)
    if album is None or album.widget_id != ctx.widget.id:
        raise NotFound(N_("No such album."))
    return album


# --- Reading ---------------------------------------------------------------------------------


async def albums_of(ctx: WidgetContext) -> list[GalleryAlbum]:
    return list(
        await ctx.session.scalars(
            select(GalleryAlbum)
            .where(GalleryAlbum.widget_id == ctx.widget.id)
            .order_by(GalleryAlbum.position, GalleryAlbum.id)
        )
    )


async def photos_of(
    ctx: WidgetContext,
    album_ids: Iterable[int | None] | None = None,
    *,
    every_one: bool = False,
) -> list[GalleryPhoto]:
    """The photos this viewer may see (``every_one``: all), album by album, in order."""
    query = select(GalleryPhoto).where(GalleryPhoto.widget_id == ctx.widget.id)
    if not ctx.viewer.is_member and not every_one:
        query = query.where(GalleryPhoto.consent.is_(True))
    photos = list(await ctx.session.scalars(query.order_by(GalleryPhoto.position, GalleryPhoto.id)))
    if album_ids is not None:
        wanted = set(album_ids)
        photos = [p for p in photos if p.album_id in wanted]
    return photos


def numbered(photos: list[GalleryPhoto]) -> dict[int, int]:
    """Photo id -> its number inside its album, from 1 (for "Photo 3" alt texts)."""
    counts: dict[int | None, int] = {}
    numbers: dict[int, int] = {}
    for photo in photos:
        counts[photo.album_id] = counts.get(photo.album_id, 0) + 1
        numbers[photo.id] = counts[photo.album_id]
    return numbers


def alt_text(ctx: WidgetContext, photo: GalleryPhoto, n: int) -> str:
    return photo.caption or ctx.gettext(N_("Photo %(n)d")) % {"n": n}


def image_url(ctx: WidgetContext, photo_id: int, size: str) -> str:
    return f"/spaces/{ctx.space.id}/photos/{photo_id}/{size}"


def slideshow_url(ctx: WidgetContext, photo_id: int) -> str:
    return f"/spaces/{ctx.space.id}/widgets/{ctx.widget.id}/slideshow/{photo_id}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def album_json(album: GalleryAlbum) -> dict[str, Any]:
    return {"id": album.id, "title": album.title, "position": album.position}


def photo_json(
    ctx: WidgetContext, photo: GalleryPhoto, person: Person | None, n: int
) -> dict[str, Any]:
    """A photo as this viewer may see it (``public_view(ctx)`` for events)."""
    data: dict[str, Any] = {
        "id": photo.id,
        "album_id": photo.album_id,
        "caption": photo.caption,
        "alt": alt_text(ctx, photo, n),
        "position": photo.position,
        "consent": photo.consent,
        "uploader": {
            "id": photo.uploader_id,
            "name": ctx.display_name(*person) if person else "",
        },
        "created_at": _iso(photo.created_at),
        "width": photo.width,
        "height": photo.height,
        "thumb": {
            "url": image_url(ctx, photo.id, "thumb"),
            "width": photo.thumb_width,
            "height": photo.thumb_height,
        },
        "display_url": image_url(ctx, photo.id, "display"),
        "slideshow_url": slideshow_url(ctx, photo.id),
    }
    if ctx.viewer.is_member:
        data["may_change"] = _may_change(ctx, photo.uploader_id)
    return data


async def photos_json(
    ctx: WidgetContext, photos: list[GalleryPhoto], *, public: bool = False
) -> list[dict[str, Any]]:
    view = public_view(ctx) if public else ctx
    everyone = await photos_of(view, {p.album_id for p in photos})
    numbers = numbered(everyone)
    found = await people(ctx, {p.uploader_id for p in photos})
    return [
        photo_json(view, p, found.get(p.uploader_id), numbers.get(p.id, 1))
        for p in photos
        if shown(view, p)
    ]


# --- Files -----------------------------------------------------------------------------------


def _remove_files_after_commit(ctx: WidgetContext, keys: list[str]) -> None:
    """The files go once the rows that point to them are gone for good; after a rollback
    they stay with their rows."""
    if not keys:
        return
    storage = LocalStorage(ctx.settings.media_dir)

    def remove(_session: Any) -> None:
        for key in keys:
            with contextlib.suppress(OSError, ValueError):  # the orphan sweep tries again
                storage.delete(key)

    event.listen(ctx.session.sync_session, "after_commit", remove, once=True)


async def forget_photos(ctx: WidgetContext, photos: list[GalleryPhoto]) -> None:
    keys = [key for p in photos for key in (p.display_key, p.thumb_key)]
    for photo in photos:
        await ctx.session.delete(photo)
    await ctx.session.flush()
    for key in keys:
        await do_forget(ctx.uow, key)
    await ctx.session.flush()
    _remove_files_after_commit(ctx, keys)


async def next_position(ctx: WidgetContext, album_id: int | None) -> int:
    last = await ctx.session.scalar(
        select(func.max(GalleryPhoto.position)).where(
            GalleryPhoto.widget_id == ctx.widget.id,
            GalleryPhoto.album_id.is_(None)
            if album_id is None
            else GalleryPhoto.album_id == album_id,
        )
    )
    return 0 if last is None else last + 1


async def _siblings(ctx: WidgetContext, album_id: int | None, but: int) -> list[GalleryPhoto]:
    return list(
        await ctx.session.scalars(
            select(GalleryPhoto)
            .where(
                GalleryPhoto.widget_id == ctx.widget.id,
                GalleryPhoto.id != but,
                GalleryPhoto.album_id.is_(None)
                if album_id is None
                else GalleryPhoto.album_id == album_id,
            )
            .order_by(GalleryPhoto.position, GalleryPhoto.id)
        )
    )


# --- Events ----------------------------------------------------------------------------------


async def emit_photo(ctx: WidgetContext, type_: str, photo: GalleryPhoto, **extra: Any) -> None:
    """The room may include the public: a photo's content goes along only with consent."""
    data: dict[str, Any] = {"photo_id": photo.id, "album_id": photo.album_id, **extra}
    if photo.consent:
        data["photo"] = (await photos_json(ctx, [photo], public=True))[0]
    await ctx.emit(type_, data)


async def emit_photo_batch(
    ctx: WidgetContext, photos: list[GalleryPhoto], album_id: int | None
) -> None:
    """New photos: their ids for everyone; the content only of those with consent."""
    public = await photos_json(ctx, [p for p in photos if p.consent], public=True)
    await ctx.emit(
        "gallery.photos_added",
        {"album_id": album_id, "photo_ids": [p.id for p in photos], "photos": public},
    )


# --- Commands --------------------------------------------------------------------------------


async def album_create(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    title = _title(payload)
    last = await ctx.session.scalar(
        select(func.max(GalleryAlbum.position)).where(GalleryAlbum.widget_id == ctx.widget.id)
    )
    album = GalleryAlbum(
        widget_id=ctx.widget.id,
        title=title,
        position=0 if last is None else last + 1,
        created_by=ctx.actor().id,
        created_at=ctx.now,
    )
    ctx.session.add(album)
    await ctx.session.flush()
    await ctx.emit("gallery.album_created", {"album": album_json(album)})
    return {"ok": True, "album": album_json(album)}


async def _album(ctx: WidgetContext, payload: dict[str, Any]) -> GalleryAlbum:
    album = await find_album(ctx, number(payload, "album_id"))
    assert album is not None
    return album


async def album_rename(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    album = await _album(ctx, payload)
    _check_change(ctx, album.created_by)
    album.title = _title(payload)
    await ctx.session.flush()
    await ctx.emit("gallery.album_renamed", {"album": album_json(album)})
    return {"ok": True, "album": album_json(album)}


async def album_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """The album goes with its photos; a pupil administrator deletes only an album of their
    own holding only their own photos."""
    album = await _album(ctx, payload)
    _check_change(ctx, album.created_by)
    photos = list(
        await ctx.session.scalars(select(GalleryPhoto).where(GalleryPhoto.album_id == album.id))
    )
    if not all(_may_change(ctx, p.uploader_id) for p in photos):
        raise Forbidden(N_("This album holds photos of other people: ask a teacher."))
    album_id, photo_ids = album.id, [p.id for p in photos]
    await forget_photos(ctx, photos)
    await ctx.session.delete(album)
    await ctx.session.flush()
    await ctx.emit("gallery.album_deleted", {"album_id": album_id, "photo_ids": photo_ids})
    return {"ok": True, "album_id": album_id, "photo_ids": photo_ids}


async def photo_caption(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    photo = await _photo(ctx, payload)
    _check_change(ctx, photo.uploader_id)
    photo.caption = caption_of(payload.get("caption"))
    await ctx.session.flush()
    await emit_photo(ctx, "gallery.photo_updated", photo)
    return {"ok": True, "photo": (await photos_json(ctx, [photo]))[0]}


async def photo_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    photo = await _photo(ctx, payload)
    _check_change(ctx, photo.uploader_id)
    photo_id, album_id = photo.id, photo.album_id
    await forget_photos(ctx, [photo])
    await ctx.emit("gallery.photo_deleted", {"photo_id": photo_id, "album_id": album_id})
    return {"ok": True, "photo_id": photo_id}


async def photo_move(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """To another album (``album_id``; empty: out of any album) and/or to ``position``
    (from 0) among the photos there; the photos around are renumbered."""
    photo = await _photo(ctx, payload)
    _check_change(ctx, photo.uploader_id)
    source = photo.album_id
    target = source
    if "album_id" in payload:
        album = await find_album(ctx, number(payload, "album_id", required=False))
        target = album.id if album else None
    position = _position(payload)
    if target == source and position is None:
        raise Invalid(N_("Nothing to change."))
    others = await _siblings(ctx, target, photo.id)
    others.insert(len(others) if position is None else min(position, len(others)), photo)
    photo.album_id = target
    for index, item in enumerate(others):
        item.position = index
    if target != source:
        for index, item in enumerate(await _siblings(ctx, source, photo.id)):
            item.position = index
    await ctx.session.flush()
    order = [p.id for p in others]
    await ctx.emit(
        "gallery.photo_moved",
        {"photo_id": photo.id, "album_id": target, "from_album_id": source, "order": order},
    )
    return {"ok": True, "photo_id": photo.id, "album_id": target, "order": order}


async def photo_consent(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    photo = await _photo(ctx, payload)
    consent = _flag(payload.get("consent"))
    if photo.consent != consent:
        photo.consent = consent
        photo.consent_by = ctx.actor().id if consent else None
        photo.consent_at = ctx.now if consent else None
        await ctx.session.flush()
        await emit_photo(ctx, "gallery.consent_changed", photo, consent=consent)
    return {"ok": True, "photo_id": photo.id, "consent": consent}


async def gallery_list(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    photos = await photos_of(ctx)
    albums = await albums_of(ctx)
    if not ctx.viewer.is_member:  # the public sees the albums that have something to show
        albums = [a for a in albums if any(p.album_id == a.id for p in photos)]
    return {
        "ok": True,
        "albums": [album_json(a) for a in albums],
        "photos": await photos_json(ctx, photos),
    }


# --- The tool --------------------------------------------------------------------------------


class GalleryTool(BaseTool):
    kind = KIND
    label = N_("Image gallery")
    description = N_("Photo albums with captions and a slideshow.")
    templates = Path(__file__).parent / "templates"
    commands = {
        "album.create": ToolCommand(Action.UPLOAD, album_create),
        # teachers who upload, pupil admins for their own, or moderators: checked in the command
        "album.rename": ToolCommand(Action.READ, album_rename),
        "album.delete": ToolCommand(Action.READ, album_delete),
        "photo.caption": ToolCommand(Action.READ, photo_caption),
        "photo.delete": ToolCommand(Action.READ, photo_delete),
        "photo.move": ToolCommand(Action.READ, photo_move),
        "photo.consent": ToolCommand(Action.MODERATE, photo_consent),
        "list": ToolCommand(Action.READ, gallery_list),
    }

    def routes(self) -> list[BaseRoute]:
        from twinspace.tools.gallery import views  # the views use this module

        return views.routes

    async def render(self, ctx: WidgetContext) -> Markup:
        albums = await albums_of(ctx)
        photos = await photos_of(ctx)
        numbers = numbered(photos)
        found = await people(ctx, {p.uploader_id for p in photos})

        def item(photo: GalleryPhoto) -> dict[str, Any]:
            person = found.get(photo.uploader_id)
            return {
                "photo": photo,
                "alt": alt_text(ctx, photo, numbers[photo.id]),
                "author": ctx.display_name(*person) if person else "",
                "may_change": _may_change(ctx, photo.uploader_id),
                "thumb_url": image_url(ctx, photo.id, "thumb"),
                "display_url": image_url(ctx, photo.id, "display"),
                "slideshow_url": slideshow_url(ctx, photo.id),
            }

        loose = [item(p) for p in photos if p.album_id is None]
        sections = [
            {
                "album": album,
                "items": [item(p) for p in photos if p.album_id == album.id],
                "may_change": _may_change(ctx, album.created_by),
            }
            for album in albums
        ]
        if not ctx.viewer.is_member:
            sections = [s for s in sections if s["items"]]
        may_upload = ctx.may(Action.UPLOAD)
        return ctx.render(
            "gallery/widget.html",
            albums=albums,
            loose=loose,
            sections=sections,
            empty=not photos,
            may_upload=may_upload,
            may_moderate=ctx.may(Action.MODERATE),
            is_member=ctx.viewer.is_member,
            upload_url=f"/spaces/{ctx.space.id}/widgets/{ctx.widget.id}/photos",
            title_max=TITLE_MAX,
            caption_max=CAPTION_MAX,
            max_files=MAX_FILES,
        )

    async def visible_events(
        self, ctx: WidgetContext, events: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Replays never bring back a photo deleted since, nor, to the public, one whose
        consent was withdrawn since."""
        ids = {e["data"]["photo"]["id"] for e in events if "photo" in e["data"]}
        ids |= {p["id"] for e in events for p in e["data"].get("photos", [])}
        current = {
            p.id: p
            for p in await ctx.session.scalars(select(GalleryPhoto).where(GalleryPhoto.id.in_(ids)))
        }

        def visible(data: dict[str, Any]) -> bool:
            return (photo := current.get(data["id"])) is not None and shown(ctx, photo)

        kept = []
        for item in events:  # events are kept or dropped whole, never changed
            data = item["data"]
            if "photo" in data and not visible(data["photo"]):
                continue
            if not all(visible(p) for p in data.get("photos", [])):
                continue
            kept.append(item)
        return kept

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, str]]:
        """Every album title and photo (by its caption), flagging photos without consent:
        those stay hidden from the public, even on a public page."""
        albums = await albums_of(ctx)
        photos = await photos_of(ctx, every_one=True)
        numbers = numbered(photos)
        titles = {a.id: a.title for a in albums}
        items: list[dict[str, str]] = [
            {"what": ctx.gettext(N_("Photo album")), "text": a.title} for a in albums
        ]
        for photo in photos:
            text = photo.caption or ctx.gettext(N_("Photo %(n)d")) % {"n": numbers[photo.id]}
            if photo.album_id is not None:
                text = f"{titles.get(photo.album_id, '')} — {text}"
            what = (
                N_("Photo")
                if photo.consent
                else N_("Photo without consent recorded: it will not be shown to the public")
            )
            items.append({"what": ctx.gettext(what), "text": text})
        return items


tool = GalleryTool()  # registered through the twinspace.tools entry point (pyproject.toml)
