"""Personal data held by the Image gallery."""

from twinspace.personal_data import Component, TableData
from twinspace.tools.gallery import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="tool:gallery",
    label="Image gallery",
    tables=(
        TableData(
            "tool_gallery_albums",
            "Albums the person created.",
            attributed=("created_by",),
            text=("title",),
        ),
        TableData(
            "tool_gallery_photos",
            "Photos the person uploaded (deleted with the person).",
            owner=("uploader_id",),
            cleared=("consent_by",),
            files=("display_key", "thumb_key"),
            text=("caption",),
        ),
    ),
)
