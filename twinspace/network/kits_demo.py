"""The demo's three project kits (eTwinning-style ideas; titles in English and French)."""

from __future__ import annotations

from typing import Any

from twinspace.db import UnitOfWork
from twinspace.network.models import ProjectKit


def _pages(*lines: str) -> list[dict[str, object]]:
    pages = []
    for line in lines:
        title, _, tools = line.partition("|")
        pages.append({"title": title.strip(), "tools": [t.strip() for t in tools.split(",")]})
    return pages


DEMO_KITS: list[dict[str, Any]] = [
    dict(
        title="Our schools, our towns — Nos écoles, nos villes",
        summary=(
            "Two classes introduce themselves, their school and their town, then build a "
            "shared illustrated guide for visitors of their own age."
        ),
        age_min=8,
        age_max=12,
        subjects=["geography", "foreign-languages", "citizenship"],
        tools=["blog", "gallery", "forum", "chat"],
        objectives=(
            "Get to know pupils of another country; describe one's own surroundings in a "
            "foreign language; compare daily life at school."
        ),
        activities=(
            "1. Portraits of the pupils and the school. 2. A walk through each town in "
            "photos. 3. Questions and answers on the forum. 4. A shared guide in two languages."
        ),
        pages=_pages(
            "Welcome — Bienvenue | webcontent, forum",
            "Who we are — Qui sommes-nous | gallery, forum",
            "Our towns — Nos villes | blog, gallery",
            "Our shared guide — Notre guide commun | wiki",
            "What we learnt — Ce que nous avons appris | blog, files",
        ),
    ),
    dict(
        title="Climate detectives — Détectives du climat",
        summary=(
            "Pupils measure temperature, rain and air quality near their schools, compare "
            "the data with their partners and agree on one action for their school."
        ),
        age_min=11,
        age_max=15,
        subjects=["science", "environment", "mathematics"],
        tools=["wiki", "files", "forum", "video"],
        objectives=(
            "Collect and read real data; work in mixed international teams; turn findings "
            "into a concrete action."
        ),
        activities=(
            "1. Set up a weather station or sensors. 2. Weekly measurements shared in a "
            "common table. 3. Graphs and explanations in mixed teams. 4. An action plan "
            "presented in a video call."
        ),
        pages=_pages(
            "Start here — Commencez ici | webcontent",
            "Measurements — Mesures | files, forum",
            "Data and graphs — Données et graphiques | wiki, files",
            "Our action plan — Notre plan d'action | wiki, forum",
            "Results — Résultats | blog, gallery",
        ),
    ),
    dict(
        title="Fairy tales across Europe — Contes d'Europe",
        summary=(
            "Young pupils read the tales of their partners' country, illustrate them and "
            "write a new tale together, published as a small e-book."
        ),
        age_min=6,
        age_max=10,
        subjects=["literature", "art", "foreign-languages"],
        tools=["blog", "gallery", "wiki", "chat"],
        objectives=(
            "Enjoy reading and listening in another language; discover a shared European "
            "heritage; create together."
        ),
        activities=(
            "1. Each class records its favourite tale. 2. The partners draw it. 3. Both "
            "classes write a new tale, one chapter each. 4. The e-book is shared with families."
        ),
        pages=_pages(
            "Once upon a time — Il était une fois | webcontent",
            "Our favourite tales — Nos contes préférés | blog, forum",
            "Illustrations | gallery",
            "Our shared tale — Notre conte commun | wiki",
            "The e-book — Le livre numérique | files",
        ),
    ),
]


async def add_demo_kits(uow: UnitOfWork) -> None:
    for kit in DEMO_KITS:
        uow.session.add(ProjectKit(**kit, status="active"))
    await uow.session.flush()
