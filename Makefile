# Two commands do all set-up on a fresh machine:
#   make dev    - start every function locally on one port (demo data without credentials)
#   make test   - lint, check formatting and run the whole test suite (offline)
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000

.PHONY: dev test lint vercel-check doctor deploy deploy-preview bench load-check spec view screenshots fake-gateway clean

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
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

vercel-check: $(STAMP)
	$(BIN)/python scripts/vercel_check.py

doctor: $(STAMP)
	$(BIN)/python scripts/doctor.py

# Deploy from this machine, after the doctor passes: build with bytecode
# (VERCEL_PYTHON_COMPILEALL=1) and upload that build (`vercel deploy --prebuilt`).
# Needs a logged-in CLI (`vercel login` or VERCEL_TOKEN) and a linked project (`vercel link`).
deploy: doctor
	$(BIN)/python scripts/deploy.py --prod

deploy-preview: doctor
	$(BIN)/python scripts/deploy.py

# Benchmarks: results into BENCHMARKS.md (see its header). Several minutes.
bench: $(STAMP)
	$(BIN)/python -m bench.cold_start --runs 9 --write
	$(BIN)/python -m bench.bundle_cold_start --runs 9 --write
	$(BIN)/python -m bench.warm_path --write
	$(BIN)/python -m bench.fault_matrix --write
	$(BIN)/python -m bench.shared_cache_sim --write
	$(BIN)/python -m bench.load --duration 30 --connections 50 --runs 3 --write --check

# CI's bounded load check: zero errors, no memory growth across runs.
load-check: $(STAMP)
	$(BIN)/python -m bench.load --duration 10 --connections 50 --runs 3 --check

spec: $(STAMP)
	$(BIN)/python -m devtools.gpt_spec

# The fake AliExpress gateway alone (prints its URL, demo credentials and fault controls).
FAKE_GATEWAY_PORT ?= 8790
fake-gateway: $(STAMP)
	$(BIN)/python -m devtools.fake_gateway --port $(FAKE_GATEWAY_PORT)

# The MCP Apps view assembled from public/cards/ into lib/product_view.html (checked in).
view: $(STAMP)
	$(BIN)/python -m devtools.view_build

# The landing page and the MCP Apps view at 360 px and 1280 px, demo mode, headless
# Chromium (Debian's chromium package) -> docs/screenshots/ (linked from the README).
screenshots: $(STAMP)
	$(BIN)/python -m devtools.screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache
