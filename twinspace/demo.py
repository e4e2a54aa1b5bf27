"""The demo installation of SPEC.md §5, created once and reused afterwards."""

from __future__ import annotations

from sqlalchemy import select

from twinspace.accounts.models import School, User, UserKind
from twinspace.accounts.passwords import PasswordService
from twinspace.db import Database, UnitOfWork, utcnow
from twinspace.help.demo import add_help_demo
from twinspace.network.demo import add_network_demo
from twinspace.pages.models import Page
from twinspace.pages.widgets import check_add_widget, run_tool_command
from twinspace.people.demo import demo_people
from twinspace.permissions import Role, Room
from twinspace.rooms.chat.actions import check_send_message, do_create_chat_room
from twinspace.rooms.pages.actions import check_add_page
from twinspace.settings import Settings
from twinspace.spaces.models import Membership, Space
from twinspace.wiring import wire

DEMO_PASSWORD = "demo-pass"
DEMO_TITLE = "Rivers that connect us"

# username, display name, kind, country, school key, role in the demo TwinSpace
DEMO_PEOPLE = [
    ("anne", "Anne Moreau", UserKind.TEACHER, "FR", "fr", Role.TEACHER_ADMIN),
    ("jonas", "Jonas Becker", UserKind.TEACHER, "DE", "de", Role.TEACHER_ADMIN),
    ("lea", "Léa", UserKind.PUPIL, "FR", "fr", Role.PUPIL),
    ("tom", "Tom", UserKind.PUPIL, "DE", "de", Role.PUPIL),
    ("paul", "Paul Martin", UserKind.MEMBER, "FR", None, Role.VISITOR),
    ("nss-fr", "NSS France", UserKind.NSS, "FR", None, None),
    ("nss-de", "NSS Deutschland", UserKind.NSS, "DE", None, None),
]


async def _demo_pages(
    uow: UnitOfWork, space: Space, users: dict[str, User], settings: Settings
) -> None:
    """A few pages with every tool, one of them public, written through the tools' own commands."""

    async def page(room: Room, title: str, author: str, public: bool = False) -> Page:
        created = await check_add_page(uow, space.id, room, users[author].id, title)
        created.is_public = public
        return created

    async def tool(page_: Page, kind: str, author: str) -> int:
        widget = await check_add_widget(uow, users[author], space, page_, kind, {}, settings)
        return widget.id

    async def run(widget_id: int, who: str, command: str, **payload: object) -> dict:
        return await run_tool_command(
            uow, users[who], space.id, widget_id, command, payload, settings
        )

    rivers = await page(Room.ACTIVITIES, "Our two rivers", "anne", public=True)
    intro = await tool(rivers, "webcontent", "anne")
    await run(
        intro,
        "anne",
        "save",
        html=(
            "<h2>The Rhône and the Rhine</h2><p>Pupils in <strong>Lyon</strong> and "
            "<strong>Köln</strong> measure their rivers every week and compare what they find.</p>"
        ),
    )
    blog = await tool(rivers, "blog", "anne")
    post = await run(
        blog,
        "jonas",
        "post.create",
        title="First measurements",
        body="Water at 12 °C in Köln this morning. The pupils were delighted!",
    )
    await run(
        blog, "lea", "comment.create", post_id=post["post"]["id"], text="In Lyon it was 14 °C!"
    )

    diary = await page(Room.ACTIVITIES, "River diary", "anne")
    forum = await tool(diary, "forum", "jonas")
    topic = await run(
        forum,
        "jonas",
        "topic.create",
        title="What lives in your river?",
        text="Tell us which animals you saw near the water.",
    )
    await run(
        forum,
        "tom",
        "reply.create",
        topic_id=topic["topic"]["id"],
        text="We saw a heron and two ducks.",
    )
    results = await page(Room.ACTIVITIES, "Results", "anne")
    await tool(results, "files", "anne")
    await tool(results, "gallery", "anne")

    planning = await page(Room.TEACHERS, "Planning", "anne")
    notes = await tool(planning, "webcontent", "anne")
    await run(
        notes,
        "anne",
        "save",
        html="<p>Next video call: Thursday 10:00. Evaluation grid to agree on.</p>",
    )
    corner = await page(Room.PUPILS, "Free talk", "anne")
    await tool(corner, "forum", "anne")

    words = {  # a wiki the classes write together, live
        "title": "River words",
        "text": (
            "Words we met while studying the Rhône and the Rhine, in three languages.\n"
            "source — la source — die Quelle\n"
            "bank — la rive — das Ufer\n"
            "See also [[Animals of the rivers]]."
        ),
    }
    wiki = await check_add_widget(uow, users["anne"], space, diary, "wiki", words, settings)
    await run(
        wiki.id,
        "tom",
        "page.create",
        title="Animals of the rivers",
        text="Heron (der Reiher, le héron): we saw one near the bridge in Köln.",
    )


async def ensure_demo(
    db: Database, passwords: PasswordService, settings: Settings | None = None
) -> bool:
    """Create the demo data unless it exists; returns True when it was created now."""
    wire()
    async with db.read() as session:
        if await session.scalar(select(User.id).where(User.username == "anne")) is not None:
            return False
    hashed = passwords.hash_sync(DEMO_PASSWORD)
    async with db.unit_of_work() as uow:
        s = uow.session
        schools = {
            "fr": School(name="Collège Victor Hugo", city="Lyon", country_code="FR"),
            "de": School(name="Gesamtschule am Rhein", city="Köln", country_code="DE"),
        }
        s.add_all(schools.values())
        space = Space(
            title=DEMO_TITLE,
            description=("Pupils in Lyon and Köln study the Rhône and the Rhine together."),
            scope="european",
            status="open",
        )
        s.add(space)
        await s.flush()
        users: dict[str, User] = {}
        for username, name, kind, country, school, role in DEMO_PEOPLE:
            user = User(
                username=username,
                display_name=name,
                kind=kind.value,
                country_code=country,
                school_id=schools[school].id if school else None,
                password_hash=hashed,
                email=f"{username}@demo.invalid" if kind is UserKind.TEACHER else None,
                email_verified_at=utcnow() if kind is UserKind.TEACHER else None,
            )
            s.add(user)
            await s.flush()
            users[username] = user
            if role is not None:
                s.add(Membership(space_id=space.id, user_id=user.id, role=role.value))
        await _demo_pages(uow, space, users, settings)
        await add_network_demo(uow, users, hashed, space)
        await add_help_demo(uow, users)
        await demo_people(uow, space, users, settings)
        general = await do_create_chat_room(uow, space.id, "general")
        general.title = "General"
        class_room = await do_create_chat_room(uow, space.id, "class")
        class_room.title, class_room.supervision = "Class chat (supervised)", "one_teacher"
        staff = await do_create_chat_room(uow, space.id, "staff")
        staff.title, staff.audience = "Teachers only", "teachers"
        await check_send_message(
            uow,
            general,
            users["anne"],
            Role.TEACHER_ADMIN,
            "Bienvenue ! Welcome to our TwinSpace chat.",
            2000,
        )
    return True
