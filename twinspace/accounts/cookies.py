"""Cookie names shared by HTTP views and the socket server."""

SESSION_COOKIE = "ts_session"
LANG_COOKIE = "ts_lang"
ZONE_COOKIE = "ts_tz"  # the browser's time zone, set by the page script, for readers not logged in
