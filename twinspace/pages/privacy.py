"""Personal data held by pages and their applications' frames."""

from twinspace.pages import models  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData

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
