"""One error hierarchy for the tile builders.

Messages are safe to show to the user who started the build; the service maps the classes to
HTTP status codes once, at its edge (``twin.errors``).
"""

from __future__ import annotations


class TilesError(Exception):
    """Base of every error raised while building a tile product."""


class BuildInputError(TilesError):
    """The input of a build is unusable (no features, no heights, bad geometry); names what."""


class TilesetWriteError(TilesError):
    """A tileset or one of its contents could not be written to the output folder."""
