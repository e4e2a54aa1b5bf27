"""Imports every model module so that Base.metadata knows all tables (Alembic, tests)."""

from twinspace.accounts import models as accounts_models  # noqa: F401
from twinspace.db import Base
from twinspace.events import Event, RoomCounter  # noqa: F401
from twinspace.files import StoredFile  # noqa: F401
from twinspace.help import models as help_models  # noqa: F401
from twinspace.label import models as label_models  # noqa: F401
from twinspace.network import models as network_models  # noqa: F401
from twinspace.notifications import models as notifications_models  # noqa: F401
from twinspace.pages import models as pages_models  # noqa: F401
from twinspace.pages.registry import load_builtin_tools
from twinspace.people import models as people_models  # noqa: F401
from twinspace.realtime import models as realtime_models  # noqa: F401
from twinspace.rooms.chat import models as chat_models  # noqa: F401
from twinspace.spaces import models as spaces_models  # noqa: F401

load_builtin_tools()  # each tool's tables
metadata = Base.metadata
