# parlib: `make reports` builds everything from data/raw; `make test` runs the test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?=

.PHONY: install clean-data demo-data reports test test-fast lab bench clean-outputs help

help:
	@echo "make reports   create .venv, install parlib, clean data/raw into data/clean, build reports/"
	@echo "make test      run the whole test suite"
	@echo "make lab       start JupyterLab with the 'parlib' kernel"
	@echo "make bench     run the speed and memory benchmarks"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed; found $$($(PYTHON) --version)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name parlib --display-name "parlib (.venv)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

clean-data: $(STAMP)
	$(BIN)/parlib clean

demo-data: $(STAMP)
	$(BIN)/parlib demo-data

reports: clean-data
	$(BIN)/parlib reports $(if $(JOBS),--jobs $(JOBS),)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean-outputs:
	rm -rf data/clean/* reports/*
	touch data/clean/.gitkeep reports/.gitkeep
