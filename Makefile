# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The distribution was named splitguard before splitguard-ml: drop its install and
	# metadata, or every rule would be registered twice.
	$(BIN)/python -m pip uninstall --quiet --yes splitguard
	rm -rf splitguard.egg-info
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/splitguard demo

# mypy checks bench/ too: a benchmark that calls an API the code has moved on from
# fails here, not at its next run.
lint: $(STAMP)
	$(BIN)/ruff check splitguard tests bench
	$(BIN)/ruff format --check splitguard tests bench
	$(BIN)/mypy splitguard
	$(BIN)/mypy bench

test: lint
	$(BIN)/python -m pytest

# The kill test: a 1M-row split killed 20 times (about 10-15 minutes on 2 cores).
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

bench: $(STAMP)
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/check_bench.py
	$(BIN)/python bench/split_bench.py
	$(BIN)/python bench/minimums_bench.py
	$(BIN)/python bench/split_cli_bench.py
	$(BIN)/python bench/report_bench.py
	$(BIN)/python bench/fix_bench.py

clean:
	rm -rf $(VENV) splitguard-demo
