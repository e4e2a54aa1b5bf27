"""Rendering network pages: the shared template context (country names, tab labels)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from twinspace.i18n import N_, gettext_for
from twinspace.network.members import country_name
from twinspace.network.vocab import SUBJECTS, TOOLS, language_names
from twinspace.web.context import locale_of, render

TAB_LABELS = {
    "open": N_("Open"),
    "pending": N_("Pending"),
    "closed": N_("Closed"),
    "refused": N_("Refused"),
    "draft": N_("Draft"),
}


async def show(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    locale = locale_of(request)
    gettext = gettext_for(locale)
    base = {
        "country_name": country_name,
        "tab_labels": {k: gettext(v) for k, v in TAB_LABELS.items()},
        "subject_labels": {k: gettext(v) for k, v in SUBJECTS.items()},
        "tool_labels": {k: gettext(v) for k, v in TOOLS.items()},
        "language_labels": language_names(locale),
    }
    base.update(context)
    return await render(request, f"network/{template}", base, status_code)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
