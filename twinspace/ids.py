"""Ids in URL paths (``/spaces/{space_id:int}``) are 1 to 9 digits: a longer number matches
no route (404) instead of reaching the database, where it overflows SQLite's and
PostgreSQL's integer columns (a 500). Registered over Starlette's own ``int`` convertor when
the ``twinspace`` package is imported, before any route is compiled."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

ID_DIGITS = 9  # at most 999,999,999: below 2**31, the smallest integer column


class IdConvertor(Convertor[int]):
    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        if not 0 <= value < 10**ID_DIGITS:
            raise ValueError("an id is 0 to 999,999,999")
        return str(value)


def register() -> None:
    register_url_convertor("int", IdConvertor())
