"""Dates, times, numbers and sizes in the reader's language and time zone, by Babel.

One helper for every template (the ``when``, ``number`` and ``filesize`` Jinja filters) and
the same rules as ``frontend/src/when.js``, which formats the times of live items in the
browser: a moment less than a minute old is "just now", then "5 minutes ago" up to an hour,
"3 hours ago" up to six hours, and "14 Dec 2026, 15:49" (the locale's medium date and short
time) after that or for a moment in the future. Every moment is wrapped in
``<time datetime="…">`` with the absolute form as its title.

The reader (language and zone) is a context variable set per request by the middleware (the
language and the zone cookie) and by ``get_auth`` (the person's own zone), so templates that
tools render deep inside a view format for the right reader without passing it along.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from twinspace.i18n import DEFAULT_LOCALE, LOCALES, N_, gettext_for

DEFAULT_ZONE = "UTC"
RELATIVE_MINUTES = 60  # below this, "n minutes ago"
RELATIVE_HOURS = 6  # below this, "n hours ago"; then the date and time
JUST_NOW = N_("just now")
ZONE_MAX = 64


@dataclass(frozen=True)
class Reader:
    locale: str = DEFAULT_LOCALE
    zone: str = DEFAULT_ZONE


_reader: ContextVar[Reader | None] = ContextVar("twinspace_reader", default=None)
_clock_changes: ContextVar[list[datetime] | None] = ContextVar(
    "twinspace_clock_changes", default=None
)


def current_reader() -> Reader:
    return _reader.get() or Reader()


def start_reader(locale: str, zone: str | None) -> Reader:
    """A new request's reader: its language and the zone its browser said (else UTC)."""
    chosen = Reader(
        locale if locale in LOCALES else DEFAULT_LOCALE, valid_zone(zone) or DEFAULT_ZONE
    )
    _reader.set(chosen)
    return chosen


def set_reader(locale: str | None = None, zone: str | None = None) -> Reader:
    """Set this request's reader; missing or unknown values keep what was set before."""
    now = current_reader()
    chosen = Reader(
        locale if locale in LOCALES else now.locale,
        valid_zone(zone) or now.zone,
    )
    _reader.set(chosen)
    return chosen


def valid_zone(name: object) -> str | None:
    """An IANA time zone name we can use ("Europe/Paris"), or None."""
    if not isinstance(name, str) or not name or len(name) > ZONE_MAX:
        return None
    if name == "UTC":
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


@cache
def zone_choices() -> list[str]:
    """The zones a person may choose in their profile, sorted ("Europe/Warsaw" …)."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def absolute(moment: datetime, reader: Reader) -> str:
    """ "14 déc. 2026, 15:49" / "Dec 14, 2026, 3:49 PM" in the reader's zone."""
    local = _aware(moment).astimezone(ZoneInfo(reader.zone))
    pattern = Locale.parse(reader.locale).datetime_formats["medium"]
    day = format_date(local.date(), "medium", locale=reader.locale)
    clock = format_time(local, "short", locale=reader.locale)
    return str(pattern).replace("{1}", day).replace("{0}", clock)


@contextmanager
def watching_the_clock() -> Iterator[list[datetime]]:
    """Collect, while rendering, the moments at which what ``when`` wrote stops being true
    ("just now" becomes "1 minute ago"; a future moment becomes "just now"): a cached page
    is kept until the earliest of them."""
    changes: list[datetime] = []
    token = _clock_changes.set(changes)
    try:
        yield changes
    finally:
        _clock_changes.reset(token)


def _changes_at(moment: datetime) -> None:
    changes = _clock_changes.get()
    if changes is not None:
        changes.append(moment)


def relative(moment: datetime, reader: Reader, now: datetime) -> str | None:
    """ "5 minutes ago" for a recent past moment, else None (the absolute form is used)."""
    seconds = (now - _aware(moment)).total_seconds()
    if seconds < 0:
        _changes_at(_aware(moment))  # in the future: relative once it has passed
        return None
    if seconds >= RELATIVE_HOURS * 3600:
        return None
    unit = 60 if seconds < RELATIVE_MINUTES * 60 else 3600
    _changes_at(_aware(moment) + timedelta(seconds=(seconds // unit + 1) * unit))
    if seconds < 60:
        return gettext_for(reader.locale)(JUST_NOW)
    if seconds < RELATIVE_MINUTES * 60:
        amount, unit = timedelta(minutes=-int(seconds // 60)), "minute"
    else:
        amount, unit = timedelta(hours=-int(seconds // 3600)), "hour"
    return format_timedelta(
        amount, threshold=1000, granularity=unit, add_direction=True, locale=reader.locale
    )


def when(
    moment: datetime | date | str | None,
    style: str = "auto",
    now: datetime | None = None,
    css_class: str = "",
) -> Markup:
    """``<time datetime>`` for a moment: relative when recent ("auto"), else absolute;
    ``style="date"`` for a calendar date (no zone)."""
    if moment is None or moment == "":
        return Markup("")
    cls = Markup(' class="{}"').format(css_class) if css_class else Markup("")
    reader = current_reader()
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment) if "T" in moment else date.fromisoformat(moment)
    if not isinstance(moment, datetime):
        text = format_date(moment, "medium", locale=reader.locale)
        return Markup('<time{} datetime="{}" data-when="date">{}</time>').format(
            cls, moment.isoformat(), text
        )
    if style == "date":
        local = _aware(moment).astimezone(ZoneInfo(reader.zone))
        text = format_date(local.date(), "medium", locale=reader.locale)
        return Markup('<time{} datetime="{}" data-when="date">{}</time>').format(
            cls, _aware(moment).isoformat(), text
        )
    full = absolute(moment, reader)
    recent = relative(moment, reader, now or datetime.now(UTC))
    return Markup('<time{} datetime="{}" data-when="auto" title="{}">{}</time>').format(
        cls, _aware(moment).isoformat(), full, recent or full
    )


def number(value: float | int, digits: int = 0) -> str:
    """1 234 567 / 1,234,567 with the reader's separators."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, pattern, locale=current_reader().locale)


SIZE_UNITS = (N_("%(size)s KB"), N_("%(size)s MB"), N_("%(size)s GB"))


def filesize(size: int) -> str:
    """A size in KB, MB or GB (1,024 of the one below), with the locale's decimal mark:
    "2,1 Mo" / "2.1 MB"."""
    reader = current_reader()
    gettext = gettext_for(reader.locale)
    if size < 1024 * 1024:
        return gettext(SIZE_UNITS[0]) % {"size": number(max(1, round(size / 1024)))}
    if size < 1024**3:
        return gettext(SIZE_UNITS[1]) % {"size": number(round(size / 1024**2, 1), 1)}
    return gettext(SIZE_UNITS[2]) % {"size": number(round(size / 1024**3, 1), 1)}


def time_attributes() -> Markup:
    """Attributes for <html>: what when.js needs to format live times like the server."""
    reader = current_reader()
    just_now = gettext_for(reader.locale)(JUST_NOW)
    return Markup('data-tz="{}" data-just-now="{}"').format(reader.zone, escape(just_now))


def install(env) -> None:  # noqa: ANN001 - a jinja2.Environment
    env.filters["when"] = when
    env.filters["number"] = number
    env.filters["filesize"] = filesize
    env.globals["time_attributes"] = time_attributes
    env.globals["zone_choices"] = zone_choices
