# Two commands on a fresh machine: `make demo` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

# Prefect runs with a project-local home, quietly and without telemetry.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup demo test lint bench bench-quick bench-smoke review clean

setup: $(STAMP)

# torch is pinned to the CPU build in the same install, so pip never resolves a CUDA build.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet torch==2.13.0 -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(VENV)/bin/claimdesk demo

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint
	$(PY) -m pytest -q

# Speed benchmarks (benchmarks/RESULTS.md); the `ann` extra adds hnswlib for retrieval at 1M statements.
ANN_STAMP := $(VENV)/.ann-installed

$(ANN_STAMP): $(STAMP)
	$(PIP) install --quiet torch==2.13.0 -e '.[dev,ann]'
	touch $(ANN_STAMP)

bench: $(ANN_STAMP)
	$(PY) -m benchmarks

bench-quick: $(ANN_STAMP)
	$(PY) -m benchmarks --quick

# The quick suite as CI runs it: no `ann` extra (no C++ build), so the hnswlib line
# reads "not installed"; every other figure is printed.
bench-smoke: setup
	$(PY) -m benchmarks --quick

review: setup
	$(VENV)/bin/claimdesk review

clean:
	rm -rf $(VENV) .prefect claimdesk.duckdb
