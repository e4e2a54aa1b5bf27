"""Every route of the people features, for create_app."""

from __future__ import annotations

from twinspace.people import (
    calendar_views,
    feed_views,
    invitations_views,
    journal,
    mailbox_views,
    members_views,
    profiles_views,
    pupils_views,
)

routes = [
    *pupils_views.routes,
    *members_views.routes,
    *profiles_views.routes,
    *invitations_views.routes,
    *mailbox_views.routes,
    *calendar_views.routes,
    *journal.routes,
    *feed_views.routes,
]
