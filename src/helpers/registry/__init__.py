"""Metadata as code, standard library only (Make reads it): every fact written once, everything else derived.

- `sources` — each data source: raw folder and files, metrics and items, method breaks, refresh spec.
- `signals` — each comparison of PyTorch with TensorFlow on one source and metric, and its family.
- `fields` — column kinds (unit, display, name mark), the id pattern, display headers.
- `columns` — the fields several tables share, defined once.
- `tables` — every output table: path, step, columns, key, checks.
- `steps` — the chain's steps (cleaning steps derived from the sources).
- `claims` — the article's claims and the verdict thresholds.
- `crossover` — the crossover rules and their outcomes, in a reader's words.
- `formats` — how numbers print (percent, points, probabilities, p-values, intervals).

From them come Make's rules, the schemas, the data dictionary (docs/data-dictionary.md), charts, sentences, tests.
"""
