"""Shared code of the PyTorch-vs-TensorFlow notebook chain, in four layers.

- `registry`: metadata as code — every signal, output table and chain step, declared once.
- `chain`: running the chain — paths (one project root), the `year` parameter, atomic writes, raw-data
  manifest and downloads, schemas, Make rules, papermill runs and HTML export, provenance, the
  kernel-free pipeline and the benchmark.
- `sources`: one module per source, each with `build()` turning raw files into processed tables.
- `stats`: the statistics (survey proportions and shifts, trend tests, per-signal results).
- `report`: what readers see — claims and the scorecard, the year's verdict, charts, tables, the index.

Notebooks stay thin: they call a step's `build` function, show its tables and charts, and explain.
"""
