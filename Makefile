# Two commands on a fresh machine: `make run` and `make test`. See README.md
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.dev-installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

run: install
	$(BIN)/vigie up

test: dev
	$(BIN)/python -m pytest -n auto -q $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check vigie tests
	$(BIN)/mypy vigie

clean:
	rm -rf $(VENV) vigie-data
