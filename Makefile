# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench fuzz demo redis clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## Serve examples/config.yaml on the embedded SQLite store: no Redis, Slack or Kubernetes needed.
run: $(STAMP)
	$(BIN)/interceptor serve --config examples/config.yaml

## Install what the tests need, make sure Redis answers on 127.0.0.1:6379, run the suite.
test: $(STAMP) redis
	$(BIN)/python -m pytest

redis:
	./.ci/ensure-redis

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check interceptor handlers
	$(BIN)/mypy

## Precompiled first, as an installed package is: the CLI timings must not include compiling.
bench: $(STAMP) redis
	$(BIN)/python -m compileall -q interceptor handlers
	$(BIN)/python bench/run.py $(ARGS)

## The whole release flow of examples/tekton, locally: fake Slack, service, EventListener emulator.
## ARGS=--verbose shows why each trigger did not fire; ARGS=--keep keeps logs and the store.
demo: $(STAMP)
	$(BIN)/python -m examples.demo $(ARGS)

fuzz: $(STAMP) redis
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -m fuzz

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .data
