"""The REST API under /api/, described by OpenAPI at /api/openapi.json. See docs/api.md"""
