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

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
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

# Debian packages the tests need: a real Redis server and Chromium for Playwright.
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

lint: setup
	$(BIN)/ruff check .

test: system-deps setup
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/chat_fanout.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/static/build
