"""Server-rendered pages, one module per area; each has `router` and `register(nav)`. See docs/web.md"""
