# parlib: `make reports` builds everything from data/raw; `make test` runs the test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCK   := requirements-lock.txt
TOOLS  := .venv-tools
JOBS   ?=

.PHONY: install clean-data demo-data reports test test-fast fuzz lint lab bench clean-outputs help lock browser

help:
	@echo "make reports   create .venv, install parlib, clean data/raw into data/clean, build reports/"
	@echo "make test      run the whole test suite"
	@echo "make fuzz      run the property tests on fresh random examples"
	@echo "make lint      ruff (checks and format) and mypy on the package"
	@echo "make lab       start JupyterLab with the 'parlib' kernel"
	@echo "make bench     run the speed and memory benchmarks"
	@echo "make lock      refresh $(LOCK), the exact versions (with hashes) make installs"

# The environment is installed from $(LOCK): exact versions with their hashes, so a figure
# drawn today is drawn the same, byte for byte, on another machine and next year.
$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed; found $$($(PYTHON) --version)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	$(BIN)/python -m ipykernel install --sys-prefix --name parlib --display-name "parlib (.venv)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

clean-data: $(STAMP)
	$(BIN)/parlib clean

demo-data: $(STAMP)
	$(BIN)/parlib demo-data

reports: clean-data
	$(BIN)/parlib reports $(if $(JOBS),--jobs $(JOBS),)

# Pin newer versions: resolve pyproject.toml's ranges again (pip-tools, in a venv of its own).
lock:
	@test -x $(TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/python -m pip install --quiet pip-tools; }
	$(TOOLS)/bin/pip-compile --quiet --extra test --extra lint --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml
	@echo "wrote $(LOCK); 'make install' installs it"

# The browser test of the report site drives Debian's chromium: installed here when run as
# root (as .ci/run does), otherwise named before anything runs.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser test (apt-get install chromium)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "make test needs Debian's chromium for the browser test of the report site."; \
	    echo "Install it with:  sudo apt-get install chromium   (or run 'make test' as root)"; \
	    exit 1; \
	  fi; }

test: browser $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -n 2 -q -p no:cacheprovider \
	  $$(grep -l "from hypothesis" tests/*.py)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean-outputs:
	find data/clean reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +

# Lint and types: ruff's checks and formatting, and mypy on the package (settings in
# pyproject.toml). .ci/run runs this before the tests.
lint: $(STAMP)
	$(BIN)/ruff check parlib tests benchmarks
	$(BIN)/ruff format --check parlib tests benchmarks
	$(BIN)/mypy
