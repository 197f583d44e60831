"""The repository's call graph: who calls whom, from where, with what (see `graph`)."""
