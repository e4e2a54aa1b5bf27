"""The network part of the demo: two more teachers, postings, contacts, and one project
waiting for the national support services, so that a newcomer sees every state."""

from __future__ import annotations

from twinspace.accounts.models import School, User, UserKind
from twinspace.db import UnitOfWork, utcnow
from twinspace.network.contacts import pair_key
from twinspace.network.models import Contact, Posting, Project, ProjectApproval
from twinspace.network.postings import index_posting

EXTRA_TEACHERS = [
    # username, display name, country, school, city
    ("marta", "Marta García", "ES", "IES Guadalquivir", "Sevilla"),
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
        "marta",
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


async def add_network_demo(uow: UnitOfWork, users: dict[str, User], password_hash: str) -> None:
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
        )
        s.add(user)
        await s.flush()
        users[username] = user
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
        ("marta", "anne", "accepted"),
        ("piotr", "anne", "pending"),
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
    anne, marta = users["anne"], users["marta"]
    project = Project(
        founder_id=marta.id,
        founder_school_id=marta.school_id,
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
