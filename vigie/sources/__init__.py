"""Connectors: one file each, registered in vigie.plugins.DEFAULT_PLUGINS. See docs/sources.md"""
