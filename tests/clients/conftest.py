"""Fixtures of the client tests (shared set-up lives in tests/*_support.py)."""

from ogc_support import ogc_layers, ogc_server  # noqa: F401 (fixtures)
