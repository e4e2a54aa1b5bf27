# TwinSpace: `make run` (server with demo data) and `make test` (the whole suite) do all set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup assets system-deps lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# TwinSpace, then the example third-party tool (examples/twinspace-poll): both plug their
# tools in through the twinspace.tools entry points this step writes.
$(VENV)/.installed: pyproject.toml examples/twinspace-poll/pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q -e examples/twinspace-poll
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

assets: frontend/node_modules/.installed
	cd frontend && npm run build

setup: $(VENV)/.installed assets

run: setup
	$(BIN)/twinspace migrate
	$(BIN)/twinspace serve --demo --host $(HOST) --port $(PORT)

# Debian packages the tests need: a real Redis server, Chromium for Playwright, PostgreSQL
# (the tests start their own cluster with initdb/pg_ctl) and nginx (tests/test_nginx.py).
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The whole suite on SQLite, then again on a PostgreSQL cluster the tests start themselves
# (the browser tests run once, on SQLite: they test pages, not the database).
test: system-deps setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest
	$(BIN)/pytest --db=postgresql --ignore=tests/e2e --ignore=examples/twinspace-poll/tests/test_poll_browser.py

bench: setup
	$(BIN)/python bench/chat_fanout.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/static/build

# Translations: extract every marked string (babel.cfg) into the .pot template, then merge it
# into the French and English catalogues (created when missing). New French strings arrive
# untranslated (or fuzzy when close to an old one): translate them; tests/test_i18n.py checks.
I18N_DIR := twinspace/i18n
I18N_LANGS := fr en
I18N_IGNORE := .* __pycache__ node_modules var

.PHONY: messages
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --ignore-dirs='$(I18N_IGNORE)' \
	  --project=TwinSpace --copyright-holder='TwinSpace contributors' -o $(I18N_DIR)/messages.pot .
	set -e; for lang in $(I18N_LANGS); do \
	  if [ -f $(I18N_DIR)/locales/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i $(I18N_DIR)/messages.pot -d $(I18N_DIR)/locales -l $$lang; \
	  else \
	    $(BIN)/pybabel init -i $(I18N_DIR)/messages.pot -d $(I18N_DIR)/locales -l $$lang; \
	  fi; \
	done
	@$(BIN)/python -c 'from babel.messages.pofile import read_po; \
	c = read_po(open("$(I18N_DIR)/locales/fr/LC_MESSAGES/messages.po", "rb")); \
	todo = [m.id for m in c if m.id and (not m.string or m.fuzzy)]; \
	print("fr: %d strings, %d to translate or check (empty or fuzzy)" % (len(c), len(todo))); \
	[print("  to do:", t) for t in todo]'
