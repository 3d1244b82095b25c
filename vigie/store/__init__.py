"""The store: SQLite by default, PostgreSQL by URL. See docs/store.md"""

from vigie.store.db import Store

__all__ = ["Store"]
