# Two commands from a fresh clone: `make run` (the app on a demo dossier) and `make test` (everything CI runs).
PYTHON ?= python3
VENV := .venv
# A Windows venv keeps its programs in Scripts\ (GNU make from Git Bash or MSYS2).
ifeq ($(OS),Windows_NT)
BIN := $(VENV)/Scripts
EXE := .exe
else
BIN := $(VENV)/bin
EXE :=
endif

.PHONY: run test lint bench bundle clean

$(BIN)/python$(EXE):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled whenever pyproject.toml changes. The bundle extra (PyInstaller) too: tests/test_bundle.py builds it.
$(VENV)/.installed: pyproject.toml | $(BIN)/python$(EXE)
	$(BIN)/python -m pip install --quiet -e '.[test,bundle]'
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
	$(BIN)/python bench/mail_outbox.py

# The one-folder bundle of the platform it runs on (installer/encaisse.spec); about 2–3 min on 2 cores.
bundle: $(VENV)/.installed
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build installer/encaisse.spec
	@echo "Bundle: $(CURDIR)/dist/encaisse (program: dist/encaisse/encaisse$(EXE))"

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist
