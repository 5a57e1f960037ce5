# Two commands do all set-up on a fresh machine:
#   make dev    - start every function locally on one port (demo data without credentials)
#   make test   - lint and run the whole test suite (offline)
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000

.PHONY: dev test lint vercel-check doctor bench spec clean

$(STAMP): requirements.txt requirements-dev.txt .python-version
	@$(PYTHON) -c 'import sys; want = "$(PYTHON_VERSION)"; got = "%d.%d" % sys.version_info[:2]; \
		sys.exit(0 if got == want else f"Python {want} is required (Vercel runtime); $(PYTHON) is {got}")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

dev: $(STAMP)
	$(BIN)/python -m devtools.server --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

vercel-check: $(STAMP)
	$(BIN)/python scripts/vercel_check.py

doctor: $(STAMP)
	$(BIN)/python scripts/doctor.py

spec: $(STAMP)
	$(BIN)/python -m devtools.gpt_spec

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache
