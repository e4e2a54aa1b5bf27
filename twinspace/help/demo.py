"""The demo's help page: the French officer's card listed, and one ambassador in Spain."""

from __future__ import annotations

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.help.models import Ambassador, NssContactCard


async def add_help_demo(uow: UnitOfWork, users: dict[str, User]) -> None:
    uow.session.add(
        NssContactCard(
            user_id=users["nss-fr"].id,
            listed=True,
            email="nss-fr@demo.invalid",
            phone="+33 1 00 00 00 00",
            note="Questions about project validation: Monday to Friday, 9:00–17:00.",
        )
    )
    uow.session.add(
        Ambassador(
            country_code="ES",
            name="Carmen Ruiz",
            region="Andalucía",
            email="carmen.ruiz@demo.invalid",
            note="Primary school teacher; helps with first projects.",
        )
    )
