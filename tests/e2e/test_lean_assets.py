"""What a page loads, watched in the browser's network log: the login and registration pages get
the base stylesheet only (print.css is for printing) and no chat, socket or page-editing code;
a room gets its area's sheet. The build's metafile (static/build/meta.json) says which sources
went into each file, so a shared chunk that pulls in the socket client is caught too."""

from __future__ import annotations

import json
import re

from playwright.async_api import Browser, Page

from tests.conftest import RunningServer
from tests.e2e.conftest import log_in, new_page
from twinspace.settings import FRONTEND_DIR

META = FRONTEND_DIR / "static" / "build" / "meta.json"
# Sources the login and registration pages must not load (chat, live pages, the wiki editor,
# moderation, meetings, and the socket client they all share).
HEAVY = re.compile(
    r"^src/(chat|pages|page-|wiki|moderation|meeting|socket|presence|connection)"
    r"|^node_modules/(socket\.io-client|engine\.io-client|quill|yjs|y-)"
)


async def built_files(page: Page, url: str) -> list[str]:
    """Every file under /static/build/ the page fetched while loading (and settling)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    await page.goto(url, wait_until="networkidle")
    return sorted({u.split("/static/", 1)[1] for u in seen if "/static/build/" in u})


def sources(meta: dict, files: list[str]) -> set[str]:
    found: set[str] = set()
    for name in files:
        if name.endswith(".js"):
            found |= set(meta["outputs"][f"static/{name}"]["inputs"])
    return found


def sheets(files: list[str]) -> list[str]:
    """build/chat-5KX2QJ3M.css -> chat"""
    return sorted(re.sub(r"^build/(.+)-\w+\.css$", r"\1", f) for f in files if f.endswith(".css"))


async def test_login_and_registration_load_the_base_sheet_and_no_chat_or_editing_code(
    server: RunningServer, browser: Browser
) -> None:
    meta = json.loads(META.read_text(encoding="utf-8"))
    visitor = await new_page(browser)
    for path in ("/login", "/register"):
        files = await built_files(visitor, server.url + path)
        assert sheets(files) == ["base", "print"], (path, files)
        heavy = sorted(s for s in sources(meta, files) if HEAVY.search(s))
        assert not heavy, f"{path} loads {heavy}"
        assert any(f.startswith("build/app-") for f in files), files  # the page script did run

    # The same check sees the chat's code and sheet where they belong (it can fail).
    anne = await new_page(browser)
    await log_in(anne, server.url, "anne", "/spaces/1")
    files = await built_files(anne, server.url + "/spaces/1/chat/general")
    assert sheets(files) == ["base", "chat", "print"], files
    loaded = sources(meta, files)
    assert "src/chat.js" in loaded
    assert any(s.startswith("node_modules/socket.io-client/") for s in loaded)
    files = await built_files(anne, server.url + "/spaces/1/pages/1")
    assert sheets(files) == ["base", "pages", "print"], files
