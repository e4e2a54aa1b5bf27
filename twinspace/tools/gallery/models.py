"""Image gallery: albums of a gallery widget, and photos kept only as re-encoded images
(a display size and a thumbnail in the file store; the uploaded bytes are never kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from twinspace.db import Base, UTCDateTime, utcnow


class GalleryAlbum(Base):
    __tablename__ = "tool_gallery_albums"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    widget_id: Mapped[int] = mapped_column(ForeignKey("widgets.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GalleryPhoto(Base):
    __tablename__ = "tool_gallery_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    widget_id: Mapped[int] = mapped_column(ForeignKey("widgets.id", ondelete="CASCADE"), index=True)
    album_id: Mapped[int | None] = mapped_column(
        ForeignKey("tool_gallery_albums.id", ondelete="CASCADE"), nullable=True, index=True
    )  # None: not in an album
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    caption: Mapped[str] = mapped_column(Text, default="")  # plain text, escaped where shown
    position: Mapped[int] = mapped_column(Integer, default=0)  # order inside its album
    # A teacher recorded the consent needed to show this photo publicly.
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    display_key: Mapped[str] = mapped_column(
        ForeignKey("stored_files.key", ondelete="CASCADE"), index=True
    )
    thumb_key: Mapped[str] = mapped_column(
        ForeignKey("stored_files.key", ondelete="CASCADE"), index=True
    )
    mime: Mapped[str] = mapped_column(String(20))  # image/jpeg, or image/png when transparent
    width: Mapped[int] = mapped_column(Integer)  # of the display image
    height: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
