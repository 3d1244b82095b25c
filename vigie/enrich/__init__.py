"""Analyzers: one per file, their order in the `pipeline` setting. See docs/enrichment.md"""
