# Tekser: the two commands a newcomer needs are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app:create_app

.PHONY: run test test-fast test-cluster install install-test lint format translations demo clean

run: install  ## install, build the SQLite database, load demo data, serve on 127.0.0.1:5000 (and the job worker)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@# The job worker (mail, the digest) beside the server, on the SQLite queue; stopped with it.
	TEKSER_ENV=development $(BIN)/huey_consumer app.tasks.huey -w 2 -k thread & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	TEKSER_ENV=development $(BIN)/flask run --host 127.0.0.1 --port $${PORT:-5000}

test:  ## install test dependencies, lint, run the suite on SQLite and on PostgreSQL
	bash scripts/test.sh

test-fast:  ## the suite without the browser journeys, on SQLite only (reuses .venv; a few minutes)
	$(BIN)/pytest -q --ignore=tests/e2e $(PYTEST_ARGS)

test-cluster:  ## the two-node test alone: 2 gunicorn nodes, worker, scheduler, nginx (deploy/; < 2 min)
	bash scripts/cluster.sh $(PYTEST_ARGS)

install:
	bash scripts/bootstrap.sh

install-test:
	bash scripts/bootstrap.sh test

lint:  ## ruff, the layering contract (docs/decisions/0016-layering.md), and mypy
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports && $(BIN)/mypy

format:
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

translations:  ## extract new strings into the kk/ru catalogs (translate them, then `make install`)
	$(BIN)/flask translate update

clean:
	rm -rf $(VENV) instance/tekser.sqlite

.PHONY: bench bench-quick bench-video
bench: install  ## benchmarks against a floor app, PostgreSQL at scale (bench/README.md; < 15 min)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-quick:  ## the same, one short round and a smaller scale seed (< 3 min; reuses .venv)
	@test -x $(BIN)/gunicorn || $(MAKE) install
	$(BIN)/python -m bench.run --quick $(BENCH_ARGS)

bench-video: install  ## video: making the narrated course, bytes per rendition, 64 streams app vs nginx (bench/README.md; ~10 min)
	$(BIN)/python -m bench.video $(BENCH_ARGS)
