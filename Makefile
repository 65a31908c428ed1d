# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
PORT   ?= 8501

.PHONY: run test bench build validate lint format clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed  ## create the venv, install, start the app on localhost:$(PORT)
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.installed-dev  ## install what the tests need and run them all
	$(PY) -m ruff check geo layers tests streamlit_app.py bench
	$(PY) -m geo validate
	$(PY) -m pytest -q

bench: $(VENV)/.installed-dev  ## rerunnable benchmarks: atlas queries, validation, the app in Chromium
	$(PY) -m bench

build: $(VENV)/.installed  ## rebuild data/build/ from the source files, and the app's display file
	$(PY) -m geo build
	$(PY) -m layers prepare

validate: $(VENV)/.installed
	$(PY) -m geo validate

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check geo layers tests streamlit_app.py bench

format: $(VENV)/.installed-dev
	$(PY) -m ruff format geo layers tests streamlit_app.py bench

clean:
	rm -rf $(VENV) .pytest_cache
