# The two commands a new user needs: `make demo` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# pip prints a warning per ignored location from the machine-wide config: keep logs readable
QUIET  := 2>&1 | grep -v "WARNING: Location" || true

.PHONY: demo test bench lint serve screenshots venv dev-venv system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip $(QUIET)

$(VENV)/.runtime: $(BIN)/python pyproject.toml
	$(PIP) install -e . $(QUIET)
	$(BIN)/python -c "import moneytrail"
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PIP) install -e ".[dev]" $(QUIET)
	$(BIN)/python -c "import pytest, hypothesis, pymrio, sqlalchemy, psycopg, playwright, axe_playwright_python, mypy"
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

# PostgreSQL server and Debian's Chromium for the store and browser tests, poppler (pdftoppm)
# for the briefing tests, pango and fonts for WeasyPrint's PDFs: DejaVu, WenQuanYi (CJK), Noto
# Color Emoji (emoji in titles and notes) (apt, as root).
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
	    || ! command -v pdftoppm >/dev/null 2>&1 || ! ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1 \
	    || ! ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1 \
	    || ! ls /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf >/dev/null 2>&1; then \
	  echo "installing postgresql, chromium, poppler-utils, pango and fonts with apt"; \
	  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql chromium \
	    poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-wqy-microhei \
	    fonts-noto-color-emoji >/dev/null; \
	fi

demo: venv
	$(BIN)/moneytrail demo

# The web app and HTTP API on http://127.0.0.1:8000/ (SQLite store in the user data folder;
# `make serve SERVE_ARGS="--db postgresql://..."` for a shared PostgreSQL store).
serve: venv
	$(BIN)/moneytrail serve $(SERVE_ARGS)

# PNGs of every page at 1280 and 375 px wide, for review (Debian's Chromium, no downloads).
screenshots: dev-venv system-deps
	$(BIN)/python scripts/screenshots.py screenshots

# mypy first (a type error fails CI in seconds, before the long test run), then every test.
test: dev-venv system-deps
	$(BIN)/mypy src
	@url=$$(scripts/postgres.sh start) || { echo "could not start PostgreSQL"; exit 1; }; \
	MONEYTRAIL_TEST_POSTGRES_URL=$$url $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	scripts/postgres.sh stop; exit $$rc

# Every target of issue 8 against a yardstick timed in the same run; BENCH_ARGS e.g.
# "--cluster-draws 10000000" for the full cluster run, "--only trace,startup" for a part.
bench: dev-venv
	$(BIN)/moneytrail bench $(BENCH_ARGS)

lint: dev-venv
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache
