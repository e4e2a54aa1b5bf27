"""Where browsers find each other: the STUN/TURN servers handed to RTCPeerConnection
(``TWINSPACE_ICE_SERVERS``), and an installation's own Jitsi Meet or BigBlueButton
(``TWINSPACE_MEETING_URL``) used instead of the mesh."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote

TURN_CREDENTIAL_SECONDS = 12 * 3600


def ice_servers_for(servers: tuple[dict[str, Any], ...], user_id: int) -> list[dict[str, Any]]:
    """What one browser receives: shared-secret TURN servers get a username that expires
    (``<expiry>:<user id>``) and its HMAC-SHA1 as credential; the secret never leaves."""
    given = []
    expiry = int(time.time()) + TURN_CREDENTIAL_SECONDS
    for server in servers:
        entry = {k: v for k, v in server.items() if k in ("urls", "username", "credential")}
        secret = server.get("secret")
        if isinstance(secret, str) and secret:
            username = f"{expiry}:{user_id}"
            digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
            entry.update(username=username, credential=base64.b64encode(digest).decode())
        given.append(entry)
    return given


def external_room(secret_key: str, space_id: int, key: str, meeting_id: int) -> str:
    """A room name on the outside server nobody can guess or reuse: an HMAC of the
    installation's secret key over the TwinSpace, the meeting room and this meeting."""
    message = f"twinspace-meeting:{space_id}:{key}:{meeting_id}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()
    return f"twinspace-{digest[:32]}"


def external_url(template: str, secret_key: str, space_id: int, key: str, meeting_id: int) -> str:
    """``TWINSPACE_MEETING_URL`` with ``{room}`` replaced (e.g. https://meet.example.org/{room})."""
    return template.replace("{room}", quote(external_room(secret_key, space_id, key, meeting_id)))
