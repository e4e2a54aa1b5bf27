"""The network part of the demo: two more teachers, postings, contacts, and two pending
projects (one waiting for the national support services, one for its co-founder jonas),
so that a newcomer sees every state."""

from __future__ import annotations

from twinspace.accounts.models import School, User, UserKind
from twinspace.db import UnitOfWork, utcnow
from twinspace.i18n import N_
from twinspace.network.contacts import pair_key
from twinspace.network.kits_demo import add_demo_kits
from twinspace.network.models import Contact, Posting, Project, ProjectApproval
from twinspace.network.notices import tell
from twinspace.network.postings import index_posting
from twinspace.spaces.models import Space

EXTRA_TEACHERS = [
    # username, display name, country, school, city
    ("lucia", "Lucía García", "ES", "IES Guadalquivir", "Sevilla"),
    ("piotr", "Piotr Nowak", "PL", "Szkoła Podstawowa nr 12", "Kraków"),
]

POSTINGS = [
    (
        "anne",
        "Looking for a partner: weather diaries across Europe",
        ["science", "geography"],
        ["en", "fr"],
        10,
        13,
        "My class (27 pupils, 11-12 years) keeps a weather diary. We would like to compare "
        "temperatures, rain and clouds with a school in the north or east of Europe, "
        "and write a bilingual blog.",
    ),
    (
        "jonas",
        "Mathematics in the kitchen",
        ["mathematics"],
        ["en", "de"],
        12,
        15,
        "Recipes, fractions and scales: my pupils cook, measure and explain. We look for a "
        "partner class to exchange recipes and videos.",
    ),
    (
        "lucia",
        "Leyendas y cuentos — legends of our towns",
        ["literature", "history", "foreign-languages"],
        ["es", "en", "fr"],
        8,
        11,
        "Our pupils collect the legends of Sevilla and illustrate them. We want to swap "
        "stories with a school abroad and make a shared e-book.",
    ),
    (
        "piotr",
        "Physical education: games from our grandparents",
        ["physical-education", "history"],
        ["en", "pl"],
        9,
        12,
        "Let us teach each other the playground games of our grandparents, film them "
        "and play them together on a video call.",
    ),
]


# The Spanish officer "Legends of our towns" waits for (with nss-fr), after the teachers so
# that the earlier accounts keep their ids.
EXTRA_OFFICERS = [("nss-es", "NSS España", "ES")]


async def add_network_demo(
    uow: UnitOfWork, users: dict[str, User], password_hash: str, open_space: Space
) -> None:
    s = uow.session
    for username, name, country, school_name, city in EXTRA_TEACHERS:
        school = School(name=school_name, city=city, country_code=country)
        s.add(school)
        await s.flush()
        user = User(
            username=username,
            display_name=name,
            kind=UserKind.TEACHER.value,
            country_code=country,
            school_id=school.id,
            password_hash=password_hash,
            email=f"{username}@demo.invalid",
            email_verified_at=utcnow(),
        )
        s.add(user)
        await s.flush()
        users[username] = user
    for username, name, country in EXTRA_OFFICERS:
        officer = User(
            username=username,
            display_name=name,
            kind=UserKind.NSS.value,
            country_code=country,
            password_hash=password_hash,
        )
        s.add(officer)
        await s.flush()
        users[username] = officer
    for author, title, subjects, languages, low, high, text in POSTINGS:
        posting = Posting(
            author_id=users[author].id,
            title=title,
            subjects=subjects,
            languages=languages,
            age_min=low,
            age_max=high,
            description=text,
        )
        posting.search_text = index_posting(posting, users[author])
        s.add(posting)
    now = utcnow()
    for a, b, status in (
        ("anne", "jonas", "accepted"),
        ("lucia", "anne", "accepted"),
        ("piotr", "anne", "pending"),
        ("piotr", "jonas", "accepted"),
    ):
        s.add(
            Contact(
                pair=pair_key(users[a].id, users[b].id),
                requester_id=users[a].id,
                addressee_id=users[b].id,
                message="Hello! Shall we work together?",
                status=status,
                responded_at=now if status == "accepted" else None,
            )
        )
    anne, jonas, lucia = users["anne"], users["jonas"], users["lucia"]
    project = Project(
        founder_id=lucia.id,
        founder_school_id=lucia.school_id,
        cofounder_id=anne.id,
        cofounder_school_id=anne.school_id,
        title="Legends of our towns",
        description="Pupils in Sevilla and Lyon collect, illustrate and swap local legends.",
        languages=["fr", "es", "en"],
        age_min=9,
        age_max=12,
        pupils_count=50,
        subjects=["literature", "history"],
        tools=["wiki", "gallery", "chat"],
        objectives="Read and tell stories in three languages; discover each other's towns.",
        procedure="One legend a month per class, illustrated, then retold by the partners.",
        results="An illustrated trilingual e-book of legends.",
        scope="european",
        status="pending_nss",
        submitted_at=now,
    )
    s.add(project)
    await s.flush()
    for country in ("ES", "FR"):
        s.add(ProjectApproval(project_id=project.id, country_code=country))
    piotr = users["piotr"]
    games = Project(
        founder_id=piotr.id,
        founder_school_id=piotr.school_id,
        cofounder_id=jonas.id,
        cofounder_school_id=jonas.school_id,
        title="Games of our grandparents",
        description="Pupils in Kraków and Köln learn, film and play old playground games.",
        languages=["en", "de", "pl"],
        age_min=9,
        age_max=12,
        pupils_count=40,
        subjects=["physical-education", "history"],
        tools=["gallery", "video"],
        objectives="Move together, ask grandparents, compare traditions.",
        procedure="Each class films two games a month; the partners learn and play them.",
        results="A video library of games and a shared sports afternoon online.",
        scope="european",
        status="pending_cofounder",
        submitted_at=now,
    )
    s.add(games)  # the step before: waiting for its co-founder, jonas, to accept or refuse
    await s.flush()
    # The demo TwinSpace went through the same steps (added last: ids 1 and 2 stay pending).
    opened = Project(
        founder_id=anne.id,
        founder_school_id=anne.school_id,
        cofounder_id=jonas.id,
        cofounder_school_id=jonas.school_id,
        title=open_space.title,
        description=open_space.description,
        languages=["fr", "de", "en"],
        age_min=11,
        age_max=13,
        pupils_count=48,
        subjects=["science", "geography"],
        tools=["blog", "forum", "wiki", "gallery", "chat"],
        objectives="Measure and compare two rivers; write about them in three languages.",
        procedure="Monthly measurements by each class, shared on the project pages and in chat.",
        results="A public page about our two rivers and a shared photo gallery.",
        scope="european",
        status="open",
        space_id=open_space.id,
        submitted_at=now,
        decided_at=now,
    )
    s.add(opened)
    await s.flush()
    for country, officer in (("FR", "nss-fr"), ("DE", "nss-de")):
        s.add(
            ProjectApproval(
                project_id=opened.id,
                country_code=country,
                status="validated",
                officer_id=users[officer].id,
                decided_at=now,
            )
        )
    await _seed_notifications(uow, users, project, games)
    await add_demo_kits(uow)


async def _seed_notifications(
    uow: UnitOfWork, users: dict[str, User], legends: Project, games: Project
) -> None:
    """The notifications the real steps would have sent for the requests that still wait."""
    anne, jonas, lucia, piotr = (users[n] for n in ("anne", "jonas", "lucia", "piotr"))
    await tell(
        uow,
        anne.id,
        "contact.request",
        N_("%(name)s sent you a contact request."),
        {"name": piotr.display_name},
        "/contacts",
        piotr.id,
    )
    await tell(
        uow,
        jonas.id,
        "project.cofounder_request",
        N_("%(name)s invites you to co-found the project “%(title)s”."),
        {"name": piotr.display_name, "title": games.title},
        f"/projects/{games.id}",
        piotr.id,
    )
    await tell(
        uow,
        lucia.id,
        "project.cofounder_accepted",
        N_("%(name)s will co-found “%(title)s”: it goes to the national support services."),
        {"name": anne.display_name, "title": legends.title},
        f"/projects/{legends.id}",
        anne.id,
    )
    for officer in ("nss-es", "nss-fr"):
        await tell(
            uow,
            users[officer].id,
            "project.nss_request",
            N_("A new project waits for your validation: “%(title)s”."),
            {"title": legends.title},
            "/nss",
            anne.id,
        )
