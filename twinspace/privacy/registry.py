"""The components that declared personal data, found through the ``twinspace.privacy``
entry-point group (built-in components and third-party tools alike), so this package imports
no feature."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from twinspace.personal_data import Component, TableData

GROUP = "twinspace.privacy"


@cache
def components() -> tuple[Component, ...]:
    found: dict[str, Component] = {}
    for entry in entry_points(group=GROUP):
        component = entry.load()
        if not isinstance(component, Component):
            raise TypeError(f"{entry.value} is not a privacy Component")
        if component.name in found:
            raise ValueError(f"privacy component {component.name!r} is declared twice")
        found[component.name] = component
    return tuple(sorted(found.values(), key=lambda c: c.name))


def declarations_by_table() -> dict[str, list[TableData]]:
    tables: dict[str, list[TableData]] = {}
    for component in components():
        for data in component.tables:
            tables.setdefault(data.table, []).append(data)
    return tables
