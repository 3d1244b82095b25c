"""Benchmarks that print re-measurable JSON figures (`vigie bench ...`). See docs/early-warning.md"""
