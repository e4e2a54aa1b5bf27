"""Plugging the features together, once per process (entry layer: called by ``create_app``,
the CLI and the demo). Lower layers own registries; features fill them here, so no feature
imports another to be told what happened, and the socket server names no room or tool:

- tools: every ``twinspace.tools`` entry point, built-in or third-party (pages/registry.py);
- domain reactions: subscribers of ``twinspace.domain`` events (a space opened → chat room);
- socket features: room resolution, chat, pages and tools' socket events
  (realtime/dispatch.py).

Calling ``wire()`` again is harmless: every registration is keyed by a name.
"""

from __future__ import annotations

from twinspace.pages.registry import load_builtin_tools
from twinspace.rooms import resolve
from twinspace.rooms.chat import reactions as chat_reactions
from twinspace.rooms.chat import sockets as chat_sockets
from twinspace.rooms.pages import sockets as pages_sockets


def wire() -> None:
    load_builtin_tools()
    chat_reactions.register()
    resolve.register()
    chat_sockets.register()
    pages_sockets.register()
