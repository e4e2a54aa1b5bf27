"""Cookie names shared by HTTP views and the socket server."""

SESSION_COOKIE = "ts_session"
LANG_COOKIE = "ts_lang"
