"""Personal data held by the Document library."""

from twinspace.personal_data import Component, TableData
from twinspace.tools.files import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="tool:files",
    label="Document library",
    tables=(
        TableData(
            "tool_files_files",
            "Files the person uploaded (deleted with the person).",
            owner=("uploaded_by",),
            cleared=("deleted_by",),
            files=("storage_key",),
            text=("name",),
            not_personal={"mime": "a file type"},
        ),
        TableData(
            "tool_files_folders",
            "Folders the person created.",
            attributed=("created_by",),
            cleared=("deleted_by",),
            text=("name",),
        ),
    ),
)
