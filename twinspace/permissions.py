"""Who may do what, where: the role × room × action matrix of SPEC.md §3.

This is the only place access rules live. Every HTTP view and every socket
handler calls an ``access_*`` function before acting.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from twinspace.errors import Forbidden, Locked, Muted, NotFound, SlowMode, Unsupervised
from twinspace.i18n import N_


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
    MANAGE_PUPILS = "manage_pupils"  # create pupil accounts, reset their passwords
    MESSAGE = "message"  # write in the mailbox to fellow members
    WALL = "wall"  # write short messages on members' profile walls
    CALENDAR = "calendar"  # add events to the calendar


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
    (Room.HOME, Action.MANAGE_PUPILS):  (Y,      Y,       N,      N,      N,       N),
    (Room.HOME, Action.MESSAGE):        (Y,      Y,       Y,      Y,      Y,       N),  # mailbox
    (Room.HOME, Action.WALL):           (Y,      Y,       Y,      Y,      N,       N),
    (Room.HOME, Action.CALENDAR):       (Y,      Y,       N,      N,      N,       N),

    (Room.ACTIVITIES, Action.READ):           (Y,  Y,  Y,  Y,  Y,  P),
    (Room.ACTIVITIES, Action.POST):           (Y,  Y,  Y,  N,  N,  N),
    (Room.ACTIVITIES, Action.COMMENT):        (Y,  Y,  Y,  Y,  N,  N),
    (Room.ACTIVITIES, Action.UPLOAD):         (Y,  Y,  Y,  N,  N,  N),
    (Room.ACTIVITIES, Action.MANAGE_PAGES):   (Y,  N,  Y,  N,  N,  N),
    (Room.ACTIVITIES, Action.MODERATE):       (Y,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.PUBLISH):        (Y,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.MANAGE_PUPILS):  (N,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.MESSAGE):        (N,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.WALL):           (N,  N,  N,  N,  N,  N),
    (Room.ACTIVITIES, Action.CALENDAR):       (N,  N,  N,  N,  N,  N),

    (Room.TEACHERS, Action.READ):           (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.POST):           (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.COMMENT):        (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.UPLOAD):         (Y,  Y,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MANAGE_PAGES):   (Y,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MODERATE):       (Y,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.PUBLISH):        (N,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MANAGE_PUPILS):  (N,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.MESSAGE):        (N,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.WALL):           (N,  N,  N,  N,  N,  N),
    (Room.TEACHERS, Action.CALENDAR):       (N,  N,  N,  N,  N,  N),

    # Pupils' corner: pupils create and post; teachers read only; teacher admins moderate.
    (Room.PUPILS, Action.READ):           (Y,  Y,  Y,  Y,  N,  N),
    (Room.PUPILS, Action.POST):           (N,  N,  Y,  Y,  N,  N),
    (Room.PUPILS, Action.COMMENT):        (N,  N,  Y,  Y,  N,  N),
    (Room.PUPILS, Action.UPLOAD):         (N,  N,  Y,  N,  N,  N),
    (Room.PUPILS, Action.MANAGE_PAGES):   (N,  N,  Y,  N,  N,  N),
    (Room.PUPILS, Action.MODERATE):       (Y,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.PUBLISH):        (N,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.MANAGE_PUPILS):  (N,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.MESSAGE):        (N,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.WALL):           (N,  N,  N,  N,  N,  N),
    (Room.PUPILS, Action.CALENDAR):       (N,  N,  N,  N,  N,  N),

    # Chat: all members; visitors only if the administrator allows it; teachers moderate.
    (Room.CHAT, Action.READ):           (Y,  Y,  Y,  Y,  V,  N),
    (Room.CHAT, Action.POST):           (Y,  Y,  Y,  Y,  V,  N),
    (Room.CHAT, Action.COMMENT):        (Y,  Y,  Y,  Y,  V,  N),
    (Room.CHAT, Action.UPLOAD):         (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.MANAGE_PAGES):   (Y,  N,  N,  N,  N,  N),  # create/rename/archive rooms
    (Room.CHAT, Action.MODERATE):       (Y,  Y,  N,  N,  N,  N),
    (Room.CHAT, Action.PUBLISH):        (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.MANAGE_MEMBERS): (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.MANAGE_PUPILS):  (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.MESSAGE):        (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.WALL):           (N,  N,  N,  N,  N,  N),
    (Room.CHAT, Action.CALENDAR):       (N,  N,  N,  N,  N,  N),
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
        raise NotFound(N_("No such room."))
    raise Forbidden(N_("You may not do this here."))


def access_space(viewer: Viewer, space: SpaceFacts, *, home_public: bool) -> None:
    """Raise NotFound unless the viewer may see this TwinSpace at all."""
    if viewer.is_member or home_public:
        return
    raise NotFound(N_("No such TwinSpace."))


def access_members_only(viewer: Viewer, space: SpaceFacts, action: Action = Action.READ) -> None:
    """The members-only services of Home (profiles and walls, mailbox, calendar, journal,
    latest activities): never public, even when Home is published; writes follow Home's row."""
    if not viewer.is_member:
        raise NotFound(N_("No such TwinSpace."))
    access_room(viewer, space, Room.HOME, action)


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


# --- Chat rooms: who may enter a room, and when a member may post in it ----------------------

TEACHER_ROLES = frozenset({Role.TEACHER_ADMIN, Role.TEACHER})
PUPIL_ROLES = frozenset({Role.PUPIL_ADMIN, Role.PUPIL})


@dataclass(frozen=True)
class ChatRoomFacts:
    audience: str = "all"  # all | teachers | group
    in_group: bool = False  # the viewer belongs to the room's chosen group
    archived: bool = False
    locked: bool = False
    slow_mode_seconds: int = 0
    supervision: str = "none"  # none | one_teacher | each_school


@dataclass(frozen=True)
class PostingState:
    """What the policy needs to know about the poster right now."""

    muted_until: datetime | None = None
    seconds_since_last_post: float | None = None
    supervised: bool = True  # enough teachers are present for this room's supervision rule


def access_chat_room(
    viewer: Viewer, space: SpaceFacts, room: ChatRoomFacts, action: Action
) -> None:
    access_room(viewer, space, Room.CHAT, action)
    enters = (
        room.audience == "all"
        or viewer.role in TEACHER_ROLES
        or (room.audience == "group" and room.in_group)
    )
    if not enters:
        raise NotFound(N_("No such room."))
    if room.archived and action is not Action.READ:
        raise Forbidden(N_("This room is archived."))


def is_chat_moderator(viewer: Viewer, space: SpaceFacts) -> bool:
    return allowed(viewer.role, Room.CHAT, Action.MODERATE, space)


def access_chat_post(
    viewer: Viewer, space: SpaceFacts, room: ChatRoomFacts, state: PostingState, now: datetime
) -> None:
    """May the viewer post now? Moderators always may; the others meet the room's rules."""
    access_chat_room(viewer, space, room, Action.POST)
    if is_chat_moderator(viewer, space):
        return
    if room.locked:
        raise Locked(N_("This room is locked: you can read it but not write in it."))
    if state.muted_until is not None and state.muted_until > now:
        raise Muted(
            N_("A teacher has muted you in this room."), until=state.muted_until.isoformat()
        )
    if (
        room.slow_mode_seconds
        and state.seconds_since_last_post is not None
        and state.seconds_since_last_post < room.slow_mode_seconds
    ):
        wait = room.slow_mode_seconds - state.seconds_since_last_post
        raise SlowMode(
            N_("Slow mode is on: wait a little before your next message."),
            retry_after=round(wait, 1),
        )
    if viewer.role in PUPIL_ROLES and room.supervision != "none" and not state.supervised:
        raise Unsupervised(
            N_("Pupils can write here only while a teacher is in the room. You can still read.")
        )


# --- Pages of Project activities, Teachers' room and Pupils' corner --------------------------

PAGE_ROOMS = (Room.ACTIVITIES, Room.TEACHERS, Room.PUPILS)


@dataclass(frozen=True)
class PageFacts:
    room: Room
    is_public: bool = False  # an administrator published it
    is_draft: bool = False
    deleted: bool = False

    @property
    def published(self) -> bool:
        return (
            self.is_public
            and not self.is_draft
            and not self.deleted
            and self.room is Room.ACTIVITIES
        )


def access_page(viewer: Viewer, space: SpaceFacts, page: PageFacts, action: Action) -> None:
    """A page follows its room's row of the matrix; the public reads published pages only;
    drafts and pages in the trash exist only for those who manage the room's pages."""
    manages = allowed(viewer.role, page.room, Action.MANAGE_PAGES, space)
    if (page.is_draft or page.deleted) and not manages:
        raise NotFound(N_("No such page."))
    if page.deleted and action is not Action.MANAGE_PAGES:
        raise NotFound(N_("No such page."))
    access_room(viewer, space, page.room, action, published=page.published)


# --- Wiki pages: who may change the text; a frozen page ---------------------------------------


def may_edit_wiki(viewer: Viewer, space: SpaceFacts, page: PageFacts, *, frozen: bool) -> bool:
    """Writing in a wiki page is commenting on the page (pupils contribute where the matrix lets
    them); a page a teacher froze is read-only for everyone but teachers."""
    if frozen and viewer.role not in TEACHER_ROLES:
        return False
    return allowed(viewer.role, page.room, Action.COMMENT, space, published=page.published)


def access_wiki_edit(viewer: Viewer, space: SpaceFacts, page: PageFacts, *, frozen: bool) -> None:
    access_page(viewer, space, page, Action.COMMENT)
    if frozen and viewer.role not in TEACHER_ROLES:
        raise Locked(N_("A teacher froze this wiki page: you can read it but not change it."))


# --- The network outside TwinSpaces: partner finding, people, contacts, projects -------------
# Account kinds (twinspace.accounts.models.UserKind) as plain strings, so this module stays
# free of models. Pupils never enter the network and are never listed in it.

NETWORK_KINDS = frozenset({"teacher", "member", "nss", "admin"})  # who may open network pages
LISTED_KINDS = frozenset({"teacher", "member"})  # who appears in people search and profiles
FOUNDER_KINDS = frozenset({"teacher"})  # eTwinners; platform members ("member") never found


def in_network(kind: str | None, has_institution: bool) -> bool:
    """Teachers, NSS officers, site administrators, and platform members who registered with
    their institution. Pupils never; invited guests without an institution (the visitors of
    a TwinSpace) belong to their TwinSpaces only."""
    if kind == "member":
        return has_institution
    return kind in NETWORK_KINDS


def is_listed(kind: str | None, has_institution: bool) -> bool:
    """Shown in people search and with a profile: teachers and network platform members."""
    return kind in LISTED_KINDS and in_network(kind, has_institution)


def access_network(kind: str | None, has_institution: bool) -> None:
    """Network pages exist only for those in the network (see in_network)."""
    if not in_network(kind, has_institution):
        raise NotFound(N_("Page not found."))


def may_found(kind: str | None, country_eligible: bool) -> bool:
    """Founding, co-founding and publishing postings: eTwinners of an eligible country."""
    return kind in FOUNDER_KINDS and country_eligible


def access_found(kind: str | None, country_eligible: bool) -> None:
    if not may_found(kind, country_eligible):
        raise Forbidden(
            N_("Only eTwinners (teachers from an eligible country) can found a project.")
        )


def access_nss(kind: str | None, officer_country: str | None, countries: set[str]) -> None:
    """An NSS officer acts only on projects with a founder of their own country; to anybody
    else such a project's approval does not exist."""
    if kind != "nss" or officer_country is None:
        raise Forbidden(N_("Only national support service officers can do this."))
    if officer_country not in countries:
        raise NotFound(N_("No such project."))


def access_site_admin(kind: str | None) -> None:
    if kind != "admin":
        raise Forbidden(N_("Only site administrators can do this."))


def access_network_profile(kind: str | None) -> None:
    """Only the people the network lists (teachers, platform members) edit a network profile."""
    if kind not in ("teacher", "member"):
        raise Forbidden(N_("Only teachers and platform members have a network profile."))


# --- The mailbox: who may write to whom inside a TwinSpace ------------------------------------


def may_write_to(sender_role: str | None, recipient_role: str) -> bool:
    """Safeguarding: an invited guest (a parent, an expert) and a pupil never exchange private
    messages; they both write to teachers, and everyone else to anyone."""
    pair = {Role(sender_role) if sender_role else Role.PUBLIC, Role(recipient_role)}
    return not (Role.VISITOR in pair and pair & PUPIL_ROLES)


# --- Personal data: who may export or erase whose ------------------------------------------


class DataRequest(enum.StrEnum):
    EXPORT = "export"
    ERASE = "erase"


TEACHER_ROLES = frozenset({Role.TEACHER_ADMIN, Role.TEACHER})


def access_personal_data(
    request: DataRequest,
    *,
    actor_id: int,
    actor_kind: str,
    subject_id: int,
    subject_kind: str,
    roles_over_pupil: set[str],
) -> None:
    """Export: the person themself, a teacher of a TwinSpace where the person is a pupil, a
    site administrator. Erase: a site administrator; a teacher administrator of the pupil's
    TwinSpace; a person who is not a pupil, for their own account (pupils' accounts belong to
    their teachers, who also reset their passwords). ``roles_over_pupil``: the actor's roles in
    the TwinSpaces where the subject is a pupil. Anyone else learns nothing (not found)."""
    if actor_kind == "admin":
        return
    if actor_id == subject_id:
        if request is DataRequest.EXPORT or subject_kind != "pupil":
            return
        raise Forbidden(N_("Your teacher can erase your account."))
    roles = {Role(role) for role in roles_over_pupil}
    if request is DataRequest.EXPORT and roles & TEACHER_ROLES:
        return
    if request is DataRequest.ERASE and Role.TEACHER_ADMIN in roles:
        return
    raise NotFound(N_("No such person."))


# --- The quality label: who may apply, who reads an application, who reviews it ---------------


@dataclass(frozen=True)
class LabelFacts:
    """What the label's eligibility rules need to know about a teacher and a project."""

    kind: str | None
    european: bool  # the project's scope (a national project never earns a label)
    project_open: bool  # the project's TwinSpace is open
    founder: bool  # founder or co-founder
    project_invited: bool  # invited into the project (not into the TwinSpace only) and a member
    days_open: int  # whole days since the TwinSpace opened
    min_days: int  # TWINSPACE_LABEL_MIN_DAYS
    applied_this_year: bool  # already has an application (draft or sent) this year


LABEL_REASONS: dict[str, str] = {
    "not_teacher": N_("Only eTwinning teachers can apply for the quality label."),
    "not_european": N_(
        "Only a European project can receive the quality label, not a national one."
    ),
    "not_project_member": N_(
        "Only the founders and the teachers invited into the project (not into the TwinSpace "
        "only) can apply for the quality label."
    ),
    "not_open": N_("The project's TwinSpace is not open."),
    "too_recent": N_("The project must have been open for at least %(days)s days."),
    "already_applied": N_("You have already applied for this project's label this year."),
}


def label_refusals(facts: LabelFacts) -> list[str]:
    """Every rule the teacher does not meet, as codes of LABEL_REASONS (empty: eligible)."""
    codes = []
    if facts.kind != "teacher":
        codes.append("not_teacher")
    if not facts.european:
        codes.append("not_european")
    if not (facts.founder or facts.project_invited):
        codes.append("not_project_member")
    if not facts.project_open:
        codes.append("not_open")
    elif facts.days_open < facts.min_days:
        codes.append("too_recent")
    if facts.applied_this_year:
        codes.append("already_applied")
    return codes


def access_label_apply(facts: LabelFacts) -> None:
    """Starting an application: every rule met, else 403 with each reason's code."""
    codes = label_refusals(facts)
    if codes:
        raise Forbidden(
            N_("You cannot apply for the quality label for this project."), reasons=codes
        )


def access_label_application(
    user_id: int, kind: str | None, country: str | None, applicant_id: int, nss_country: str
) -> str:
    """Who reads an application: its applicant ("applicant") and the officers of the
    applicant's NSS ("officer"); to anyone else it does not exist."""
    if user_id == applicant_id:
        return "applicant"
    if kind == "nss" and country is not None and country == nss_country:
        return "officer"
    raise NotFound(N_("No such label application."))


def access_label_review(kind: str | None, country: str | None, nss_country: str) -> None:
    """Awarding or declining: an officer of the applicant's own NSS only."""
    if kind != "nss" or country is None:
        raise Forbidden(N_("Only national support service officers can do this."))
    if country != nss_country:
        raise NotFound(N_("No such label application."))


def access_label_queue(kind: str | None, country: str | None) -> None:
    if kind != "nss" or country is None:
        raise Forbidden(N_("Only national support service officers can do this."))


# --- Reaching strangers: an unconfirmed e-mail address ----------------------------------------


def may_reach_out(kind: str | None, has_email: bool, email_verified: bool, mail_on: bool) -> bool:
    """Publishing a posting and sending a contact request reach people who do not know you:
    on an installation that sends mail, a teacher or platform member first confirms their
    address. Everything else (reading, TwinSpaces, answering requests) needs no confirmation;
    without a mailer nobody can confirm, so nothing waits for it."""
    if not mail_on or kind not in ("teacher", "member") or not has_email:
        return True
    return email_verified


def access_reach_out(
    kind: str | None, has_email: bool, email_verified: bool, mail_on: bool
) -> None:
    if not may_reach_out(kind, has_email, email_verified, mail_on):
        raise Forbidden(
            N_("Confirm your e-mail address first: open the link we sent you, or ask again.")
        )


# --- School records ---------------------------------------------------------------------------


def access_school_record(
    kind: str | None, own_school_id: int | None, school_id: int | None
) -> None:
    """A school's contact details are read and corrected by its own teachers and members
    only; to anybody else such a record answers as missing."""
    if kind not in ("teacher", "member") or own_school_id is None or own_school_id != school_id:
        raise NotFound(N_("No such school."))


def access_nss_card(kind: str | None) -> None:
    """Only an NSS officer has a contact card on the public help page (their own)."""
    if kind != "nss":
        raise Forbidden(N_("Only national support service officers have a contact card."))


# --- A project's life: closing and reopening its TwinSpace ---------------------------------


def access_close_project(
    *,
    actor_id: int,
    actor_kind: str,
    actor_country: str | None,
    founder_ids: set[int],
    founder_countries: set[str],
    is_member: bool,
) -> None:
    """The founders close (and reopen) their project; the national support service of either
    founder's country may close it too. Members learn they may not; others that it is not there."""
    if actor_id in founder_ids:
        return
    if actor_kind == "nss" and actor_country in founder_countries:
        return
    if is_member:
        raise Forbidden(
            N_("Only the project's founders and their national support services can do this.")
        )
    raise NotFound(N_("No such project."))


def access_reopen_project(*, actor_id: int, founder_ids: set[int], is_member: bool) -> None:
    if actor_id in founder_ids:
        return
    if is_member:
        raise Forbidden(N_("Only the project's founders can reopen it."))
    raise NotFound(N_("No such project."))
