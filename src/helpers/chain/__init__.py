"""Running the chain.

- `paths` — one project root; where each table lives. `params` — the `year` parameter and its range.
- `io` — atomic, deterministic reads and writes of registered tables; raw CSVs read with named errors.
- `schemas` — pandera schemas generated from the table registry. `labels` — label columns filled on write.
- `manifest` — data/raw verified against MANIFEST.csv; `manifest add` writes rows. `fetch` — downloads, 00_acquire.
- `refresh_files` — where refresh files live and their names. `cache` — results kept between steps (build/cache/).
- `makefile` — Make's rules from the step registry. `run` — one step (papermill, or its function).
- `export` — executed notebooks to offline HTML. `pipeline` — the chain without kernels (tests, bench).
- `provenance` — the provenance record of a year's reports. `bench` — `make bench`. `docs` — the data dictionary.
"""
