"""Benchmarks of archive-search (run with `make bench-cleaning`)."""
