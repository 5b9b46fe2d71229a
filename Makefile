# Two commands from a fresh clone: `make run` (the app on a demo dossier) and `make test` (everything CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/encaisse --demo

lint: $(VENV)/.installed
	$(BIN)/ruff check app tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/generate.py --keep /tmp/encaisse-large.encaisse
	$(BIN)/python bench/aging.py /tmp/encaisse-large.encaisse
	$(BIN)/python bench/invoice_table.py /tmp/encaisse-large.encaisse
	$(BIN)/python bench/client_page.py /tmp/encaisse-large.encaisse
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/dashboard.py /tmp/encaisse-large.encaisse
	$(BIN)/python bench/export.py /tmp/encaisse-large.encaisse
	$(BIN)/python bench/bench_next_steps.py /tmp/encaisse-large.encaisse
	$(BIN)/python bench/bank_match.py /tmp/encaisse-large.encaisse
	$(BIN)/python bench/letters.py
	$(BIN)/python bench/import_fec.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
