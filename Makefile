# The Makefile is the provenance record: one file target per artefact, each made by one notebook.
# `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --jobs=2 --output-sync=target

YEAR ?= 2021
# Must equal helpers.params.VALID_YEARS (a test checks it): `make all-years` runs each.
VALID_YEARS := 2017 2018 2019 2020 2021 2022 2023 2024 2025 2026
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := pytorch-vs-tensorflow
ENV_STAMP := $(VENV)/.installed
HELPERS := $(wildcard src/helpers/*.py src/helpers/templates/offline/*)
# A listing of data/raw (path, size, mtime) rewritten only when it changes: adding, editing or removing
# a raw file (a Google Trends export, say) re-runs the chain from verification on.
RAW_LISTING := build/raw_files.txt
_ := $(shell mkdir -p build && find data/raw -type f -printf '%p %s %T@\n' 2>/dev/null | sort > $(RAW_LISTING).new; \
       cmp -s $(RAW_LISTING).new $(RAW_LISTING) || mv $(RAW_LISTING).new $(RAW_LISTING); rm -f $(RAW_LISTING).new)
HTML := reports/html
# helpers.run: papermill (in the notebook's own folder, as JupyterLab does) then the HTML export
# (no code cells, images embedded, nothing from a CDN), in one process.
RUN = $(PY) -m helpers.run

.DEFAULT_GOAL := help
.PHONY: help all all-years test env check-year bench clean clean-all verify fetch

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_.%/-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort | \
	  awk -F'\t' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo "  Variables: YEAR=$(YEAR) (valid: see README), PYTHON=$(PYTHON)"

env: $(ENV_STAMP) ## Create .venv with the pinned dependencies and register the project kernel

$(ENV_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("error: Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (pytorch-vs-tensorflow)" >/dev/null
	@# quiet the kernel's own start-up log (a loopback-TCP notice on every run); user warnings still show
	$(PY) -c 'import json, sys; p = sys.prefix + "/share/jupyter/kernels/$(KERNEL)/kernel.json"; k = json.load(open(p)); \
	  k["argv"][-2:-2] = ["--IPKernelApp.log_level=CRITICAL"]; json.dump(k, open(p, "w"), indent=1)'
	touch $@

check-year: $(ENV_STAMP)
	@$(PY) -m helpers.params '$(YEAR)'

all: $(HTML)/index.html ## Verify raw data, run the chain for YEAR, export HTML reports

verify: build/raw_verified.stamp ## Verify data/raw against its manifest (00_acquire)

fetch: $(ENV_STAMP) ## Download raw files missing from data/raw (manifest URLs; verified, never overwrites)
	$(PY) -m helpers.fetch

# $(call run_once,NOTEBOOK,OUTPUTS): run a year-independent notebook once (year only labels the
# report); helpers.run executes it with papermill, exports the HTML, and removes OUTPUTS if it fails.
run_once = $(RUN) $(1) $(YEAR) --outputs $(2)

# --- 00: verify the raw bytes against data/raw/MANIFEST.csv --------------------------------------
build/raw_verified.stamp: notebooks/00_acquire.ipynb $(RAW_LISTING) $(HELPERS) $(ENV_STAMP) | check-year
	$(RUN) 00_acquire $(YEAR)
	touch $@

# --- 10: Kaggle survey -> respondent table and framework shares ---------------------------------
KAGGLE_OUT := data/processed/kaggle_framework_shares.csv data/processed/kaggle_respondents.parquet
$(KAGGLE_OUT) $(HTML)/10_clean_kaggle.html &: notebooks/10_clean_kaggle.ipynb build/raw_verified.stamp $(HELPERS)
	$(call run_once,10_clean_kaggle,$(KAGGLE_OUT))

# --- 11-16: monthly sources -> per-source parts of monthly_signals.csv; the two drop-in sources ---
SE_OUT := data/processed/monthly_stackexchange.csv data/processed/so_questions_digitised.csv reports/tables/dsse_snapshot_sensitivity.csv
$(SE_OUT) $(HTML)/11_clean_stackexchange.html &: notebooks/11_clean_stackexchange.ipynb build/raw_verified.stamp $(HELPERS)
	$(call run_once,11_clean_stackexchange,$(SE_OUT))

data/processed/monthly_github.csv $(HTML)/12_clean_github.html &: notebooks/12_clean_github.ipynb build/raw_verified.stamp $(HELPERS)
	$(call run_once,12_clean_github,data/processed/monthly_github.csv)

data/processed/monthly_pypi.csv $(HTML)/13_clean_pypi.html &: notebooks/13_clean_pypi.ipynb build/raw_verified.stamp $(HELPERS)
	$(call run_once,13_clean_pypi,data/processed/monthly_pypi.csv)

data/processed/conference_papers.csv $(HTML)/14_clean_conferences.html &: notebooks/14_clean_conferences.ipynb build/raw_verified.stamp $(HELPERS)
	$(call run_once,14_clean_conferences,data/processed/conference_papers.csv)

GT_OUT := data/processed/monthly_google_trends.csv data/processed/google_trends_export.csv
$(GT_OUT) $(HTML)/15_clean_google_trends.html &: notebooks/15_clean_google_trends.ipynb build/raw_verified.stamp $(HELPERS)
	$(call run_once,15_clean_google_trends,$(GT_OUT))

SO_SURVEY_OUT := data/processed/so_survey_framework_shares.csv data/processed/so_survey_pairs.csv
$(SO_SURVEY_OUT) $(HTML)/16_clean_so_survey.html &: notebooks/16_clean_so_survey.ipynb build/raw_verified.stamp $(HELPERS)
	$(call run_once,16_clean_so_survey,$(SO_SURVEY_OUT))

SIGNAL_PARTS := data/processed/monthly_stackexchange.csv data/processed/monthly_github.csv data/processed/monthly_pypi.csv \
                data/processed/monthly_google_trends.csv
data/processed/monthly_signals.csv: $(SIGNAL_PARTS) $(HELPERS)
	$(PY) -m helpers.signals $@ $(SIGNAL_PARTS)

PROCESSED := $(KAGGLE_OUT) data/processed/monthly_signals.csv data/processed/conference_papers.csv

# --- 20: trend tests, change points, crossovers, leader in YEAR --------------------------------
$(HTML)/20_trend_tests_%.html reports/tables/signal_tests_%.csv &: notebooks/20_trend_tests.ipynb $(PROCESSED) $(HELPERS) | check-year
	$(RUN) 20_trend_tests $* --report 20_trend_tests_$* --outputs reports/tables/signal_tests_$*.csv

# --- 30: survey shares, shifts and the Kaggle claims, for one year ------------------------------
$(HTML)/30_survey_shift_%.html: notebooks/30_survey_shift.ipynb $(KAGGLE_OUT) $(SO_SURVEY_OUT) $(HELPERS) | check-year
	$(RUN) 30_survey_shift $* --report 30_survey_shift_$*

# year-independent tables that every run of 20 writes identically
YEARLESS_20 := reports/tables/crossovers.csv reports/tables/yearly_trends.csv
$(YEARLESS_20): $(HTML)/20_trend_tests_$(YEAR).html
	@test -f $@ || { echo "error: $@ was not written by 20_trend_tests" >&2; exit 1; }

# --- 40: the verdict for one year: scorecard, leaders, composite, provenance --------------------
VERDICT_OUT = $(HTML)/40_verdict_%.html reports/tables/verdict_%.csv reports/tables/leaders_%.csv reports/provenance_%.json
$(VERDICT_OUT) &: notebooks/40_verdict.ipynb reports/tables/signal_tests_%.csv $(YEARLESS_20) $(PROCESSED) $(HELPERS) | check-year
	$(RUN) 40_verdict $* --report 40_verdict_$* --outputs reports/tables/verdict_$*.csv reports/tables/leaders_$*.csv reports/provenance_$*.json

# --- 50: every valid year (after `make all-years`) -----------------------------------------------
$(HTML)/50_all_years.html reports/tables/leaders_by_year.csv &: notebooks/50_all_years.ipynb $(PROCESSED) $(HELPERS)
	$(call run_once,50_all_years,reports/tables/leaders_by_year.csv)

all-years: $(foreach y,$(VALID_YEARS),$(HTML)/20_trend_tests_$(y).html $(HTML)/30_survey_shift_$(y).html $(HTML)/40_verdict_$(y).html) $(HTML)/50_all_years.html $(HTML)/index.html ## Run the chain for every valid year (cleaning once) and the leaders-by-year table
	$(PY) -m helpers.report_index $(HTML)

CLEAN_REPORTS = $(HTML)/00_acquire.html $(HTML)/10_clean_kaggle.html $(HTML)/11_clean_stackexchange.html \
                $(HTML)/12_clean_github.html $(HTML)/13_clean_pypi.html $(HTML)/14_clean_conferences.html \
                $(HTML)/15_clean_google_trends.html $(HTML)/16_clean_so_survey.html
YEAR_REPORTS = $(CLEAN_REPORTS) $(HTML)/20_trend_tests_$(YEAR).html $(HTML)/30_survey_shift_$(YEAR).html \
               $(HTML)/40_verdict_$(YEAR).html

$(HTML)/index.html: $(YEAR_REPORTS) $(HELPERS)
	$(PY) -m helpers.report_index $(HTML)

$(HTML)/00_acquire.html: build/raw_verified.stamp

test: $(ENV_STAMP) ## Run the whole test suite (unit tests, papermill chain on fixtures, schema checks)
	$(VENV)/bin/pytest -q

bench: $(ENV_STAMP) ## Time a cold chain, a no-op `make all`, and the helpers-only lower bound
	$(PY) -m helpers.bench --year $(YEAR)

clean: ## Remove processed data, reports and executed notebooks (keeps .venv and data/raw)
	rm -rf build data/processed reports

clean-all: clean ## Also remove the virtual environment
	rm -rf $(VENV)
