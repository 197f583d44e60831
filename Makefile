# Two commands on a fresh machine with Python 3.11 and git:
#   make demo   set up .venv and run the guard and the loop on the bundled example
#   make test   run the test suite
#   make bench  time the guard against its peers on Django 5.1 → 5.2 (downloads once; minutes)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/ratchet demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2 -p no:cacheprovider

check: $(STAMP)
	$(VENV)/bin/ratchet check --base HEAD~1

bench: $(STAMP)
	$(VENV)/bin/python -m benchmarks.perf

clean:
	rm -rf $(VENV) .ratchet
