"""Metadata as code: the signals (`signals`), the output tables (`tables`) and the chain's steps (`steps`).

Everything else derives from these three modules: Make rules, schemas, the README data dictionary, charts,
summary sentences and tests. They import nothing outside the standard library.
"""
