"""One module per source; each has `build()` -> {table id: DataFrame} for the tables its cleaning step writes.

- `kaggle` (10), `stackexchange` with `so_charts` (11: Stack Overflow charts read back, Data Science SE exports),
  `github` (12), `pypi` (13), `conferences` (14), `google_trends` (15), `so_survey` (16), `best_of_ml_python` (17).
- `refreshed` — refreshed months spliced onto an acquired series, with the registry's breaks.
- `monthly` — the monthly parts stacked into monthly_signals.csv (step assemble_signals).
"""
