"""Personal data held by the help page."""

from twinspace.help import models  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData

COMPONENT = Component(
    name="help",
    label="Help page contact card",
    tables=(
        TableData(
            "nss_contact_cards",
            "A national support service officer's contact card (shown only if they list it).",
            owner=("user_id",),
            text=("email", "note"),
        ),
        TableData(
            "ambassadors",
            "Ambassadors listed by site administrators (no account; an administrator deletes "
            "an entry on request).",
            text=("name", "email", "region", "note"),
        ),
    ),
)
