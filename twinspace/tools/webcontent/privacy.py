"""Personal data held by Web content."""

from twinspace.personal_data import Component, TableData
from twinspace.tools.webcontent import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="tool:webcontent",
    label="Web content",
    tables=(
        TableData(
            "tool_webcontent",
            "Text blocks the person last edited.",
            attributed=("updated_by",),
            text=("html",),
        ),
    ),
)
