"""Vigie's web command center: server-rendered pages, the REST API and access control. See docs/web.md"""

# NOTE: keep this package import light. vigie.store imports vigie.web.tables (TABLE_MODULES) to
# register the web tables, and that must not pull FastAPI into the command line or the workers.
