"""Personal data held by pages and their applications' frames."""

from twinspace.privacy.declarations import Component, TableData
from twinspace.rooms.pages import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="pages",
    label="Pages and applications",
    tables=(
        TableData(
            "pages", "Pages the person created.", attributed=("created_by",), text=("title",)
        ),
        TableData(
            "widgets",
            "Applications the person added to pages.",
            attributed=("created_by",),
            not_personal={"settings": "an application's settings"},
        ),
    ),
)
