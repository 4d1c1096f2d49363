"""Benchmarks (issue 8): Tekser against a minimal floor app on the same stack. See README.md."""
