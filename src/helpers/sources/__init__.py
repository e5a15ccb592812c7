"""One module per source; each has `build()` -> {table id: DataFrame} for the tables its step writes."""
