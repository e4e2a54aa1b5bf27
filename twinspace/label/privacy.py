"""Personal data held by quality label applications."""

from twinspace.label import models  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData

COMPONENT = Component(
    name="label",
    label="Quality label applications",
    tables=(
        TableData(
            "label_applications",
            "The person's applications (their six texts and examples) and decisions they took.",
            owner=("applicant_id",),
            cleared=("reviewer_id",),
            text=("criteria", "review_comment"),
            not_personal={"examples": "references to pages of the TwinSpace"},
        ),
    ),
)
