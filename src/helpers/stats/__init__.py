"""The statistics: survey proportions and shifts, trend tests, and the per-signal results tables."""
