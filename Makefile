# Two commands for a fresh machine (Python 3.11, git, make):
#   make run   install, migrate, load the demo county, print the logins, run web + worker + beat
#   make test  install and run the whole test suite
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup demo check-deploy clean bench assets

run: setup
	@echo ""
	@echo "==> 乡镇人大主席团工作平台: http://$(HOST):$(PORT)/  (门户 /portal/ · 后台 /admin/ · 健康检查 /healthz)"
	@echo "==> Ctrl-C 停止。Web、Celery worker 与 beat 一起运行。"
	PATH="$(CURDIR)/$(BIN):$$PATH" WEB_HOST=$(HOST) WEB_PORT=$(PORT) SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/honcho start -f Procfile

# Prints the 25 slowest tests. The first run keeps a migrated SQLite template in var/test-db/
# (rebuilt whenever a migration changes), so later runs skip the ~30 s of migrations.
# TEST_WORKERS pytest-xdist processes (one per core, at most 4; TEST_WORKERS=0 runs in this
# process): each has its own test database and demo county; the browser tests form one group.
# PYTHONDONTWRITEBYTECODE is cleared for the run: with it set (as some images do) every worker
# compiles the project and re-rewrites every test module's asserts on every run (≈ 4 s each).
TEST_WORKERS ?= auto
test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses=4 --dist loadgroup --durations=25 --durations-min=0.5 $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "需要 Python 3.11,当前为 " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo

demo: install
	$(BIN)/python manage.py load_demo

# Rebuild static/dist/ (trimmed Bootstrap CSS, icon-font subset, custom ECharts) and the vendored
# JS from assets/package-lock.json. Needs Node 18+; commit the output. Run after adding a Bootstrap
# class, an icon or a chart type (tests/test_static_assets.py says when).
assets: install
	cd assets && npm ci --no-audit --no-fund && PYTHON=$(CURDIR)/$(BIN)/python npm run build

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
