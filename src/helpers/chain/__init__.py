"""Running the chain: paths, parameters, I/O, raw-data manifest, schemas, Make rules, notebook runs, export."""
