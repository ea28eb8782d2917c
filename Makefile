# Two commands set everything up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 1
SEED ?= 42

export EXTRACTS_DIR ?= $(CURDIR)/data/extracts
export WAREHOUSE_PATH ?= $(CURDIR)/data/warehouse/warehouse.duckdb
export PUBLISHED_PATH ?= $(CURDIR)/data/published/metrics.duckdb
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# The Spark target's warehouse directory and metastore (dbt_project/profiles.yml, target spark).
export SPARK_DIR ?= $(CURDIR)/data/spark
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install install-spark spark-build test-spark bench-spark demo test dev check-defs bench lint docs clean dashboard chromium fuzz calibrate crash

# The environment is rebuilt only when the lock file changes. Bytecode is compiled once here:
# otherwise every process recompiles dagster, dbt and MetricFlow on import (~2 s of CPU each)
# wherever PYTHONDONTWRITEBYTECODE is set.
$(BIN)/.installed: pyproject.toml uv.lock
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	.tools/bin/uv sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

install: $(BIN)/.installed

# The optional Spark engine (dbt-spark in session mode, local pyspark on the machine's Java 17):
# its own environment, the default one plus the `spark` group, so `make install` stays lean and
# its exact sync never removes pyspark.
SPARK_VENV := .venv-spark
$(SPARK_VENV)/bin/.installed: pyproject.toml uv.lock $(BIN)/.installed
	UV_PROJECT_ENVIRONMENT=$(SPARK_VENV) .tools/bin/uv sync --frozen --compile-bytecode --group spark --python $(PYTHON)
	touch $@

install-spark: $(SPARK_VENV)/bin/.installed

# The dbt project on Spark from the warehouse `make demo` loaded: the raw layer exported to Parquet
# (sources/raw_export.py), registered as the Spark target's sources, then every model and test.
# Its own target path: the DuckDB build's manifest (Dagster's) is never overwritten.
SPARK_DBT := SPARK_LOCAL_IP=127.0.0.1 $(SPARK_VENV)/bin/dbt
SPARK_DBT_ARGS := --project-dir $(CURDIR)/dbt_project --profiles-dir $(CURDIR)/dbt_project \
	--target spark --target-path $(SPARK_DIR)/target
spark-build: install-spark
	$(SPARK_VENV)/bin/python -m sources.raw_export --warehouse $(WAREHOUSE_PATH) --out $(SPARK_DIR)/raw
	$(SPARK_DBT) run-operation register_raw_parquet --args '{raw_dir: "$(SPARK_DIR)/raw"}' $(SPARK_DBT_ARGS)
	$(SPARK_DBT) build $(SPARK_DBT_ARGS)
	SPARK_LOCAL_IP=127.0.0.1 $(SPARK_VENV)/bin/python -m metric_layer.spark_values \
		--semantic-manifest $(SPARK_DIR)/target/semantic_manifest.json

# The demo company (scale 0.2) on DuckDB and on Spark: metric_values equal row for row
# (tests/spark_parity.py; marked slow and outside make test's file pattern).
test-spark: install-spark
	$(BIN)/pytest tests/spark_parity.py -m slow -q

# Both engines phase by phase at SCALES (benchmarks/engines.py).
bench-spark: install-spark
	$(BIN)/python -m benchmarks.engines --scales $(SCALES)

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m sources.demo --out $(EXTRACTS_DIR) --scale $(SCALE) --seed $(SEED)
	$(BIN)/python -m orchestration.demo

# DuckDB 1.1 in its own environment: the oldest reader the published file must serve.
OLD_DUCKDB_VENV := .venv-duckdb1
# The stamp is touched only once the install succeeded, so a failed download is retried.
$(OLD_DUCKDB_VENV)/.installed:
	$(PYTHON) -m venv $(OLD_DUCKDB_VENV)
	$(OLD_DUCKDB_VENV)/bin/pip install --quiet --disable-pip-version-check duckdb==1.1.3
	touch $@

# Debian's chromium for the dashboard's browser tests: Playwright cannot download its own here.
chromium:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# Two workers, one per core; tests/parallel_groups.py says how the suite is split between them.
test: install $(OLD_DUCKDB_VENV)/.installed chromium
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadscope --no-loadscope-reorder

# The loader's fuzz test with many seeds (make test runs a few): LOAD_FUZZ_SEEDS drop corruptions
# per format, each compared record by record with the loading rules.
LOAD_FUZZ_SEEDS ?= 500
fuzz: install
	LOAD_FUZZ_SEEDS=$(LOAD_FUZZ_SEEDS) $(BIN)/pytest tests/test_load_fuzz.py -q

# Crash safety at every kill point of tests/test_crash_safety.py (make test runs a slice): each
# kills a real build with SIGKILL in one phase, then lets the next build run to the end.
crash: install
	CRASH_KILL_POINTS=all $(BIN)/pytest tests/test_crash_safety.py -q

# The shared dashboard on the published file (PUBLISHED_PATH) that `make demo` built; offline.
DASHBOARD_PORT ?= 8501
dashboard: install
	@echo "The dashboard: http://localhost:$(DASHBOARD_PORT) (reading $(PUBLISHED_PATH))"
	$(BIN)/python -m dashboard --port $(DASHBOARD_PORT)

DEV_PORT ?= 3000
# Dagster's dg CLI on this project (dg.toml): every definition loads. The repo is not installed as
# a package, so its root goes on the module path; dg warns unless the venv it runs from is active.
check-defs: install $(DAGSTER_HOME)/dagster.yaml
	PYTHONPATH=$(CURDIR) VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs

# dg dev, not dagster dev (superseded: it warns so on every start); same module path and venv as
# check-defs.
dev: install $(DAGSTER_HOME)/dagster.yaml
	PYTHONPATH=$(CURDIR) VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg dev --port $(DEV_PORT)

SCALES ?= 1 10
# A subset of the phases, e.g. BENCH_PHASES="generate load load_floor dbt_full transform_floor
# metric_values gate" for scale 100 end to end without the incremental trio.
BENCH_PHASES ?=
bench: install
	$(BIN)/python -m benchmarks.run --scales $(SCALES) $(if $(BENCH_PHASES),--phases $(BENCH_PHASES))

# The revenue-link gate against its targets (docs/revenue_gate.md): the decision rule on exact
# planted effects (REPLICATES per case), then SEEDS generated companies per scenario (about 15 s
# each on a quiet core).
SEEDS ?= 20
REPLICATES ?= 1000
calibrate: install
	$(BIN)/python -m expectations.calibration --seeds $(SEEDS) --replicates $(REPLICATES)

# The dbt docs site (models, columns, tests, lineage) of the warehouse `make demo` built.
DOCS_PORT ?= 8080
docs: install
	$(BIN)/dbt docs generate --project-dir dbt_project --profiles-dir dbt_project
	$(BIN)/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project --port $(DOCS_PORT) --no-browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs
