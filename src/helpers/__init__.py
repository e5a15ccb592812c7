"""Shared code of the PyTorch-vs-TensorFlow notebook chain, in six packages; imports point down this list
(`make lint` holds them to it with import-linter: `pyproject.toml`, [tool.importlinter]):

- `report`, `refresh` — what readers see (claims, scorecard, verdict, charts, tables, index); `make refresh`
  (months after the acquired data, from public engines). Neither imports the other.
- `sources` — one module per source: `build()` turns its raw files into processed tables.
- `stats` — the statistics: share models, crossovers, trend tests, survey proportions, calibration.
- `chain` — running the chain: paths, the `year`, I/O and schemas, the raw-data manifest, Make rules, runs.
- `registry` — metadata as code: sources, signals, fields, tables, steps, claims (standard library only).

Notebooks stay thin: they call a step's `build` function, show its tables and charts, and explain.
"""
