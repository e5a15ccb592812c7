# The Makefile is the provenance record. One rule per step of the chain, each made by one notebook (or one
# module), generated from the step and table registries (src/helpers/registry/) into build/rules.mk: read that
# file, or `make -p`, for every rule. `make help` lists the targets.
ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make 4.3 or newer is needed (found $(MAKE_VERSION)); on macOS: `brew install make` and run `gmake`)
endif
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --output-sync=target
# Two jobs at a time; a sub-make (the verdict pages `make calibrate` rebuilds) shares its parent's job slots
# (forcing --jobs there too made make warn "-j2 forced in makefile: resetting jobserver mode").
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += --jobs=2
endif

# One root: this Makefile's folder, passed to the helpers (PTVTF_ROOT) and first on the import path, so a copied
# checkout or a second clone sharing one environment reads and writes only its own files.
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
export PTVTF_ROOT := $(ROOT)
export PYTHONPATH := $(ROOT)/src
# Two steps at a time on two cores: one BLAS thread per process (several per process fight over the cores and
# made the model steps several times slower). Override on a larger machine, e.g. OPENBLAS_NUM_THREADS=4.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

YEAR ?= 2021
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
KERNEL := pytorch-vs-tensorflow
ENV_STAMP := $(VENV)/.installed
HELPERS := $(wildcard src/helpers/*.py src/helpers/*/*.py src/helpers/report/templates/offline/*)
HTML := reports/html
RAW_LISTING := build/raw_files.txt
# Run one step: papermill (in the notebook's own folder, as JupyterLab does) then the HTML export, in one process.
RUN = $(PY) -m helpers.chain.run

# Generate build/rules.mk and the raw listing (standard-library Python; each file rewritten only when it changes).
CALIBRATION_SIMS ?= 50
_gen := $(shell PYTHONPATH=src $(PYTHON) -m helpers.chain.makefile build/rules.mk $(RAW_LISTING) '$(YEAR)' \
          CALIBRATION_SIMS='$(CALIBRATION_SIMS)' 2>&1)
ifeq ($(filter ok year-error:%,$(firstword $(_gen))),)
$(error could not generate build/rules.mk with $(PYTHON) (Python 3.11+ is needed): $(_gen))
endif
include build/rules.mk
ifneq ($(filter year-error:,$(firstword $(_gen))),)
ifneq ($(filter all check-year bench,$(or $(MAKECMDGOALS),help)),)
$(error $(wordlist 2,999,$(_gen)))
endif
endif

# Say what is about to happen before anything runs (a step's own line appears when it is done, with its time).
ifneq ($(filter all all-years calibrate,$(MAKECMDGOALS)),)
$(info make $(MAKECMDGOALS) (YEAR=$(YEAR)): $(if $(wildcard $(ENV_STAMP)),,first the environment in $(VENV) (once, 1-2 minutes of pip), then )each step of the chain that is not up to date, two at a time; each reports its time when done.)
endif

.DEFAULT_GOAL := help
.PHONY: help all all-years calibrate test lint env check-year bench clean clean-all verify fetch refresh refresh-check

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_.%/-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort | \
	  awk -F'\t' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo "  Variables: YEAR=$(YEAR) (valid: $(firstword $(VALID_YEARS))-$(lastword $(VALID_YEARS))), PYTHON=$(PYTHON), VENV=$(VENV)"

env: $(ENV_STAMP) ## Create .venv with the pinned dependencies and register the project kernel

# A shared environment (VENV outside this checkout) is created if missing, but updated only from the clone that
# owns it: reinstalling it from here would point its editable install at this clone for everyone.
ENV_DEPS := $(if $(filter $(ROOT)/%,$(abspath $(VENV))),pyproject.toml)
$(ENV_STAMP): $(ENV_DEPS)
	@$(PYTHON) -c 'import sys; sys.exit("error: Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (pytorch-vs-tensorflow)" >/dev/null
	@# quiet the kernel's own start-up log (a loopback-TCP notice on every run); user warnings still show
	@$(PY) -c 'import json, sys; p = sys.prefix + "/share/jupyter/kernels/$(KERNEL)/kernel.json"; k = json.load(open(p)); \
	  k["argv"][-2:-2] = ["--IPKernelApp.log_level=CRITICAL"]; json.dump(k, open(p, "w"), indent=1)'
	@touch $@
	@echo "[env] $(VENV) is ready: pinned versions from pyproject.toml, Jupyter kernel pytorch-vs-tensorflow"

check-year: ## Check YEAR (it is also checked before anything runs)
	@echo "YEAR=$(YEAR) is valid"

all: $(HTML)/index.html ## Verify raw data, run the chain (once) and the verdict for YEAR, export HTML reports
	@echo "Done. The verdict for $(YEAR): $(HTML)/40_verdict_$(YEAR).html  (every report: $(HTML)/index.html)"

verify: $(HTML)/00_acquire.html ## Verify data/raw against its manifest (00_acquire)

fetch: $(ENV_STAMP) ## Download raw files missing from data/raw (manifest URLs; verified, never overwrites)
	$(PY) -m helpers.chain.fetch

YEAR_REPORTS := $(subst %,$(YEAR),$(PER_YEAR))
ALL_YEAR_REPORTS := $(foreach y,$(VALID_YEARS),$(subst %,$(y),$(PER_YEAR)))
# `make all-years YEARS="2024 2025"`: the verdict for those years only (and the overview); every valid year by default
YEARS ?= $(VALID_YEARS)
ifneq ($(filter all-years,$(MAKECMDGOALS)),)
ifneq ($(filter-out $(VALID_YEARS),$(YEARS)),)
$(error YEARS holds $(filter-out $(VALID_YEARS),$(YEARS)): the valid years are $(firstword $(VALID_YEARS))-$(lastword $(VALID_YEARS)))
endif
endif
# Pages built before (other years' verdicts, the all-years overview) are rebuilt whenever their tables change, so the
# index never links a page built from older tables; any other stale page (the coverage study) the index marks.
BUILT := $(filter $(ALL_YEAR_REPORTS) $(ALL_YEARS_ONLY),$(wildcard $(HTML)/*.html))
QUOTE_CALIBRATION := $(filter $(ALL_YEAR_REPORTS),$(BUILT))

$(HTML)/index.html: $(ONCE) $(YEAR_REPORTS) $(BUILT) $(HELPERS)
	@$(PY) -m helpers.report.index $(HTML)

all-years: $(ONCE) $(foreach y,$(YEARS),$(subst %,$(y),$(PER_YEAR))) $(ALL_YEARS_ONLY) ## Run the chain once and the verdict for every valid year (or YEARS)
	@$(PY) -m helpers.report.index $(HTML)
	@echo "Done. Every year at a glance: $(HTML)/50_all_years.html  (every report: $(HTML)/index.html)"

calibrate: $(CALIBRATE) ## The coverage and width study of every interval (CALIBRATION_SIMS replicates; ~8 min at 50)
	@# the verdict pages already built quote the study (it is not their prerequisite: `make all` never starts it)
	@$(if $(QUOTE_CALIBRATION),rm -f $(QUOTE_CALIBRATION) && $(MAKE) --no-print-directory $(QUOTE_CALIBRATION))
	@$(PY) -m helpers.report.index $(HTML)

# Online, never part of `all`: new raw files (and manifest rows) for the months after the acquired data. Options:
# REFRESH_ARGS='--sources pypi,github --engine bigquery'; endpoints from the environment (README, "Refreshing").
REFRESH_ARGS ?=
refresh: $(ENV_STAMP) ## Add the months since the acquired data from ClickHouse/BigQuery and the Stack Exchange API (online)
	$(PY) -m helpers.refresh.run $(REFRESH_ARGS)

refresh-check: $(ENV_STAMP) ## Online, seconds: does each refresh endpoint hold its table, and up to which day?
	$(PY) -m helpers.refresh.check $(REFRESH_ARGS)

test: $(ENV_STAMP) ## Run the whole test suite (unit tests, papermill chain on fixtures, schemas, browser checks)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  echo "WARNING: chromium is not installed: the browser checks of the HTML reports will be SKIPPED (apt-get install chromium; in CI they fail)"
	$(VENV)/bin/pytest -q

lint: $(ENV_STAMP) ## Lint src/, tests/ and the notebooks with ruff; check the package's layers and cycles (import-linter)
	$(VENV)/bin/ruff check src tests notebooks
	$(VENV)/bin/lint-imports

BENCH_ARGS ?=
bench: $(ENV_STAMP) ## Time cold `make all`, a no-op `make all`, cold `make all-years`, and the kernel-free lower bound
	$(PY) -m helpers.chain.bench --year $(YEAR) $(BENCH_ARGS)

clean: ## Remove processed data, reports and build files (keeps .venv and data/raw)
	rm -rf build data/processed reports

clean-all: clean ## Also remove the virtual environment
	rm -rf $(VENV)
