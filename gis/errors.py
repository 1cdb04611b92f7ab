"""One error hierarchy for the store.

Every error carries a message that is safe to show to the user who caused it; the service maps
the classes to HTTP status codes once, at its edge (``twin.errors``).
"""

from __future__ import annotations


class GisError(Exception):
    """Base of every error raised by the store."""


class ConfigurationError(GisError):
    """The deployment is mis-configured (missing grid, no PostgreSQL binaries, bad manifest)."""


class DatabaseUnavailable(GisError):
    """PostGIS cannot be reached or started."""


class LayerNotFound(GisError):
    """The layer does not exist (or, at the service edge, the caller may not see it)."""

    def __init__(self, layer_id: str) -> None:
        super().__init__(f"layer {layer_id!r} not found")
        self.layer_id = layer_id


class LayerBusy(GisError):
    """Another operation holds the layer (a load in progress); try again when it is done."""


class InvalidLayerSpec(GisError):
    """A layer description (manifest entry or CLI flags) breaks the registry's rules."""


class IngestError(GisError):
    """A source could not be loaded; the previous version of the layer is untouched.

    ``source`` names the file and ``where`` the feature index, id or line when known, so the
    message always says which file, where and what went wrong.
    """

    def __init__(self, source: str, problem: str, where: str | None = None) -> None:
        location = f"{source}: {where}" if where else source
        super().__init__(f"{location}: {problem}")
        self.source = source
        self.where = where
        self.problem = problem


class QualityRejected(IngestError):
    """The source loaded, but failed the quality rules (``--strict`` or fatal problems)."""


class GeodesyError(GisError):
    """A coordinate operation would be inaccurate (missing grid) or is undefined."""
