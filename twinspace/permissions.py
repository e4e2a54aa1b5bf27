"""Who may do what, where: the role × room × action matrix of SPEC.md §3.

This is the only place access rules live. Every HTTP view and every socket
handler calls an ``access_*`` function before acting.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from twinspace.errors import Forbidden, NotFound


class Role(enum.StrEnum):
    TEACHER_ADMIN = "teacher_admin"
    TEACHER = "teacher_member"
    PUPIL_ADMIN = "pupil_admin"
    PUPIL = "pupil_member"
    VISITOR = "visitor"
    PUBLIC = "public"  # anonymous, or logged in but not a member of this TwinSpace


class Room(enum.StrEnum):
    HOME = "home"
    ACTIVITIES = "activities"
    TEACHERS = "teachers"
    PUPILS = "pupils"
    CHAT = "chat"


class Action(enum.StrEnum):
    READ = "read"
    POST = "post"  # start something: a post, a topic, a page entry, a chat message
    COMMENT = "comment"  # reply or comment on what others started
    UPLOAD = "upload"  # publish files and photos
    MANAGE_PAGES = "manage_pages"  # add, rename, reorder, delete pages; add/remove tools
    MODERATE = "moderate"  # hide, delete, lock, mute
    PUBLISH = "publish"  # make public
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove


class Rule(enum.Enum):
    ALLOW = "yes"
    DENY = "no"
    IF_PUBLISHED = "if published"  # the thing read is public
    IF_VISITORS_CHAT = "if visitors may chat"  # the administrator allowed visitors in chat


Y, N, P, V = Rule.ALLOW, Rule.DENY, Rule.IF_PUBLISHED, Rule.IF_VISITORS_CHAT
ROLE_ORDER = (
    Role.TEACHER_ADMIN,
    Role.TEACHER,
    Role.PUPIL_ADMIN,
    Role.PUPIL,
    Role.VISITOR,
    Role.PUBLIC,
)

# fmt: off
_TABLE: dict[tuple[Room, Action], tuple[Rule, ...]] = {
    #                                  teacher  teacher  pupil   pupil   visitor  public
    #                                  admin    member   admin   member
    (Room.HOME, Action.READ):           (Y,      Y,       Y,      Y,      Y,       P),
    (Room.HOME, Action.POST):           (Y,      Y,       N,      N,      N,       N),  # journal
    (Room.HOME, Action.COMMENT):        (Y,      Y,       Y,      Y,      N,       N),
    (Room.HOME, Action.UPLOAD):         (Y,      Y,       N,      N,      N,       N),
    (Room.HOME, Action.MANAGE_PAGES):   (Y,      N,       N,      N,      N,       N),
    (Room.HOME, Action.MODERATE):       (Y,      N,       N,      N,      N,       N),
    (Room.HOME, Action.PUBLISH):        (Y,      N,       N,      N,      N,       N),
    (Room.HOME, Action.MANAGE_MEMBERS): (Y,      N,       N,      N,      N,       N),

    (Room.ACTIVITIES, Action.READ):           (Y,  Y,  Y,  Y,  Y,  P),
    (Room.ACTIVITIES, Action.POST):           (Y,  Y,  Y,  N,  N,  N),
    (Room.ACTIVITIES, Action.COMMENT):        (Y,  Y,  Y,  Y,  N,  N),
    (Room.ACTIVITIES, Action.UPLOAD):         (Y,  Y,  Y,  N,  N,  N),
    (Room.ACTIVITIES, Action.MANAGE_PAGES):   (Y,  N,  Y,  N,  N,  N),
    (Room.ACTIVITIES, Action.MODERATE):       (Y,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.PUBLISH):        (Y,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),

    (Room.TEACHERS, Action.READ):           (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.POST):           (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.COMMENT):        (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.UPLOAD):         (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MANAGE_PAGES):   (Y,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MODERATE):       (Y,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.PUBLISH):        (N,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),

    # Pupils' corner: pupils create and post; teachers read only; teacher admins moderate.
    (Room.PUPILS, Action.READ):           (Y,  Y,  Y,  Y,  N,  N),
    (Room.PUPILS, Action.POST):           (N,  N,  Y,  Y,  N,  N),
    (Room.PUPILS, Action.COMMENT):        (N,  N,  Y,  Y,  N,  N),
    (Room.PUPILS, Action.UPLOAD):         (N,  N,  Y,  N,  N,  N),
    (Room.PUPILS, Action.MANAGE_PAGES):   (N,  N,  Y,  N,  N,  N),
    (Room.PUPILS, Action.MODERATE):       (Y,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.PUBLISH):        (N,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),

    # Chat: all members; visitors only if the administrator allows it; teachers moderate.
    (Room.CHAT, Action.READ):           (Y,  Y,  Y,  Y,  V,  N),
    (Room.CHAT, Action.POST):           (Y,  Y,  Y,  Y,  V,  N),
    (Room.CHAT, Action.COMMENT):        (Y,  Y,  Y,  Y,  V,  N),
    (Room.CHAT, Action.UPLOAD):         (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.MANAGE_PAGES):   (Y,  N,  N,  N,  N,  N),  # create/rename/archive rooms
    (Room.CHAT, Action.MODERATE):       (Y,  Y,  N,  N,  N,  N),
    (Room.CHAT, Action.PUBLISH):        (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),
}
# fmt: on

MATRIX: dict[tuple[Room, Action, Role], Rule] = {
    (room, action, role): rules[i]
    for (room, action), rules in _TABLE.items()
    for i, role in enumerate(ROLE_ORDER)
}
WRITE_ACTIONS = frozenset(a for a in Action if a is not Action.READ)


@dataclass(frozen=True)
class SpaceFacts:
    """What the policy needs to know about a TwinSpace (and the thing being read)."""

    space_id: int
    is_open: bool = True
    visitors_may_chat: bool = False


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    role: Role

    @property
    def is_member(self) -> bool:
        return self.role is not Role.PUBLIC


def role_from_membership(role: str | None) -> Role:
    return Role(role) if role else Role.PUBLIC


def allowed(
    role: Role, room: Room, action: Action, space: SpaceFacts, *, published: bool = False
) -> bool:
    if action in WRITE_ACTIONS and not space.is_open:
        return False  # a closed TwinSpace is archived: read-only for everyone
    rule = MATRIX[(room, action, role)]
    if rule is Rule.IF_PUBLISHED:
        return published
    if rule is Rule.IF_VISITORS_CHAT:
        return space.visitors_may_chat
    return rule is Rule.ALLOW


def access_room(
    viewer: Viewer, space: SpaceFacts, room: Room, action: Action, *, published: bool = False
) -> None:
    """Raise unless ``viewer`` may do ``action`` in ``room``.

    Whoever may not even read the room is told it does not exist, so nobody can
    probe for private rooms or TwinSpaces by id.
    """
    if allowed(viewer.role, room, action, space, published=published):
        return
    if not allowed(viewer.role, room, Action.READ, space, published=published):
        raise NotFound("No such room.")
    raise Forbidden("You may not do this here.")


def access_space(viewer: Viewer, space: SpaceFacts, *, home_public: bool) -> None:
    """Raise NotFound unless the viewer may see this TwinSpace at all."""
    if viewer.is_member or home_public:
        return
    raise NotFound("No such TwinSpace.")


def permissions_for(
    role: Role, space: SpaceFacts, *, home_public: bool
) -> dict[str, dict[str, bool]]:
    """Everything ``role`` may do in each room: drives navigation and visible controls."""
    return {
        room.value: {
            action.value: allowed(
                role, room, action, space, published=home_public and room is Room.HOME
            )
            for action in Action
        }
        for room in Room
    }
