"""Removing one person from JSON held by any row (event payloads, author lists)."""

from __future__ import annotations

from typing import Any

# Keys of a small "who" object: {"id": 3, "name": "Léa C.", "role": "pupil"}
PERSON_KEYS = {
    "id",
    "name",
    "username",
    "display_name",
    "role",
    "kind",
    "school",
    "country",
    "avatar",
    "initials",
    "url",
    "profile_url",
    "user_id",
}
# Keys whose value is a user id wherever they appear
USER_ID_KEYS = {
    "user_id",
    "author_id",
    "actor_id",
    "by",
    "by_id",
    "uploaded_by",
    "created_by",
    "hidden_by",
    "sender_id",
    "reporter_id",
    "officer_id",
    "member_id",
}


def former_ref(former_id: int, name: str) -> dict[str, Any]:
    return {"id": former_id, "name": name}


def scrub(value: Any, user_id: int, former_id: int, former_name: str) -> Any:
    """``value`` with every reference to ``user_id`` replaced by the former member."""
    if isinstance(value, dict):
        if value.get("id") == user_id and set(value) <= PERSON_KEYS:
            return former_ref(former_id, former_name)
        return {
            key: former_id
            if key in USER_ID_KEYS and item == user_id
            else scrub(item, user_id, former_id, former_name)
            for key, item in value.items()
        }
    if isinstance(value, list):
        if value and all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            return [former_id if item == user_id else item for item in value]  # an id list
        return [scrub(item, user_id, former_id, former_name) for item in value]
    return value
