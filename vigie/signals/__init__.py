"""Early-warning signals: streaming spike detectors and their NAB scoring. See docs/early-warning.md"""
