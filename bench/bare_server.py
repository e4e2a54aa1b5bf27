"""A bare python-socketio broadcast server: the baseline for bench/chat_fanout.py.

No authentication, no database: ``join`` enters the room, ``chat:send`` relays the text to
the room with an increasing id (the same envelope shape as TwinSpace) and acks. It runs
under uvicorn with the same settings as ``twinspace serve`` (uvloop, httptools,
websockets-sansio when available, the same ping interval and payload limit).

    .venv/bin/python bench/bare_server.py --port 8100
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

import socketio
import uvicorn

# The author block TwinSpace puts in every chat.message, so both servers send frames
# of the same size.
AUTHOR = {"id": 1, "username": "anne", "name": "Anne Moreau", "role": "teacher_admin"}


def create_app() -> socketio.ASGIApp:
    sio = socketio.AsyncServer(
        async_mode="asgi",
        max_http_buffer_size=256 * 1024,
        ping_interval=20,
        ping_timeout=20,
    )
    last_id: dict[str, int] = {}

    @sio.on("join")
    async def join(sid: str, data: Any = None) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("room"), str):
            return {"ok": False, "error": "invalid"}
        room = data["room"]
        await sio.enter_room(sid, room)
        return {"ok": True, "room": room, "last_id": last_id.get(room, 0)}

    @sio.on("chat:send")
    async def chat_send(sid: str, data: Any = None) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("room"), str):
            return {"ok": False, "error": "invalid"}
        room, text = data["room"], data.get("text")
        if not isinstance(text, str) or not text:
            return {"ok": False, "error": "invalid"}
        seq = last_id[room] = last_id.get(room, 0) + 1
        envelope = {
            "room": room,
            "id": seq,
            "type": "chat.message",
            "data": {"message_id": seq, "text": text, "author": AUTHOR},
            "at": datetime.now(UTC).isoformat(),
        }
        await sio.emit("event", envelope, to=room)  # like TwinSpace: publish, then ack
        return {"ok": True, "id": seq}

    return socketio.ASGIApp(sio, socketio_path="socket.io")


def _ws_implementation() -> str:
    try:
        import websockets  # noqa: F401
        from uvicorn.protocols.websockets import websockets_sansio_impl  # noqa: F401
    except ImportError:
        return "auto"
    return "websockets-sansio"


def main() -> None:
    parser = argparse.ArgumentParser(description="bare python-socketio broadcast server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        ws=_ws_implementation(),
    )


if __name__ == "__main__":
    main()
