# Two commands on a fresh machine with Python 3.11 and git:
#   make demo   set up .venv and run the guard on the bundled example
#   make test   run the test suite
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test check clean

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

clean:
	rm -rf $(VENV) .ratchet
