# Two commands a newcomer needs: `make site` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test lint bench clean

# A virtual environment with cjmgen (editable) and every optional part installed.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[pdf,slides,pptx,test]'
	touch $(STAMP)

site: $(STAMP)  ## build the bundled maps/ into site/ (HTML and PDF)
	$(BIN)/cjmgen build

test: $(STAMP)  ## run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff and mypy, with the settings in pyproject.toml
	$(BIN)/ruff check cjmgen tests tools
	$(BIN)/mypy

bench: $(STAMP)  ## print performance figures (see docs/benchmarks.md)
	$(BIN)/python -m tools.bench --write docs/benchmark-results.md

clean:
	rm -rf site .cjmgen-cache $(VENV) build dist *.egg-info
