"""Benchmarks that print re-measurable JSON figures (`vigie bench ...`). See docs/early-warning.md"""

from __future__ import annotations

from pathlib import Path


def remove_sqlite(path: Path | str) -> None:
    """Delete a SQLite store and its WAL and shared-memory files (benchmarks start afresh and give
    their copies' disk back)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
