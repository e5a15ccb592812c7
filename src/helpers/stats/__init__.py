"""The statistics.

- `shares` — a signal's monthly counts and shares. `share_model` — the state-space model of a monthly share.
- `crossover` — the crossover rules on simulated paths. `trend_tests` — Mann-Kendall against fitted nulls.
- `common_trend` — the trend common to all signals. `signal_results` — every per-signal table (step 20).
- `contenders` — the K-way model of PyTorch, TensorFlow and JAX on the signals that count JAX (step 22).
- `proportions` — Wilson, Newcombe, McNemar, two-proportion tests. `surveys` — survey shares and shifts (step 30).
- `papers` — conference paper shares. `calibration` — coverage and width against oracles (make calibrate).
"""
