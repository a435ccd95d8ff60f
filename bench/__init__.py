"""Benchmarks of the app at regional scale (issue 10). The entry point is bench/run.py; the
other bench_*.py scripts are older single-purpose benchmarks kept working."""
